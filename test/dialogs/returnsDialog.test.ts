import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { LocaleResolution } from '../../bot/middleware';
import type { BotStateSet } from '../../bot/state';
import type { CommerceDialogDeps } from '../../dialogs/commerceDialogDeps';
import { ReturnsDialog } from '../../dialogs/returnsDialog';
import { returnLabelPath } from '../../services/downloadRoutes';
import { CommerceBackendUnavailableError, ReturnNotAllowedError } from '../../services/errors';
import { expectedText, i18n, newState, runDialogCase, type DialogCase } from '../support/dialogTable';
import { DownloadLinks } from '../../services/downloadLinks';
import {
  LINK_SECRET,
  PUBLIC_URL,
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
  allItems: string;
  wrongSize: string;
  changedMind: string;
  storeCredit: string;
  originalPayment: string;
  windowClosedOn: string;
}

const EN: Words = {
  locale: 'en-US',
  lang: 'en',
  start: 'I want to return something',
  help: 'help',
  yes: 'yes',
  no: 'no',
  allItems: 'All items',
  wrongSize: 'Wrong size or fit',
  changedMind: 'Changed my mind',
  storeCredit: 'Store credit',
  originalPayment: 'Original payment method',
  windowClosedOn: 'May 7, 2025',
};

const ES: Words = {
  locale: 'es-ES',
  lang: 'es',
  start: 'quiero devolver algo',
  help: 'ayuda',
  yes: 'sí',
  no: 'no',
  allItems: 'Todos los artículos',
  wrongSize: 'Talla o ajuste incorrecto',
  changedMind: 'He cambiado de opinión',
  storeCredit: 'Saldo para la tienda',
  originalPayment: 'Método de pago original',
  windowClosedOn: '7 de mayo de 2025',
};

/** The signed label link the bot sends at {@link NOW} (links are deterministic for a secret and a time). */
function labelLink(rma: string, lang: string): string {
  return new DownloadLinks(LINK_SECRET, PUBLIC_URL, new TestClock()).sign(returnLabelPath(rma), lang);
}

const JACKET = 'Rain jacket, M';
const BRIEFS = 'Merino base-layer briefs, M';

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

const casesFor = (w: Words): DialogCase[] => [
  {
    name: 'an item returned for the wrong size, refunded as store credit, gets an RMA and its label',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10002', 'ana.garcia@example.com', ['returns.askItems']),
      [JACKET, ['returns.askReason']],
      [w.wrongSize, ['returns.askRefund']],
      [
        w.storeCredit,
        [
          {
            key: 'returns.confirm',
            vars: {
              items: JACKET,
              number: 'SB-10002',
              reason: expectedText(w.lang, 'returns.reasons.wrongSize'),
              refund: expectedText(w.lang, 'returns.refund.storeCredit'),
            },
          },
        ],
      ],
      [
        w.yes,
        [
          {
            key: 'returns.created',
            vars: {
              rma: 'RMA-TEST0001',
              link: labelLink('RMA-TEST0001', w.lang),
            },
          },
        ],
      ],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'all items of an order with underwear: says why the underwear cannot go back and returns the rest',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10002', '28013', ['returns.askItems']),
      [w.allItems, ['returns.askReason']],
      [
        w.changedMind,
        [
          {
            key: 'returns.ineligible.nonReturnable',
            vars: { item: BRIEFS, category: expectedText(w.lang, 'categories.underwear') },
          },
          { key: 'returns.continuingWith', vars: { items: 'Rain jacket, M; 2 × Insulated bottle 1 L' } },
          'returns.askRefund',
        ],
      ],
      [
        w.originalPayment,
        [
          {
            key: 'returns.confirm',
            vars: {
              items: 'Rain jacket, M; 2 × Insulated bottle 1 L',
              number: 'SB-10002',
              reason: expectedText(w.lang, 'returns.reasons.changedMind'),
              refund: expectedText(w.lang, 'returns.refund.originalPayment'),
            },
          },
        ],
      ],
    ],
  },
  {
    name: 'not eligible (non-returnable category): says why and offers a person',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10002', 'ana.garcia@example.com', ['returns.askItems']),
      [BRIEFS, ['returns.askReason']],
      [
        w.changedMind,
        [
          {
            key: 'returns.ineligible.nonReturnable',
            vars: { item: BRIEFS, category: expectedText(w.lang, 'categories.underwear') },
          },
          'common.offerPerson',
        ],
      ],
      [w.yes, []],
    ],
    expectedResult: { outcome: 'handoff', reason: 'notEligible' },
  },
  {
    name: 'not eligible (gift card and opened software): names each item and its category',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10005', 'james.miller@example.com', ['returns.askItems']),
      [w.allItems, ['returns.askReason']],
      [
        w.changedMind,
        [
          {
            key: 'returns.ineligible.nonReturnable',
            vars: { item: 'Gift card, 50 EUR', category: expectedText(w.lang, 'categories.giftCards') },
          },
          {
            key: 'returns.ineligible.nonReturnable',
            vars: {
              item: 'Route planner maps, Europe (opened)',
              category: expectedText(w.lang, 'categories.openedSoftware'),
            },
          },
          'common.offerPerson',
        ],
      ],
      [w.no, []],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'not eligible (not delivered yet): says so for each item',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10001', 'ana.garcia@example.com', ['returns.askItems']),
      [w.allItems, ['returns.askReason']],
      [
        w.wrongSize,
        [
          { key: 'returns.ineligible.notDelivered', vars: { item: 'Trail running shoes, size 42' } },
          { key: 'returns.ineligible.notDelivered', vars: { item: 'Hiking socks, 3-pack' } },
          'common.offerPerson',
        ],
      ],
    ],
  },
  {
    name: 'not eligible (return window closed): gives the window and the day it closed; one item is not asked about',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10003', 'ana.garcia@example.com', ['returns.askReason']),
      [
        w.wrongSize,
        [
          {
            key: 'returns.ineligible.windowClosed',
            vars: { item: 'Waterproof hiking boots, size 39', days: 30, date: w.windowClosedOn },
          },
          'common.offerPerson',
        ],
      ],
    ],
  },
  {
    name: 'saying no at the confirmation creates nothing',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10002', 'ana.garcia@example.com', ['returns.askItems']),
      [JACKET, ['returns.askReason']],
      [w.wrongSize, ['returns.askRefund']],
      [
        w.storeCredit,
        [
          {
            key: 'returns.confirm',
            vars: {
              items: JACKET,
              number: 'SB-10002',
              reason: expectedText(w.lang, 'returns.reasons.wrongSize'),
              refund: expectedText(w.lang, 'returns.refund.storeCredit'),
            },
          },
        ],
      ],
      [w.no, ['returns.notCreated']],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'answers outside the lists are re-prompted with what is expected; help explains and asks again',
    locale: w.locale,
    steps: [
      ...verified(w, 'SB-10002', 'ana.garcia@example.com', ['returns.askItems']),
      ['the purple jumper', ['returns.itemsRetry']],
      ['jacket', ['returns.askReason']],
      [w.help, ['help.returns', 'returns.askReason']],
      ['because', ['returns.reasonRetry']],
      [w.wrongSize, ['returns.askRefund']],
      ['cash please', ['returns.refundRetry']],
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

  for (const words of [EN, ES]) {
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
            ...verified(words, 'SB-10002', 'ana.garcia@example.com', ['returns.askItems']),
            [JACKET, ['returns.askReason']],
            [
              words.wrongSize,
              [
                { key: 'returns.ineligible.alreadyReturned', vars: { item: JACKET, rma: earlier.rma } },
                'common.offerPerson',
              ],
            ],
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
            ...verified(words, 'SB-10002', 'ana.garcia@example.com', ['returns.askItems']),
            [JACKET, ['returns.askReason']],
            [words.wrongSize, ['returns.askRefund']],
            [
              words.storeCredit,
              [
                {
                  key: 'returns.confirm',
                  vars: {
                    items: JACKET,
                    number: 'SB-10002',
                    reason: expectedText(words.lang, 'returns.reasons.wrongSize'),
                    refund: expectedText(words.lang, 'returns.refund.storeCredit'),
                  },
                },
              ],
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
          ...verified(EN, 'SB-10002', 'ana.garcia@example.com', ['returns.askItems']),
          [JACKET, ['returns.askReason']],
          [EN.wrongSize, ['returns.askRefund']],
          [
            EN.storeCredit,
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
          ...verified(EN, 'SB-10002', 'ana.garcia@example.com', ['returns.askItems']),
          [JACKET, ['returns.askReason']],
          [EN.wrongSize, ['returns.askRefund']],
          [
            EN.storeCredit,
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
    for (const text of ['return', 'SB-10002', 'ana.garcia@example.com', JACKET, EN.wrongSize, EN.storeCredit])
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
