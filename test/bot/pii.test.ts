import assert from 'node:assert/strict';
import { redactPii } from '../../bot/language/pii';

describe('redactPii()', () => {
  const cases: [string, string][] = [
    ['my email is ana.garcia+shop@example.co.uk thanks', 'my email is [email] thanks'],
    ['call me on +34 612 345 678', 'call me on [phone]'],
    ['tel. (0151) 496-0999 after 5', 'tel. [phone] after 5'],
    ['card 4111 1111 1111 1111 please', 'card [card] please'],
    ['order SB-10004, postcode 28013', 'order SB-10004, postcode 28013'],
    ['it costs 1299 euros', 'it costs 1299 euros'],
  ];
  for (const [text, expected] of cases) {
    it(`redacts "${text}"`, () => {
      assert.equal(redactPii(text), expected);
    });
  }

  it('keeps a 16-digit reference that fails the card checksum (a tracking number, say)', () => {
    assert.equal(redactPii('tracking 1234567812345678'), 'tracking 1234567812345678');
  });
});
