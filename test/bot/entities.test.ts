import assert from 'node:assert/strict';
import { parseBookingReference, parseOrderNumber } from '../../bot/language/entities';

describe('parseOrderNumber() and parseBookingReference()', () => {
  const orders: [string, string | undefined][] = [
    ['my order is sb10001 thanks', 'SB-10001'],
    ['SB 10001', 'SB-10001'],
    ['order\nSB-10001.', 'SB-10001'],
    ['#123456', '123456'],
    // Written without spaces, as Chinese is: the characters around the number do not hide it.
    ['我的订单是sb10001谢谢', 'SB-10001'],
    ['我的訂單是SB-10002，謝謝', 'SB-10002'],
    ['注文番号はSB10003です', 'SB-10003'],
    ['订单1004到哪了', undefined],
    ['订单100045到哪了', '100045'],
    // Inside a Latin word a number is not an order number.
    ['abc10001x', undefined],
    ['pasūtījums10001ā', undefined],
  ];
  for (const [text, expected] of orders) {
    it(`parseOrderNumber(${JSON.stringify(text)}) is ${String(expected)}`, () => {
      assert.equal(parseOrderNumber(text), expected);
    });
  }

  const bookings: [string, string | undefined][] = [
    ['move bk-7q4m2x please', 'BK-7Q4M2X'],
    ['我的預約是BK7Q4M2X謝謝', 'BK-7Q4M2X'],
    ['ABK7Q4M2X', undefined],
  ];
  for (const [text, expected] of bookings) {
    it(`parseBookingReference(${JSON.stringify(text)}) is ${String(expected)}`, () => {
      assert.equal(parseBookingReference(text), expected);
    });
  }
});
