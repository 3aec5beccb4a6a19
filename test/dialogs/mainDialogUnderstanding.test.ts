import assert from 'node:assert/strict';
import { SUPPORTED_LOCALES } from '../../bot/config';
import type { TranslationKey } from '../../bot/i18n';
import type { IntentResult, Recognizer } from '../../bot/language/recognizer';
import type { BotStateSet } from '../../bot/state';
import { makeCommerceDialogs } from '../../dialogs/commerceDialogs';
import { DEFAULT_CONFIDENCE, readIntent } from '../../dialogs/confidencePolicy';
import { HandoffDialog } from '../../dialogs/handoffDialog';
import { LanguageDialog } from '../../dialogs/languageDialog';
import { MainDialog } from '../../dialogs/mainDialog';
import { returnLabelPath } from '../../services/downloadRoutes';
import {
  expectedText,
  i18n,
  recognizer,
  runDialogCase,
  type DialogCase,
  type ExpectedReply,
} from '../support/dialogTable';
import { handoffFixture } from '../support/handoffFixture';
import { DownloadLinks } from '../../services/downloadLinks';
import {
  LINK_SECRET,
  PUBLIC_URL,
  TestClock,
  commerceFixture,
  dialogDeps,
  type CommerceFixture,
} from './commerceFixtures';

/**
 * The real recognizer, except for the phrases a test gives a result of its own: the grey zone
 * of the confidence policy is tested with scores that do not move when the examples change.
 */
class ScriptedRecognizer implements Recognizer {
  readonly ready = true;
  constructor(private readonly scripted: Map<string, IntentResult>) {}
  recognize(text: string, locale: string): Promise<IntentResult> {
    return this.scripted.get(text)
      ? Promise.resolve(this.scripted.get(text)!)
      : recognizer.recognize(text, locale);
  }
}

let fixture: CommerceFixture;
let scripted: Map<string, IntentResult>;

function makeMainDialog(state: BotStateSet): MainDialog {
  const scriptedRecognizer = new ScriptedRecognizer(scripted);
  return new MainDialog({
    recognizer: scriptedRecognizer,
    state,
    languageDialog: new LanguageDialog(scriptedRecognizer, i18n, state.profile, SUPPORTED_LOCALES),
    handoffDialog: new HandoffDialog(handoffFixture().desk, state),
    tasks: makeCommerceDialogs(dialogDeps(state, fixture)),
  });
}

interface Words {
  locale: string;
  hello: string;
  returns: string;
  /** A vague message the scripted recognizer is unsure about. */
  vague: string;
  /** The same, naming order SB-10002. */
  vagueWithOrder: string;
  /** A message the scripted recognizer barely reads as anything. */
  mumble: string;
  second: string;
  /** Neither yes nor no. */
  neither: string;
  no: string;
  yes: string;
  language: string;
  /** A paraphrase of "Wrong size or fit". */
  tooSmall: string;
  /** The language this case switches to in the middle of a task. */
  switchTo: string;
  /** A first message that names the order, the item (where product names allow) and the reason. */
  everything: string;
}

const WORDS: Words[] = [
  {
    locale: 'en',
    hello: 'hello',
    returns: 'I want to return something',
    vague: 'about my thing',
    vagueWithOrder: 'about SB-10002',
    mumble: 'hmm',
    second: 'the second one',
    neither: 'maybe later',
    no: 'no',
    yes: 'yes',
    language: 'language',
    tooSmall: 'it does not fit',
    switchTo: 'es',
    everything: "return the jacket from SB-10002, it's too small",
  },
  {
    locale: 'es',
    hello: 'hola',
    returns: 'quiero devolver algo',
    vague: 'sobre lo mío',
    vagueWithOrder: 'sobre el SB-10002',
    mumble: 'mmm',
    second: 'el segundo',
    neither: 'quizás luego',
    no: 'no',
    yes: 'sí',
    language: 'idioma',
    tooSmall: 'me queda pequeña',
    switchTo: 'en',
    everything: 'quiero devolver la chaqueta del pedido SB-10002, me queda pequeña',
  },
  {
    locale: 'zh-CN',
    hello: '你好',
    returns: '我要退货',
    vague: '关于那个东西',
    vagueWithOrder: '关于SB-10002',
    mumble: '嗯嗯',
    second: '第二个',
    neither: '也许吧',
    no: '不用',
    yes: '好的',
    language: '语言',
    tooSmall: '太小了',
    switchTo: 'zh-TW',
    everything: '我想退订单SB-10002的夹克，太小了',
  },
  {
    locale: 'zh-TW',
    hello: '你好',
    returns: '我要退貨',
    vague: '關於那個東西',
    vagueWithOrder: '關於SB-10002',
    mumble: '嗯嗯',
    second: '第二個',
    neither: '也許吧',
    no: '不用',
    yes: '好的',
    language: '語言',
    tooSmall: '尺碼不對',
    switchTo: 'lv',
    everything: '我想退訂單SB-10002的外套，太小了',
  },
  {
    locale: 'lv',
    hello: 'sveiki',
    returns: 'gribu atgriezt preci',
    vague: 'par to manu lietu',
    vagueWithOrder: 'par SB-10002',
    mumble: 'hmm',
    second: 'otro',
    neither: 'varbūt vēlāk',
    no: 'nē',
    yes: 'jā',
    language: 'valoda',
    tooSmall: 'ir par mazu',
    switchTo: 'zh-CN',
    everything: 'gribu atgriezt jaku no pasūtījuma SB-10002, tā ir par mazu',
  },
];

const byLocale = (locale: string): Words => WORDS.find((words) => words.locale === locale)!;

/** What the scripted recognizer says of the vague messages: not sure, between two tasks. */
function scriptFor(w: Words): Map<string, IntentResult> {
  const grey = (entities: IntentResult['entities'] = []): IntentResult => ({
    intent: 'returnItem',
    score: 0.36,
    entities,
    ranking: [
      { intent: 'returnItem', score: 0.36 },
      { intent: 'appointment', score: 0.3 },
      { intent: 'None', score: 0.2 },
    ],
  });
  return new Map([
    [w.vague, grey()],
    [w.vagueWithOrder, grey([{ type: 'orderNumber', value: 'SB-10002' }])],
    [
      w.mumble,
      {
        intent: 'orderStatus',
        score: 0.2,
        entities: [],
        ranking: [
          { intent: 'orderStatus', score: 0.2 },
          { intent: 'None', score: 0.18 },
          { intent: 'help', score: 0.1 },
        ],
      },
    ],
  ]);
}

const text = (locale: string, key: TranslationKey): string => expectedText(locale, key);
const inLocale = (
  locale: string,
  key: TranslationKey,
  vars?: Record<string, string | number>,
): ExpectedReply => ({
  key,
  locale,
  ...(vars ? { vars } : {}),
});

const REASONS = ['changedMind', 'wrongSize', 'damaged', 'notAsDescribed', 'arrivedLate', 'other'];
const BRIEFS = 'Merino base-layer briefs, M';
const JACKET = 'Rain jacket, M';
const briefsNotReturnable = (locale: string): ExpectedReply =>
  inLocale(locale, 'returns.ineligible.nonReturnable', {
    item: BRIEFS,
    category: text(locale, 'categories.underwear'),
  });

const confidenceCases = (w: Words): DialogCase[] => [
  {
    name: 'in the grey zone the bot asks "did you mean" with the two likeliest tasks; picking one by name starts it',
    locale: w.locale,
    steps: [
      [w.hello, ['welcome.greeting', 'menu.prompt']],
      [w.vague, ['main.didYouMean']],
      [text(w.locale, 'main.intentNames.returnItem'), ['orders.askNumber']],
    ],
  },
  {
    name: '"did you mean" is answered by ordinal too',
    locale: w.locale,
    steps: [
      [w.hello, ['welcome.greeting', 'menu.prompt']],
      [w.vague, ['main.didYouMean']],
      [w.second, ['appointments.askAction']],
    ],
  },
  {
    name: 'an order number in the unclear message is kept for the task picked',
    locale: w.locale,
    steps: [
      [w.vagueWithOrder, ['welcome.greeting', 'main.didYouMean']],
      [text(w.locale, 'main.intentNames.returnItem'), ['verification.ask']],
    ],
  },
  {
    name: '"something else", then a message not understood, make two misunderstandings: a person is offered; neither yes nor no is asked again',
    locale: w.locale,
    steps: [
      [w.hello, ['welcome.greeting', 'menu.prompt']],
      [w.vague, ['main.didYouMean']],
      [text(w.locale, 'main.somethingElse'), ['main.notUnderstood']],
      ['xyzzy 42', ['main.notUnderstood', 'handoff.offer']],
      [w.neither, ['common.yesNoRetry']],
      [w.no, ['menu.anythingElse']],
    ],
  },
  {
    name: 'below the suggestion threshold the bot says it did not understand',
    locale: w.locale,
    steps: [
      [w.hello, ['welcome.greeting', 'menu.prompt']],
      [w.mumble, ['main.notUnderstood']],
    ],
  },
];

const languageCases = (w: Words): DialogCase[] => {
  const to = w.switchTo;
  const target = byLocale(to);
  const name = text(to, `language.names.${to}` as TranslationKey);
  const verifiedReturn: DialogCase['steps'] = [
    [w.returns, ['welcome.greeting', 'orders.askNumber']],
    ['SB-10002', ['verification.ask']],
    ['ana.garcia@example.com', [briefsNotReturnable(w.locale), 'returns.askItems']],
    [JACKET, ['returns.askReason']],
  ];
  return [
    {
      name: `"${w.language}" at the reason question changes the language; the question is asked again in ${to} and answered in it`,
      locale: w.locale,
      steps: [
        ...verifiedReturn,
        [w.language, ['language.prompt']],
        [name, [inLocale(to, 'language.changed'), inLocale(to, 'returns.askReason')]],
        [target.tooSmall, [inLocale(to, 'returns.askRefund')]],
      ],
    },
    {
      name: `"${w.language}" at the order number question asks it again in ${to}`,
      locale: w.locale,
      steps: [
        [w.returns, ['welcome.greeting', 'orders.askNumber']],
        [w.language, ['language.prompt']],
        [name, [inLocale(to, 'language.changed'), inLocale(to, 'orders.askNumber')]],
        ['SB-10002', [inLocale(to, 'verification.ask')]],
      ],
    },
    {
      name: `"${w.language}" at the confirmation asks it again in ${to}, with the reason and refund in ${to}`,
      locale: w.locale,
      steps: [
        ...verifiedReturn,
        [text(w.locale, 'returns.reasons.wrongSize'), ['returns.askRefund']],
        [
          text(w.locale, 'returns.refund.storeCredit'),
          [
            {
              key: 'returns.confirm',
              vars: {
                items: JACKET,
                number: 'SB-10002',
                reason: text(w.locale, 'returns.reasons.wrongSize'),
                refund: text(w.locale, 'returns.refund.storeCredit'),
              },
            },
          ],
        ],
        [w.language, ['language.prompt']],
        [
          name,
          [
            inLocale(to, 'language.changed'),
            inLocale(to, 'returns.confirm', {
              items: JACKET,
              number: 'SB-10002',
              reason: text(to, 'returns.reasons.wrongSize'),
              refund: text(to, 'returns.refund.storeCredit'),
            }),
          ],
        ],
        [
          target.yes,
          [
            inLocale(to, 'returns.created', {
              rma: 'RMA-TEST0001',
              link: new DownloadLinks(LINK_SECRET, PUBLIC_URL, new TestClock()).sign(
                returnLabelPath('RMA-TEST0001'),
                to,
              ),
            }),
            inLocale(to, 'menu.anythingElse'),
          ],
        ],
      ],
    },
  ];
};

/** A first message that names the order, the item and the reason skips those questions. */
const prefilledCase = (w: Words): DialogCase => ({
  name: "a first message naming the order, the item (in the customer's language) and the reason skips those questions",
  locale: w.locale,
  steps: [
    [w.everything, ['welcome.greeting', 'verification.ask']],
    ['ana.garcia@example.com', [briefsNotReturnable(w.locale), 'returns.askRefund']],
    [
      text(w.locale, 'returns.refund.storeCredit'),
      [
        {
          key: 'returns.confirm',
          vars: {
            items: JACKET,
            number: 'SB-10002',
            reason: text(w.locale, 'returns.reasons.wrongSize'),
            refund: text(w.locale, 'returns.refund.storeCredit'),
          },
        },
      ],
    ],
  ],
});

describe('MainDialog: understanding', () => {
  beforeEach(() => {
    fixture = commerceFixture();
  });
  afterEach(() => fixture.store.close());

  for (const words of WORDS) {
    describe(words.locale, () => {
      beforeEach(() => {
        scripted = scriptFor(words);
      });

      for (const dialogCase of confidenceCases(words)) {
        it(`confidence policy: ${dialogCase.name}`, async () => {
          await runDialogCase(dialogCase, makeMainDialog);
        });
      }

      it('"did you mean" offers the two intents by their names and "something else", in the customer\'s language', async () => {
        const { replies } = await runDialogCase(
          {
            name: 'choices',
            locale: words.locale,
            steps: [[words.vague, ['welcome.greeting', 'main.didYouMean']]],
          },
          makeMainDialog,
        );
        assert.deepEqual(
          replies[0]?.[1]?.suggestedActions?.actions.map((action) => action.value as string),
          [
            text(words.locale, 'main.intentNames.returnItem'),
            text(words.locale, 'main.intentNames.appointment'),
            text(words.locale, 'main.somethingElse'),
          ],
        );
      });

      for (const dialogCase of languageCases(words)) {
        it(`language: ${dialogCase.name}`, async () => {
          const { replies } = await runDialogCase(dialogCase, makeMainDialog);
          const reasked = replies.find((turn) =>
            turn.some((reply) => reply.text === text(words.switchTo, 'language.changed')),
          );
          const question = reasked?.[1];
          const buttons = question?.suggestedActions?.actions.map((action) => action.value as string);
          // The re-asked question's buttons are the new language's texts (the order number has none).
          const to = words.switchTo;
          const expected =
            question?.text === text(to, 'orders.askNumber')
              ? undefined
              : question?.text === text(to, 'returns.askReason')
                ? REASONS.map((reason) => text(to, `returns.reasons.${reason}` as TranslationKey))
                : [text(to, 'common.yes'), text(to, 'common.no')];
          assert.deepEqual(buttons, expected);
        });
      }

      it(`returns: ${prefilledCase(words).name}`, async () => {
        await runDialogCase(prefilledCase(words), makeMainDialog);
      });
    });
  }
});

describe('readIntent()', () => {
  const result = (
    intent: IntentResult['intent'],
    score: number,
    ranking: IntentResult['ranking'],
  ): IntentResult => ({
    intent,
    score,
    ranking,
  });

  it('routes a sure intent and treats a sure None as not understood', () => {
    assert.deepEqual(readIntent(result('orderStatus', 0.9, []), DEFAULT_CONFIDENCE), {
      kind: 'route',
      intent: 'orderStatus',
    });
    assert.deepEqual(
      readIntent(
        result('None', 0.6, [
          { intent: 'None', score: 0.6 },
          { intent: 'help', score: 0.3 },
        ]),
        DEFAULT_CONFIDENCE,
      ),
      {
        kind: 'notUnderstood',
      },
    );
  });

  it('in the grey zone offers the two best intents other than None, leaving out a negligible second', () => {
    const unsure = result('None', 0.4, [
      { intent: 'None', score: 0.4 },
      { intent: 'humanAgent', score: 0.38 },
      { intent: 'help', score: 0.01 },
    ]);
    assert.deepEqual(readIntent(unsure, DEFAULT_CONFIDENCE), { kind: 'suggest', intents: ['humanAgent'] });
  });

  it('follows the thresholds it is given', () => {
    const fair = result('returnItem', 0.5, [
      { intent: 'returnItem', score: 0.5 },
      { intent: 'cancel', score: 0.2 },
    ]);
    assert.deepEqual(readIntent(fair, { route: 0.8, suggest: 0.3 }), {
      kind: 'suggest',
      intents: ['returnItem', 'cancel'],
    });
    assert.deepEqual(readIntent(fair, { route: 0.8, suggest: 0.6 }), { kind: 'notUnderstood' });
  });
});
