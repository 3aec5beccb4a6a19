import assert from 'node:assert/strict';
import {
  ComponentDialog,
  ListStyle,
  WaterfallDialog,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TranslationKey } from '../../bot/i18n';
import { localize } from '../../bot/middleware';
import { matchChoice, sameWord } from '../../dialogs/choiceMatch';
import {
  UnderstandingChoicePrompt,
  localizedChoice,
  partialUnderstandingChoicePrompt,
  yesNoPrompt,
} from '../../dialogs/choicePrompt';
import { yesNoChoices } from '../../dialogs/offerPersonDialog';
import { runDialogCase, type DialogCase } from '../support/dialogTable';

const REASONS = ['changedMind', 'wrongSize', 'damaged', 'notAsDescribed', 'arrivedLate', 'other'] as const;

/** Asks the return reason (or yes/no) once and ends with the index of the answer. */
class AskOnce extends ComponentDialog {
  constructor(private readonly kind: 'reason' | 'yesNo' | 'exact') {
    super('askOnce');
    this.addDialog(
      kind === 'yesNo'
        ? yesNoPrompt('prompt')
        : kind === 'exact'
          ? new UnderstandingChoicePrompt('prompt')
          : partialUnderstandingChoicePrompt('prompt'),
    );
    this.addDialog(new WaterfallDialog('steps', [this.ask.bind(this), this.done.bind(this)]));
    this.initialDialogId = 'steps';
  }

  private ask(step: WaterfallStepContext) {
    const t = localize(step.context);
    if (this.kind === 'yesNo')
      return step.prompt('prompt', {
        prompt: t('common.offerPerson'),
        retryPrompt: t('common.yesNoRetry'),
        choices: yesNoChoices(t),
        style: ListStyle.suggestedAction,
      });
    return step.prompt('prompt', {
      prompt: t('returns.askReason'),
      retryPrompt: t('returns.reasonRetry'),
      choices: REASONS.map((reason) =>
        localizedChoice(
          t,
          `returns.reasons.${reason}` as TranslationKey,
          this.kind === 'reason' ? (`returns.reasonSynonyms.${reason}` as TranslationKey) : undefined,
        ),
      ),
      style: ListStyle.suggestedAction,
    });
  }

  private done(step: WaterfallStepContext) {
    return step.endDialog((step.result as FoundChoice).index);
  }
}

/** Answers to "Why are you returning it?" and the reason each must pick (index in REASONS). */
const REASON_ANSWERS: Record<string, [answer: string, reason: (typeof REASONS)[number]][]> = {
  en: [
    ['it does not fit', 'wrongSize'],
    ["It doesn't fit me", 'wrongSize'],
    ['too small', 'wrongSize'],
    ['WRONG SIZE!', 'wrongSize'],
    ['the second one', 'wrongSize'],
    ['second', 'wrongSize'],
    ['2', 'wrongSize'],
    ['3rd', 'damaged'],
    ['the last one', 'other'],
    ['it arrived broken', 'damaged'],
    ['damged', 'damaged'],
    ['I changed my mind', 'changedMind'],
    ['not what I ordered', 'notAsDescribed'],
  ],
  es: [
    ['no me queda bien', 'wrongSize'],
    ['me queda pequeña', 'wrongSize'],
    ['el segundo', 'wrongSize'],
    ['la segunda', 'wrongSize'],
    ['2', 'wrongSize'],
    ['el último', 'other'],
    ['llegó rota', 'damaged'],
    ['talla o ajuste incorrecto', 'wrongSize'],
    ['ya no lo quiero', 'changedMind'],
  ],
  'zh-CN': [
    ['太小了', 'wrongSize'],
    ['尺码不对', 'wrongSize'],
    ['第二个', 'wrongSize'],
    ['第 2 个', 'wrongSize'],
    ['最后一个', 'other'],
    ['收到就坏了', 'damaged'],
    ['不想要了', 'changedMind'],
    // Traditional characters in a Simplified conversation still match.
    ['尺碼不對', 'wrongSize'],
  ],
  'zh-TW': [
    ['太小了', 'wrongSize'],
    ['尺碼不合適', 'wrongSize'],
    ['第二個', 'wrongSize'],
    ['第三個', 'damaged'],
    ['最後一個', 'other'],
    ['收到時壞了', 'damaged'],
    ['与描述不符', 'notAsDescribed'],
  ],
  lv: [
    ['neder', 'wrongSize'],
    ['ir par mazu', 'wrongSize'],
    ['otrais', 'wrongSize'],
    ['otro', 'wrongSize'],
    ['otrā', 'wrongSize'],
    ['trešo', 'damaged'],
    ['pēdējo', 'other'],
    ['2', 'wrongSize'],
    ['prece ir bojāta', 'damaged'],
    ['vairs negribu', 'changedMind'],
  ],
};

/** Answers that are no reason: the re-prompt comes. */
const NOT_A_REASON: Record<string, string[]> = {
  en: ['because', 'purple', '7', 'it is too small and I changed my mind'],
  es: ['porque sí', 'morado', '9'],
  'zh-CN': ['因为', '紫色'],
  'zh-TW': ['因為', '紫色'],
  lv: ['tāpēc', 'violets', '8'],
};

/** Yes and no in words, buttons and emoji; and answers that are neither. */
const YES_NO: Record<string, { yes: string[]; no: string[]; neither: string[] }> = {
  en: {
    yes: ['yes', 'Yes', 'ok', 'yes please', 'sure thing', '👍', '👍🏽'],
    no: ['no', 'No', 'no thanks', 'nope', '👎'],
    neither: ['what do you mean?', '1', 'maybe', 'I have 1 question', 'yes and no'],
  },
  es: {
    yes: ['sí', 'si', 'vale', 'claro', 'Sí', '👍'],
    no: ['no', 'no gracias', 'mejor no', '👎', 'no, por favor'],
    neither: ['¿qué quieres decir?', 'quizás', '1'],
  },
  'zh-CN': {
    yes: ['是', '好的', '好', '可以', '👍'],
    no: ['否', '不用', '不好', '不需要', '不可以', '👎'],
    neither: ['什么意思', '也许吧'],
  },
  'zh-TW': {
    yes: ['是', '好的', '好', '沒問題', '👍'],
    no: ['否', '不用', '不要', '不行', '👎'],
    neither: ['什麼意思', '也許吧'],
  },
  lv: {
    yes: ['jā', 'Jā', 'ja', 'labi', 'protams', '👍'],
    no: ['nē', 'ne', 'nevajag', 'nē paldies', '👎'],
    neither: ['ko jūs ar to domājat?', 'varbūt', '1'],
  },
};

const reasonCases = (locale: string): DialogCase[] => [
  ...(REASON_ANSWERS[locale] ?? []).map(([answer, reason]) => ({
    name: `"${answer}" picks ${reason}`,
    locale,
    steps: [
      ['hi', ['returns.askReason']],
      [answer, []],
    ] as DialogCase['steps'],
    expectedResult: REASONS.indexOf(reason),
  })),
  ...(NOT_A_REASON[locale] ?? []).map((answer) => ({
    name: `"${answer}" is no reason: re-prompted`,
    locale,
    steps: [
      ['hi', ['returns.askReason']],
      [answer, ['returns.reasonRetry']],
    ] as DialogCase['steps'],
  })),
];

const yesNoCases = (locale: string): DialogCase[] => {
  const words = YES_NO[locale]!;
  const answer = (text: string, index: number): DialogCase => ({
    name: `"${text}" is ${index === 0 ? 'yes' : 'no'}`,
    locale,
    steps: [
      ['hi', ['common.offerPerson']],
      [text, []],
    ],
    expectedResult: index,
  });
  return [
    ...words.yes.map((text) => answer(text, 0)),
    ...words.no.map((text) => answer(text, 1)),
    ...words.neither.map((text) => ({
      name: `"${text}" is neither: re-prompted, then a yes counts`,
      locale,
      steps: [
        ['hi', ['common.offerPerson']],
        [text, ['common.yesNoRetry']],
        [words.yes[0]!, []],
      ] as DialogCase['steps'],
      expectedResult: 0,
    })),
  ];
};

describe('UnderstandingChoicePrompt', () => {
  for (const locale of ['en', 'es', 'zh-CN', 'zh-TW', 'lv']) {
    for (const dialogCase of reasonCases(locale)) {
      it(`${locale}: reasons: ${dialogCase.name}`, async () => {
        await runDialogCase(dialogCase, () => new AskOnce('reason'));
      });
    }
    for (const dialogCase of yesNoCases(locale)) {
      it(`${locale}: yes/no: ${dialogCase.name}`, async () => {
        await runDialogCase(dialogCase, () => new AskOnce('yesNo'));
      });
    }
  }

  it('without synonyms and partial matches, only the choice itself, its number or ordinal count', async () => {
    await runDialogCase(
      {
        name: 'exact',
        locale: 'en',
        steps: [
          ['hi', ['returns.askReason']],
          ['it does not fit', ['returns.reasonRetry']],
          ['wrong size or fit', []],
        ],
        expectedResult: 1,
      },
      () => new AskOnce('exact'),
    );
  });
});

describe('matchChoice()', () => {
  const items = [
    { value: 'Rain jacket, M' },
    { value: 'Merino base-layer briefs, M' },
    { value: 'All items' },
  ];
  const partial = { numbers: true, partial: true };

  it('picks a product by one meaningful word, and not by a size letter or a word of no product', () => {
    assert.equal(matchChoice('jacket', items, partial)?.index, 0);
    assert.equal(matchChoice('the briefs please', items, partial)?.index, 1);
    assert.equal(matchChoice('M', items, partial), undefined);
    assert.equal(matchChoice('the purple jumper', items, partial), undefined);
  });

  it('a shorter name inside a longer name of another choice does not count ("好" inside "不好")', () => {
    const choices = [
      { value: '是', synonyms: ['好'] },
      { value: '否', synonyms: ['不好'] },
    ];
    assert.equal(matchChoice('不好', choices, { numbers: false, partial: false })?.index, 1);
    assert.equal(matchChoice('好的好', choices, { numbers: false, partial: false })?.index, 0);
  });

  it('a number outside the list picks nothing', () => {
    assert.equal(matchChoice('4', items, partial), undefined);
    assert.equal(matchChoice('3', items, partial)?.index, 2);
  });

  it('sameWord() accepts inflection and one typo, not different words', () => {
    assert.ok(sameWord('pequena', 'pequeno'));
    assert.ok(sameWord('mazs', 'maza'));
    assert.ok(sameWord('jakcet', 'jacket'));
    assert.ok(!sameWord('size', 'side'));
    assert.ok(!sameWord('fit', 'fat'), 'no typo tolerance in short words');
    assert.ok(!sameWord('return', 'retail'));
  });
});
