import assert from 'node:assert/strict';
import { SUPPORTED_LOCALES } from '../../bot/config';
import type { SentimentAnalyzer } from '../../bot/language/sentiment';
import type { BotStateSet } from '../../bot/state';
import { makeCommerceDialogs } from '../../dialogs/commerceDialogs';
import { HandoffDialog, formatOpening } from '../../dialogs/handoffDialog';
import { LanguageDialog } from '../../dialogs/languageDialog';
import { MainDialog } from '../../dialogs/mainDialog';
import type { HandoffDesk } from '../../handoff/handoffDesk';
import type { HandoffStore } from '../../handoff/handoffStore';
import { i18n, recognizer, runDialogCase, type DialogCase, type ExpectedReply } from '../support/dialogTable';
import { CLOSED_UNTIL_MONDAY_NINE, handoffFixture } from '../support/handoffFixture';
import { IBANS, spaced } from '../support/plantedPii';
import { commerceFixture, dialogDeps, type CommerceFixture } from './commerceFixtures';

/** Scores a message as very negative when it has one of the angry words, in any language. */
const angryWords: SentimentAnalyzer = {
  negativeScore: (text) =>
    Promise.resolve(/furious|terrible|furioso|fatal|气死|氣死|dusmīgs|briesmīgi/i.test(text) ? 0.95 : 0.05),
};

/** Saturday 2026-11-21 10:00 UTC: the weekday team is closed until Monday 09:00. */
const SATURDAY = new Date('2026-11-21T10:00:00Z');
const MONDAY_NINE = new Date('2026-11-23T09:00:00Z');

let commerce: CommerceFixture;
let desk: HandoffDesk;
let store: HandoffStore;

function mainDialog(state: BotStateSet): MainDialog {
  return new MainDialog({
    recognizer,
    state,
    languageDialog: new LanguageDialog(recognizer, i18n, state.profile, SUPPORTED_LOCALES),
    handoffDialog: new HandoffDialog(desk, state),
    tasks: makeCommerceDialogs(dialogDeps(state, commerce)),
    sentiment: { analyzer: angryWords, threshold: 0.8 },
  });
}

const queuedFirst: ExpectedReply = { key: 'handoff.queued', vars: { position: 1, minutes: 3 } };

const sentimentCases = (locale: string, words: Record<string, string>): DialogCase[] => [
  {
    name: 'a very negative message brings the offer of a person, and yes queues the customer',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [words.angry!, ['handoff.offer']],
      [words.yes!, [queuedFirst]],
    ],
  },
  {
    name: 'an answer to the offer that is neither yes nor no is asked again, not taken as yes',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [words.angry!, ['handoff.offer']],
      [words.neither!, ['common.yesNoRetry']],
      ['👍', [queuedFirst]],
    ],
  },
  {
    name: "declining the offer inside a task goes back to the task's question",
    locale,
    steps: [
      [words.order!, ['welcome.greeting', 'orders.askNumber']],
      [words.angry!, ['handoff.offer']],
      [words.no!, ['orders.askNumber']],
    ],
  },
];

const closedCases = (locale: string, words: Record<string, string>): DialogCase[] => [
  {
    name: 'outside business hours the customer hears when the team opens and can leave a message',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [
        words.agent!,
        [
          { key: 'handoff.closed', vars: { opensAt: formatOpening(MONDAY_NINE, locale, 'UTC') } },
          'handoff.leaveMessageOffer',
        ],
      ],
      [words.yes!, ['handoff.leaveMessagePrompt']],
      [words.message!, [{ key: 'handoff.ticketCreated', vars: { ticketId: 1 } }, 'menu.anythingElse']],
    ],
  },
  {
    name: 'outside business hours the customer may decline to leave a message',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [
        words.agent!,
        [
          { key: 'handoff.closed', vars: { opensAt: formatOpening(MONDAY_NINE, locale, 'UTC') } },
          'handoff.leaveMessageOffer',
        ],
      ],
      [words.no!, ['menu.anythingElse']],
    ],
  },
];

const english = {
  hello: 'hello',
  order: 'where is my order',
  angry: 'I am furious, this is terrible',
  agent: 'agent',
  yes: 'yes',
  no: 'no',
  neither: 'maybe later',
  message: 'Please call me back about order SB-10004',
};
const simplified = {
  hello: '你好',
  order: '我的订单在哪',
  angry: '气死我了，太差劲了',
  agent: '人工',
  yes: '好的',
  no: '不用',
  neither: '也许吧',
  message: '请就订单SB-10004给我回电话',
};
const traditional = {
  hello: '你好',
  order: '我的訂單在哪',
  angry: '氣死我了，太差勁了',
  agent: '人工',
  yes: '好的',
  no: '不用',
  neither: '也許吧',
  message: '請就訂單SB-10004給我回電話',
};
const latvian = {
  hello: 'sveiki',
  order: 'kur ir mans pasūtījums',
  angry: 'esmu dusmīgs, tas ir briesmīgi',
  agent: 'operators',
  yes: 'jā',
  no: 'nē',
  neither: 'varbūt vēlāk',
  message: 'Lūdzu, piezvaniet man par pasūtījumu SB-10004',
};
const spanish = {
  hello: 'hola',
  order: 'dónde está mi pedido',
  angry: 'estoy furioso, esto es fatal',
  agent: 'agente',
  yes: 'sí',
  no: 'no',
  neither: 'quizás luego',
  message: 'Llamadme por el pedido SB-10004, por favor',
};

const LOCALES: [locale: string, words: Record<string, string>][] = [
  ['en', english],
  ['es', spanish],
  ['zh-CN', simplified],
  ['zh-TW', traditional],
  ['lv', latvian],
];

describe('HandoffDialog (through MainDialog)', () => {
  beforeEach(() => {
    commerce = commerceFixture();
  });

  afterEach(async () => {
    await commerce.store.close();
    await store.close();
  });

  describe('negative sentiment', () => {
    beforeEach(() => {
      ({ desk, store } = handoffFixture());
    });
    for (const dialogCase of LOCALES.flatMap(([locale, words]) => sentimentCases(locale, words))) {
      it(`${dialogCase.locale}: ${dialogCase.name}`, async () => {
        await runDialogCase(dialogCase, mainDialog);
      });
    }

    it('records the sentiment and the reason on the queued case', async () => {
      await runDialogCase(sentimentCases('en', english)[0]!, mainDialog);
      const [queued] = await store.queued();
      assert.equal(queued?.reason, 'negativeSentiment');
      assert.equal(queued?.sentiment, 0.95);
      assert.equal(
        queued?.boostMs,
        5 * 60_000,
        'negative sentiment moves the customer up by the configured minutes',
      );
    });
  });

  describe('outside business hours', () => {
    beforeEach(() => {
      ({ desk, store } = handoffFixture({ teams: CLOSED_UNTIL_MONDAY_NINE, now: () => SATURDAY }));
    });
    for (const dialogCase of LOCALES.flatMap(([locale, words]) => closedCases(locale, words))) {
      it(`${dialogCase.locale}: ${dialogCase.name}`, async () => {
        await runDialogCase(dialogCase, mainDialog);
      });
    }

    it('the message becomes an open ticket for the team, with what the bot collected', async () => {
      await runDialogCase(closedCases('en', english)[0]!, mainDialog);
      const [ticket] = await store.tickets('open');
      assert.equal(ticket?.team, 'weekdays');
      assert.equal(ticket?.text, english.message);
      assert.equal((await store.queued()).length, 0, 'nobody is queued for a closed team');
    });

    it('the message is redacted before it becomes a ticket, as the transcript is', async () => {
      const message = `Refund to ${spaced(IBANS.DE)} or call +34 612 345 678`;
      await runDialogCase(closedCases('en', { ...english, message })[0]!, mainDialog);
      assert.deepEqual(
        (await store.tickets('open')).map((ticket) => ticket.text),
        ['Refund to [iban] or call [phone]'],
      );
    });
  });
});
