import assert from 'node:assert/strict';
import type { BotStateSet } from '../../bot/state';
import type { CommerceDialogDeps } from '../../dialogs/commerceDialogDeps';
import { OrderStatusDialog } from '../../dialogs/orderStatusDialog';
import { parseOrderNumber } from '../../dialogs/orderLookupDialog';
import { runDialogCase, type DialogCase, type ExpectedReply } from '../support/dialogTable';
import {
  backendDown,
  caseFileIn,
  commerceFixture,
  dialogDeps,
  inConversation,
  verifiedAs,
  type CommerceFixture,
} from './commerceFixtures';

/** Words and formatted values that differ per locale. */
interface Words {
  locale: string;
  whereIsMyOrder: string;
  help: string;
  cancel: string;
  agent: string;
  yes: string;
  no: string;
  notANumber: string;
  numberInSentence: string;
  anotherOrder: string;
  /** Dates as the customer reads them. */
  june2: string;
  june3: string;
  june5: string;
  june6: string;
  june9: string;
  june11: string;
  june13: string;
  june14: string;
  june15: string;
  lockedUntil: string;
}

const EN: Words = {
  locale: 'en-US',
  whereIsMyOrder: 'where is my order?',
  help: 'help',
  cancel: 'cancel',
  agent: 'agent',
  yes: 'yes',
  no: 'no',
  notANumber: 'no idea',
  numberInSentence: 'my order is sb10001 thanks',
  anotherOrder: 'Another order',
  june2: 'June 2, 2025',
  june3: 'June 3, 2025',
  june5: 'June 5, 2025',
  june6: 'June 6, 2025',
  june9: 'June 9, 2025',
  june11: 'June 11, 2025',
  june13: 'June 13, 2025',
  june14: 'June 14, 2025',
  june15: 'June 15, 2025',
  lockedUntil: '10:15 AM',
};

const ES: Words = {
  locale: 'es-ES',
  whereIsMyOrder: '¿dónde está mi pedido?',
  help: 'ayuda',
  cancel: 'cancelar',
  agent: 'agente',
  yes: 'sí',
  no: 'no',
  notANumber: 'ni idea',
  numberInSentence: 'mi pedido es el sb10001 gracias',
  anotherOrder: 'Otro pedido',
  june2: '2 de junio de 2025',
  june3: '3 de junio de 2025',
  june5: '5 de junio de 2025',
  june6: '6 de junio de 2025',
  june9: '9 de junio de 2025',
  june11: '11 de junio de 2025',
  june13: '13 de junio de 2025',
  june14: '14 de junio de 2025',
  june15: '15 de junio de 2025',
  lockedUntil: '10:15',
};

const ZH_CN: Words = {
  locale: 'zh-CN',
  whereIsMyOrder: '我的订单到哪了？',
  help: '帮助',
  cancel: '取消',
  agent: '转人工',
  yes: '是',
  no: '不',
  notANumber: '不知道',
  numberInSentence: '我的订单是sb10001谢谢',
  anotherOrder: '其他订单',
  june2: '2025年6月2日',
  june3: '2025年6月3日',
  june5: '2025年6月5日',
  june6: '2025年6月6日',
  june9: '2025年6月9日',
  june11: '2025年6月11日',
  june13: '2025年6月13日',
  june14: '2025年6月14日',
  june15: '2025年6月15日',
  lockedUntil: '10:15',
};

const ZH_TW: Words = {
  locale: 'zh-TW',
  whereIsMyOrder: '我的訂單到哪了？',
  help: '幫助',
  cancel: '取消',
  agent: '轉人工',
  yes: '是',
  no: '不',
  notANumber: '不知道',
  numberInSentence: '我的訂單是sb10001謝謝',
  anotherOrder: '其他訂單',
  june2: '2025年6月2日',
  june3: '2025年6月3日',
  june5: '2025年6月5日',
  june6: '2025年6月6日',
  june9: '2025年6月9日',
  june11: '2025年6月11日',
  june13: '2025年6月13日',
  june14: '2025年6月14日',
  june15: '2025年6月15日',
  lockedUntil: '上午10:15',
};

const LV: Words = {
  locale: 'lv',
  whereIsMyOrder: 'kur ir mans pasūtījums?',
  help: 'palīdzība',
  cancel: 'atcelt',
  agent: 'operators',
  yes: 'jā',
  no: 'nē',
  notANumber: 'nezinu',
  numberInSentence: 'mans pasūtījums ir sb10001 paldies',
  anotherOrder: 'Cits pasūtījums',
  june2: '2025. gada 2. jūnijs',
  june3: '2025. gada 3. jūnijs',
  june5: '2025. gada 5. jūnijs',
  june6: '2025. gada 6. jūnijs',
  june9: '2025. gada 9. jūnijs',
  june11: '2025. gada 11. jūnijs',
  june13: '2025. gada 13. jūnijs',
  june14: '2025. gada 14. jūnijs',
  june15: '2025. gada 15. jūnijs',
  lockedUntil: '10:15',
};

const SB10001_ITEMS = 'Trail running shoes, size 42; Hiking socks, 3-pack';

function shippedSB10001(w: Words): ExpectedReply[] {
  return [
    { key: 'orders.summary', vars: { number: 'SB-10001', placed: w.june9, items: SB10001_ITEMS } },
    {
      key: 'orders.status.shipped',
      vars: { carrier: 'SEUR', tracking: 'SEUR8834120567', expected: w.june13 },
    },
  ];
}

/** Five wrong answers in a row for `number`; the last one locks. */
function fiveFailures(w: Words, number: string): DialogCase['steps'] {
  const steps: DialogCase['steps'] = [[w.whereIsMyOrder, ['orders.askNumber']]];
  for (let attempt = 1; attempt <= 5; attempt++) {
    steps.push([number, ['verification.ask']]);
    steps.push([
      'wrong@example.com',
      attempt < 5
        ? ['verification.failed', 'orders.askNumber']
        : [{ key: 'verification.locked', vars: { time: w.lockedUntil } }, 'common.offerPerson'],
    ]);
  }
  return steps;
}

const casesFor = (w: Words): DialogCase[] => [
  {
    name: 'verified by the email on the order, shows status, items, carrier, tracking and expected day',
    locale: w.locale,
    steps: [
      [w.whereIsMyOrder, ['orders.askNumber']],
      ['SB-10001', ['verification.ask']],
      ['Ana.Garcia@Example.com', shippedSB10001(w)],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'verified by the phone on the order, written differently, tells a delay',
    locale: w.locale,
    steps: [
      [w.whereIsMyOrder, ['orders.askNumber']],
      ['SB-10006', ['verification.ask']],
      [
        '611 222 333',
        [
          { key: 'orders.summary', vars: { number: 'SB-10006', placed: w.june3, items: 'GPS sports watch' } },
          {
            key: 'orders.status.delayed',
            vars: { carrier: 'GLS', tracking: 'GLS55120089', expected: w.june14 },
          },
        ],
      ],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'verified by the postcode, tells the delivery day',
    locale: w.locale,
    steps: [
      [w.whereIsMyOrder, ['orders.askNumber']],
      ['sb-10002', ['verification.ask']],
      [
        '28013',
        [
          {
            key: 'orders.summary',
            vars: {
              number: 'SB-10002',
              placed: w.june2,
              items: 'Rain jacket, M; 2 × Merino base-layer briefs, M; 2 × Insulated bottle 1 L',
            },
          },
          { key: 'orders.status.delivered', vars: { delivered: w.june6 } },
        ],
      ],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'a processing order tells the expected day; the postcode may have any case and spacing',
    locale: w.locale,
    steps: [
      [w.whereIsMyOrder, ['orders.askNumber']],
      ['SB-10004', ['verification.ask']],
      [
        'sw1a1aa',
        [
          {
            key: 'orders.summary',
            vars: { number: 'SB-10004', placed: w.june11, items: 'Two-person tent; Backpack 35 L' },
          },
          { key: 'orders.status.processing', vars: { expected: w.june15 } },
        ],
      ],
    ],
  },
  {
    name: 'an order out for delivery and a cancelled order have their own texts',
    locale: w.locale,
    steps: [
      [w.whereIsMyOrder, ['orders.askNumber']],
      ['SB-10007', ['verification.ask']],
      [
        '08001',
        [
          {
            key: 'orders.summary',
            vars: {
              number: 'SB-10007',
              placed: w.june5,
              items: 'Headlamp 400 lm',
            },
          },
          'orders.status.cancelled',
        ],
      ],
    ],
  },
  {
    name: 'finds the order number inside a sentence',
    locale: w.locale,
    steps: [
      [w.whereIsMyOrder, ['orders.askNumber']],
      [w.numberInSentence, ['verification.ask']],
      ['ana.garcia@example.com', shippedSB10001(w)],
    ],
  },
  {
    name: 'a bad order number is re-prompted with the expected form, and after three tries a person is offered',
    locale: w.locale,
    steps: [
      [w.whereIsMyOrder, ['orders.askNumber']],
      ['xyz', ['orders.numberRetry']],
      ['12', ['orders.numberRetry']],
      [w.notANumber, ['orders.numberGaveUp', 'common.offerPerson']],
      [w.yes, []],
    ],
    expectedResult: { outcome: 'handoff', reason: 'notUnderstood' },
  },
  {
    name: 'declining the person after three bad numbers ends the task',
    locale: w.locale,
    steps: [
      [w.whereIsMyOrder, ['orders.askNumber']],
      ['xyz', ['orders.numberRetry']],
      ['12', ['orders.numberRetry']],
      [w.notANumber, ['orders.numberGaveUp', 'common.offerPerson']],
      [w.no, []],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'a wrong verification discloses nothing and starts over; the right one then works',
    locale: w.locale,
    steps: [
      [w.whereIsMyOrder, ['orders.askNumber']],
      ['SB-10001', ['verification.ask']],
      ['someone@example.com', ['verification.failed', 'orders.askNumber']],
      ['SB-10001', ['verification.ask']],
      ['+34 600 111 222', shippedSB10001(w)],
    ],
  },
  {
    name: 'an unknown order gets exactly the replies a wrong verification gets',
    locale: w.locale,
    steps: [
      [w.whereIsMyOrder, ['orders.askNumber']],
      ['SB-99999', ['verification.ask']],
      ['ana.garcia@example.com', ['verification.failed', 'orders.askNumber']],
    ],
  },
  {
    name: 'five failed verifications in one conversation lock it for 15 minutes and offer a person',
    locale: w.locale,
    steps: [...fiveFailures(w, 'SB-10001'), [w.yes, []]],
    expectedResult: { outcome: 'handoff', reason: 'verificationLocked' },
  },
  {
    name: 'failures on different orders count for the conversation',
    locale: w.locale,
    steps: [
      [w.whereIsMyOrder, ['orders.askNumber']],
      ...['SB-10001', 'SB-10002', 'SB-10003', 'SB-99998'].flatMap((number): DialogCase['steps'] => [
        [number, ['verification.ask']],
        ['wrong@example.com', ['verification.failed', 'orders.askNumber']],
      ]),
      ['SB-10004', ['verification.ask']],
      [
        'wrong@example.com',
        [{ key: 'verification.locked', vars: { time: w.lockedUntil } }, 'common.offerPerson'],
      ],
    ],
  },
  {
    name: 'help at the order number and at the verification explains and asks again',
    locale: w.locale,
    steps: [
      [w.whereIsMyOrder, ['orders.askNumber']],
      [w.help, ['help.orderStatus', 'orders.askNumber']],
      ['SB-10001', ['verification.ask']],
      [w.help, ['help.orderStatus', 'verification.ask']],
      ['ana.garcia@example.com', shippedSB10001(w)],
    ],
  },
  {
    name: 'cancel at the verification leaves the task',
    locale: w.locale,
    steps: [
      [w.whereIsMyOrder, ['orders.askNumber']],
      ['SB-10001', ['verification.ask']],
      [w.cancel, ['cancel.done']],
    ],
    expectedResult: { outcome: 'cancelled' },
  },
  {
    name: 'asking for a person at the order number leaves with a handoff',
    locale: w.locale,
    steps: [
      [w.whereIsMyOrder, ['orders.askNumber']],
      [w.agent, []],
    ],
    expectedResult: { outcome: 'handoff' },
  },
];

describe('OrderStatusDialog', () => {
  let fixture: CommerceFixture;
  beforeEach(() => {
    fixture = commerceFixture();
  });
  afterEach(() => fixture.store.close());

  const makeDialog =
    (overrides: Partial<CommerceDialogDeps> = {}) =>
    (state: BotStateSet) =>
      new OrderStatusDialog(dialogDeps(state, fixture, overrides));

  for (const words of [EN, ES, ZH_CN, ZH_TW, LV]) {
    for (const dialogCase of casesFor(words)) {
      it(`${words.locale}: ${dialogCase.name}`, async () => {
        await runDialogCase(dialogCase, makeDialog());
      });
    }

    it(`${words.locale}: when the backend is down, says so plainly and offers a person`, async () => {
      await runDialogCase(
        {
          name: 'backend down',
          locale: words.locale,
          steps: [
            [words.whereIsMyOrder, ['orders.askNumber']],
            ['SB-10001', ['verification.ask']],
            ['ana.garcia@example.com', ['backend.unavailable', 'common.offerPerson']],
            [words.yes, []],
          ],
          expectedResult: { outcome: 'handoff', reason: 'backendDown' },
        },
        makeDialog({ commerce: backendDown }),
      );
    });

    it(`${words.locale}: a customer whose channel proves the phone picks an order from a list, unasked`, async () => {
      await runDialogCase(
        {
          name: 'verified identity',
          locale: words.locale,
          steps: [
            [words.whereIsMyOrder, ['orders.pickOne']],
            [
              'SB-10002',
              [
                {
                  key: 'orders.summary',
                  vars: {
                    number: 'SB-10002',
                    placed: words.june2,
                    items: 'Rain jacket, M; 2 × Merino base-layer briefs, M; 2 × Insulated bottle 1 L',
                  },
                },
                { key: 'orders.status.delivered', vars: { delivered: words.june6 } },
              ],
            ],
          ],
          expectedResult: { outcome: 'completed' },
        },
        makeDialog(),
        [verifiedAs({ phone: '+34600111222' })],
      );
    });

    it(`${words.locale}: a channel-verified customer can still ask about another order, which is verified as usual`, async () => {
      await runDialogCase(
        {
          name: 'verified identity, another order',
          locale: words.locale,
          steps: [
            [words.whereIsMyOrder, ['orders.pickOne']],
            [words.anotherOrder, ['orders.askNumber']],
            ['SB-10014', ['verification.ask']],
          ],
        },
        makeDialog(),
        [verifiedAs({ phone: '+34600111222' })],
      );
    });
  }

  it('offers a channel-verified customer their own orders only, most recent first', async () => {
    const { replies } = await runDialogCase(
      { name: 'list', locale: 'en', steps: [['where is my order', ['orders.pickOne']]] },
      makeDialog(),
      [verifiedAs({ phone: '0034 600 111 222' })],
    );
    const labels = replies[0]?.[0]?.suggestedActions?.actions.map((action) => action.title);
    assert.deepEqual(labels, [
      'SB-10022 from June 10, 2025',
      'SB-10001 from June 9, 2025',
      'SB-10002 from June 2, 2025',
      'SB-10003 from April 2, 2025',
      'Another order',
    ]);
  });

  it('treats a channel-verified phone that matches the typed order as verification', async () => {
    await runDialogCase(
      {
        name: 'typed number, matching identity',
        locale: 'en',
        steps: [
          ['where is my order', ['orders.pickOne']],
          ['Another order', ['orders.askNumber']],
          ['SB-10001', shippedSB10001(EN)],
        ],
      },
      makeDialog(),
      [verifiedAs({ phone: '+34600111222' })],
    );
  });

  it('keeps the order number and how it was verified in the case file', async () => {
    const { state } = await runDialogCase(
      {
        name: 'case file',
        locale: 'en',
        steps: [
          ['where is my order', ['orders.askNumber']],
          ['SB-10001', ['verification.ask']],
          ['28013', shippedSB10001(EN)],
        ],
      },
      makeDialog(),
    );
    assert.deepEqual(await caseFileIn(state), {
      orderNumber: 'SB-10001',
      orderVerified: true,
      verifiedBy: 'postcode',
      verifiedOrders: ['SB-10001'],
    });
  });

  it('locks an order for every conversation after 5 failures, and unlocks it after 15 minutes', async () => {
    await runDialogCase(
      { name: 'attacker', locale: 'en', steps: fiveFailures(EN, 'SB-10001') },
      makeDialog(),
      [inConversation('attacker')],
    );
    // The owner, in another conversation, is told the order is locked as soon as they name it.
    await runDialogCase(
      {
        name: 'owner while locked',
        locale: 'en',
        steps: [
          ['where is my order', ['orders.askNumber']],
          ['SB-10001', [{ key: 'verification.locked', vars: { time: '10:15 AM' } }, 'common.offerPerson']],
        ],
      },
      makeDialog(),
      [inConversation('owner')],
    );
    // Another order is not locked for the owner.
    await runDialogCase(
      {
        name: 'owner, other order',
        locale: 'en',
        steps: [
          ['where is my order', ['orders.askNumber']],
          ['SB-10002', ['verification.ask']],
        ],
      },
      makeDialog(),
      [inConversation('owner-2')],
    );
    fixture.clock.advanceMinutes(16);
    await runDialogCase(
      {
        name: 'owner after the lock',
        locale: 'en',
        steps: [
          ['where is my order', ['orders.askNumber']],
          ['SB-10001', ['verification.ask']],
          ['ana.garcia@example.com', shippedSB10001(EN)],
        ],
      },
      makeDialog(),
      [inConversation('owner')],
    );
  });
});

describe('parseOrderNumber()', () => {
  const cases: [text: string, expected: string | undefined][] = [
    ['SB-10001', 'SB-10001'],
    ['sb10001', 'SB-10001'],
    ['SB 10001', 'SB-10001'],
    ['#SB-10001', 'SB-10001'],
    ['my order is SB-10001, thanks', 'SB-10001'],
    ['order 1234567', '1234567'],
    ['is 10001', '10001'],
    ['1234', undefined],
    ['hello', undefined],
    ['SB-12', undefined],
    ['', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)} as ${String(expected)}`, () => {
      assert.equal(parseOrderNumber(text), expected);
    });
  }
});
