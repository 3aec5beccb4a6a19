import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { LocaleResolution } from '../../bot/middleware';
import type { BotStateSet } from '../../bot/state';
import type { CommerceDialogDeps } from '../../dialogs/commerceDialogDeps';
import { ReturnsDialog } from '../../dialogs/returnsDialog';
import { returnLabelPath } from '../../services/downloadRoutes';
import { CommerceBackendUnavailableError, ReturnNotAllowedError } from '../../services/errors';
import type { TranslationKey } from '../../bot/i18n';
import { formatInstantDay } from '../../dialogs/formatting';
import type { ReturnReason } from '../../services/types';
import {
  expectedText,
  i18n,
  newState,
  runDialogCase,
  type DialogCase,
  type ExpectedReply,
} from '../support/dialogTable';
import { DownloadLinks } from '../../services/downloadLinks';
import {
  LINK_SECRET,
  PUBLIC_URL,
  SHOP_TZ,
  TestClock,
  backendDown,
  caseFileIn,
  commerceFixture,
  dialogDeps,
  type CommerceFixture,
} from './commerceFixtures';

interface Words {
  locale: string;
  lang: string;
  start: string;
  help: string;
  yes: string;
  no: string;
  /** A paraphrase of "Wrong size or fit". */
  tooSmall: string;
  /** "the second one" in this language. */
  second: string;
  /** An answer that is neither an item, a reason nor a refund method. */
  nonsense: string;
}

const WORDS: Words[] = [
  {
    locale: 'en-US',
    lang: 'en',
    start: 'I want to return something',
    help: 'help',
    yes: 'yes',
    no: 'no',
    tooSmall: 'it does not fit',
    second: 'the second one',
    nonsense: 'the purple jumper',
  },
  {
    locale: 'es-ES',
    lang: 'es',
    start: 'quiero devolver algo',
    help: 'ayuda',
    yes: 'sí',
    no: 'no',
    tooSmall: 'me queda pequeña',
    second: 'el segundo',
    nonsense: 'el jersey morado',
  },
  {
    locale: 'zh-CN',
    lang: 'zh-CN',
    start: '我要退货',
    help: '帮助',
    yes: '好的',
    no: '不用',
    tooSmall: '太小了',
    second: '第二个',
    nonsense: '紫色毛衣',
  },
  {
    locale: 'zh-TW',
    lang: 'zh-TW',
    start: '我要退貨',
    help: '幫助',
    yes: '好的',
    no: '不用',
    tooSmall: '尺碼不對',
    second: '第二個',
    nonsense: '紫色毛衣',
  },
  {
    locale: 'lv',
    lang: 'lv',
    start: 'gribu atgriezt preci',
    help: 'palīdzība',
    yes: 'jā',
    no: 'nē',
    tooSmall: 'ir par mazu',
    second: 'otro',
    nonsense: 'violetais džemperis',
  },
];

const EN = WORDS[0]!;

/** The bundle's text of `key` in the case's language (choice labels are typed as shown). */
const text = (w: Words, key: TranslationKey): string => expectedText(w.lang, key);

/** The signed label link the bot sends at {@link NOW} (links are deterministic for a secret and a time). */
function labelLink(rma: string, lang: string): string {
  return new DownloadLinks(LINK_SECRET, PUBLIC_URL, new TestClock()).sign(returnLabelPath(rma), lang);
}

const JACKET = 'Rain jacket, M';
const BRIEFS = 'Merino base-layer briefs, M';
const BOTTLES = '2 × Insulated bottle 1 L';

/** The steps that find and verify order `number` with `contact`. */
function verified(
  w: Words,
  number: string,
  contact: string,
  then: DialogCase['steps'][number][1],
): DialogCase['steps'] {
  return [
    [w.start, ['orders.askNumber']],
    [number, ['verification.ask']],
    [contact, then],
  ];
}

/** SB-10002 holds underwear: it is named as not returnable before the item question. */
const briefsNotReturnable = (w: Words): ExpectedReply => ({
  key: 'returns.ineligible.nonReturnable',
  vars: { item: BRIEFS, category: text(w, 'categories.underwear') },
});

const confirmation = (
  w: Words,
  items: string,
  reason: ReturnReason,
  refund: 'storeCredit' | 'originalPayment',
): ExpectedReply => ({
  key: 'returns.confirm',
  vars: {
    items,
    number: 'SB-10002',
    reason: text(w, `returns.reasons.${reason}`),
    refund: text(w, `returns.refund.${refund}`),
  },
});

const casesFor = (w: Words): DialogCase[] => [
  {
    name: "an item returned because it does not fit (in the customer's words), refunded as store credit, gets an RMA and its label",
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10002', 'ana.garcia@example.com', [briefsNotReturnable(w), 'returns.askItems']),
      [JACKET, ['returns.askReason']],
      [w.tooSmall, ['returns.askRefund']],
      [text(w, 'returns.refund.storeCredit'), [confirmation(w, JACKET, 'wrongSize', 'storeCredit')]],
      [
        w.yes,
        [{ key: 'returns.created', vars: { rma: 'RMA-TEST0001', link: labelLink('RMA-TEST0001', w.lang) } }],
      ],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'all items of an order with underwear: the underwear is named as not returnable up front, the rest is returned',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10002', '28013', [briefsNotReturnable(w), 'returns.askItems']),
      [text(w, 'returns.allItems'), ['returns.askReason']],
      [text(w, 'returns.reasons.changedMind'), ['returns.askRefund']],
      [
        text(w, 'returns.refund.originalPayment'),
        [confirmation(w, `${JACKET}; ${BOTTLES}`, 'changedMind', 'originalPayment')],
      ],
    ],
  },
  {
    name: 'items are picked by ordinal among the returnable ones; reasons and refunds by number',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10002', 'ana.garcia@example.com', [briefsNotReturnable(w), 'returns.askItems']),
      [w.second, ['returns.askReason']],
      ['3', ['returns.askRefund']],
      ['1', [confirmation(w, BOTTLES, 'damaged', 'originalPayment')]],
    ],
  },
  {
    name: 'the non-returnable item is not a choice: naming it gets the re-prompt',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10002', 'ana.garcia@example.com', [briefsNotReturnable(w), 'returns.askItems']),
      [BRIEFS, ['returns.itemsRetry']],
    ],
  },
  {
    name: 'nothing returnable (gift card and opened software): names each item and its category, offers a person',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10005', 'james.miller@example.com', [
        {
          key: 'returns.ineligible.nonReturnable',
          vars: { item: 'Gift card, 50 EUR', category: text(w, 'categories.giftCards') },
        },
        {
          key: 'returns.ineligible.nonReturnable',
          vars: {
            item: 'Route planner maps, Europe (opened)',
            category: text(w, 'categories.openedSoftware'),
          },
        },
        'common.offerPerson',
      ]),
      [w.no, []],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'nothing returnable (not delivered yet): says so for each item and offers a person; yes hands over',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10001', 'ana.garcia@example.com', [
        { key: 'returns.ineligible.notDelivered', vars: { item: 'Trail running shoes, size 42' } },
        { key: 'returns.ineligible.notDelivered', vars: { item: 'Hiking socks, 3-pack' } },
        'common.offerPerson',
      ]),
      [w.yes, []],
    ],
    expectedResult: { outcome: 'handoff', reason: 'notEligible' },
  },
  {
    name: 'nothing returnable (return window closed): gives the window and the day it closed',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10003', 'ana.garcia@example.com', [
        {
          key: 'returns.ineligible.windowClosed',
          vars: {
            item: 'Waterproof hiking boots, size 39',
            days: 30,
            date: formatInstantDay('2025-05-07T12:00:00Z', w.lang, SHOP_TZ),
          },
        },
        'common.offerPerson',
      ]),
    ],
  },
  {
    name: 'saying no at the confirmation creates nothing; an answer that is neither yes nor no is asked again',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10002', 'ana.garcia@example.com', [briefsNotReturnable(w), 'returns.askItems']),
      [JACKET, ['returns.askReason']],
      [text(w, 'returns.reasons.wrongSize'), ['returns.askRefund']],
      [text(w, 'returns.refund.storeCredit'), [confirmation(w, JACKET, 'wrongSize', 'storeCredit')]],
      [w.nonsense, ['common.yesNoRetry']],
      [w.no, ['returns.notCreated']],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'answers outside the lists are re-prompted with what is expected; help explains and asks again',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10002', 'ana.garcia@example.com', [briefsNotReturnable(w), 'returns.askItems']),
      [w.nonsense, ['returns.itemsRetry']],
      ['jacket', ['returns.askReason']],
      [w.help, ['help.returns', 'returns.askReason']],
      [w.nonsense, ['returns.reasonRetry']],
      [w.tooSmall, ['returns.askRefund']],
      [w.nonsense, ['returns.refundRetry']],
    ],
  },
];

describe('ReturnsDialog', () => {
  let fixture: CommerceFixture;
  beforeEach(() => {
    fixture = commerceFixture();
  });
  afterEach(() => fixture.store.close());

  const makeDialog =
    (overrides: Partial<CommerceDialogDeps> = {}) =>
    (state: BotStateSet) =>
      new ReturnsDialog(dialogDeps(state, fixture, overrides));

  for (const words of WORDS) {
    for (const dialogCase of casesFor(words)) {
      it(`${words.locale}: ${dialogCase.name}`, async () => {
        await runDialogCase(dialogCase, makeDialog());
      });
    }

    it(`${words.locale}: not eligible (already returned): names the earlier return`, async () => {
      const earlier = await fixture.store.createReturn({
        idempotencyKey: 'earlier',
        orderNumber: 'SB-10002',
        skus: ['RJK-M'],
        reason: 'wrongSize',
        refundMethod: 'storeCredit',
      });
      await runDialogCase(
        {
          name: 'already returned',
          locale: words.locale,
          steps: [
            ...verified(words, 'SB-10002', 'ana.garcia@example.com', [
              { key: 'returns.ineligible.alreadyReturned', vars: { item: JACKET, rma: earlier.rma } },
              briefsNotReturnable(words),
              // One item is left: it is not asked about.
              { key: 'returns.continuingWith', vars: { items: BOTTLES } },
              'returns.askReason',
            ]),
          ],
        },
        makeDialog(),
      );
    });

    it(`${words.locale}: when the backend is down at the lookup, says so and offers a person`, async () => {
      await runDialogCase(
        {
          name: 'backend down',
          locale: words.locale,
          steps: [
            ...verified(words, 'SB-10002', 'ana.garcia@example.com', [
              'backend.unavailable',
              'common.offerPerson',
            ]),
            [words.yes, []],
          ],
          expectedResult: { outcome: 'handoff', reason: 'backendDown' },
        },
        makeDialog({ commerce: backendDown }),
      );
    });

    it(`${words.locale}: when the backend goes down at the confirmation, nothing crashes and a person is offered`, async () => {
      const flaky = {
        orders: fixture.store,
        appointments: fixture.store,
        returns: {
          findReturn: fixture.store.findReturn.bind(fixture.store),
          createReturn: () => Promise.reject(new CommerceBackendUnavailableError('test: timed out')),
        },
      };
      await runDialogCase(
        {
          name: 'backend down at creation',
          locale: words.locale,
          steps: [
            ...verified(words, 'SB-10002', 'ana.garcia@example.com', [
              briefsNotReturnable(words),
              'returns.askItems',
            ]),
            [JACKET, ['returns.askReason']],
            [words.tooSmall, ['returns.askRefund']],
            [
              text(words, 'returns.refund.storeCredit'),
              [confirmation(words, JACKET, 'wrongSize', 'storeCredit')],
            ],
            [words.yes, ['backend.unavailable', 'common.offerPerson']],
          ],
        },
        makeDialog({ commerce: flaky }),
      );
    });
  }

  it('sends the label as a PDF attachment whose link is the signed one in the text, and keeps the RMA in the case file', async () => {
    const { replies, state } = await runDialogCase(
      {
        name: 'label',
        locale: 'en',
        steps: [
          ...verified(EN, 'SB-10002', 'ana.garcia@example.com', [
            briefsNotReturnable(EN),
            'returns.askItems',
          ]),
          [JACKET, ['returns.askReason']],
          [EN.tooSmall, ['returns.askRefund']],
          [
            'Store credit',
            [
              {
                key: 'returns.confirm',
                vars: {
                  items: JACKET,
                  number: 'SB-10002',
                  reason: 'Wrong size or fit',
                  refund: 'Store credit',
                },
              },
            ],
          ],
          [
            'yes',
            [
              {
                key: 'returns.created',
                vars: {
                  rma: 'RMA-TEST0001',
                  link: fixture.links.sign(returnLabelPath('RMA-TEST0001'), 'en'),
                },
              },
            ],
          ],
        ],
      },
      makeDialog(),
    );
    const link = fixture.links.sign(returnLabelPath('RMA-TEST0001'), 'en');
    assert.deepEqual(replies.at(-1)?.[0]?.attachments, [
      { contentType: 'application/pdf', contentUrl: link, name: 'return-label-RMA-TEST0001.pdf' },
    ]);
    assert.match(
      link,
      /^https:\/\/bot\.example\.test\/api\/returns\/RMA-TEST0001\/label\?locale=en&expires=\d+&signature=/,
    );
    const stored = await fixture.store.findReturn('RMA-TEST0001');
    assert.deepEqual(stored?.skus, ['RJK-M']);
    assert.equal(stored?.refundMethod, 'storeCredit');
    const caseFile = await caseFileIn(state);
    assert.equal(caseFile?.rma, 'RMA-TEST0001');
    assert.equal(caseFile?.orderNumber, 'SB-10002');
  });

  it('a refused return says so and offers a person', async () => {
    const refusing = {
      orders: fixture.store,
      appointments: fixture.store,
      returns: {
        findReturn: fixture.store.findReturn.bind(fixture.store),
        createReturn: () =>
          Promise.reject(new ReturnNotAllowedError('SB-10002', 'item RJK-M is already in RMA-X')),
      },
    };
    await runDialogCase(
      {
        name: 'refused',
        locale: 'en',
        steps: [
          ...verified(EN, 'SB-10002', 'ana.garcia@example.com', [
            briefsNotReturnable(EN),
            'returns.askItems',
          ]),
          [JACKET, ['returns.askReason']],
          [EN.tooSmall, ['returns.askRefund']],
          [
            'Store credit',
            [
              {
                key: 'returns.confirm',
                vars: {
                  items: JACKET,
                  number: 'SB-10002',
                  reason: 'Wrong size or fit',
                  refund: 'Store credit',
                },
              },
            ],
          ],
          ['yes', ['returns.refused', 'common.offerPerson']],
          ['yes', []],
        ],
        expectedResult: { outcome: 'handoff', reason: 'returnRefused' },
      },
      makeDialog({ commerce: refusing }),
    );
  });

  it('a redelivered confirmation, after the first turn lost its state, creates one RMA', async () => {
    const state = newState();
    let loseStateOnce = false;
    const client = new DialogTestClient(
      'test',
      new ReturnsDialog(dialogDeps(state, fixture)),
      undefined,
      [
        new LocaleResolution(i18n, state.profile, 'en'),
        {
          // Stands in for a crash after the turn ran but before its state was saved.
          onTurn: async (_context, next) => {
            await next();
            if (loseStateOnce) {
              loseStateOnce = false;
              throw new Error('test: crashed before saving state');
            }
          },
        },
      ],
      state.conversationState,
    );
    const say = async (text: string): Promise<(string | undefined)[]> => {
      const texts: (string | undefined)[] = [];
      const first = (await client.sendActivity({ type: 'message', text, locale: 'en' })) as
        Partial<Activity> | undefined;
      if (first) texts.push(first.text);
      for (
        let next = client.getNextReply() as Partial<Activity> | undefined;
        next;
        next = client.getNextReply()
      ) {
        texts.push(next.text);
      }
      return texts;
    };
    for (const text of ['return', 'SB-10002', 'ana.garcia@example.com', JACKET, EN.tooSmall, 'Store credit'])
      await say(text);

    loseStateOnce = true;
    await assert.rejects(say('yes'), /crashed before saving state/);
    // The reply of the lost turn had gone out already.
    const firstReply = (client.getNextReply() as Partial<Activity> | undefined)?.text;
    const redelivered = await say('yes');

    const link = fixture.links.sign(returnLabelPath('RMA-TEST0001'), 'en');
    const created = expectedText('en', { key: 'returns.created', vars: { rma: 'RMA-TEST0001', link } });
    assert.equal(firstReply, created);
    assert.deepEqual(redelivered, [created]);
    assert.equal(await fixture.store.findReturn('RMA-TEST0002'), undefined, 'no second RMA');
    assert.deepEqual(
      (await fixture.store.findOrder('SB-10002'))?.items.map((item) => item.returnedIn),
      ['RMA-TEST0001', undefined, undefined],
    );
  });
});
