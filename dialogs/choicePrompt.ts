import { ActivityTypes, type TurnContext } from 'botbuilder';
import {
  ChoiceFactory,
  ChoicePrompt,
  type Choice,
  type FoundChoice,
  type PromptOptions,
  type PromptRecognizerResult,
  type PromptValidator,
} from 'botbuilder-dialogs';
import type { Translate, TranslationKey } from '../bot/i18n';
import { findTurnLanguage } from '../bot/middleware/localeResolution';
import { matchChoice, type ChoiceMatchOptions } from './choiceMatch';

/** Ordinal keys of the locale bundles, by position. */
const ORDINAL_KEYS: readonly TranslationKey[] = [
  'choices.ordinals.first',
  'choices.ordinals.second',
  'choices.ordinals.third',
  'choices.ordinals.fourth',
  'choices.ordinals.fifth',
  'choices.ordinals.sixth',
  'choices.ordinals.seventh',
  'choices.ordinals.eighth',
  'choices.ordinals.ninth',
  'choices.ordinals.tenth',
];

/** A comma-separated list of a locale bundle ("doesn't fit, too small, too big") as words. */
export function wordList(text: string): string[] {
  return text
    .split(/[,，、]/)
    .map((word) => word.trim())
    .filter(Boolean);
}

/** The ordinal words of a language, from its bundle. */
export function ordinalWords(t: Translate): NonNullable<ChoiceMatchOptions['ordinals']> {
  return {
    byPosition: ORDINAL_KEYS.map((key) => wordList(t(key))),
    last: wordList(t('choices.ordinals.last')),
  };
}

/**
 * A choice whose text and synonyms come from the bundle. The keys travel with the choice in the
 * dialog state, so a question asked again after the customer changed language can be re-read
 * in the new one (see {@link relocalizeChoices}).
 */
export interface LocalizedChoice extends Choice {
  textKey?: TranslationKey;
  synonymsKey?: TranslationKey;
  /** Synonyms that are the same in every language (an SKU, a locale code). */
  fixedSynonyms?: string[];
}

/** The choice `textKey` of the bundle, answering also to the comma-separated `synonymsKey`. */
export function localizedChoice(
  t: Translate,
  textKey: TranslationKey,
  synonymsKey?: TranslationKey,
  fixedSynonyms: string[] = [],
): LocalizedChoice {
  return {
    value: t(textKey),
    synonyms: [...(synonymsKey ? wordList(t(synonymsKey)) : []), ...fixedSynonyms],
    textKey,
    ...(synonymsKey ? { synonymsKey } : {}),
    ...(fixedSynonyms.length > 0 ? { fixedSynonyms } : {}),
  };
}

/** The same choices in the language of `t`; choices without keys (product names) stay as they are. */
export function relocalizeChoices(choices: readonly (string | Choice)[], t: Translate): (string | Choice)[] {
  return choices.map((choice) => {
    if (typeof choice === 'string') return choice;
    const { textKey, synonymsKey, fixedSynonyms } = choice as LocalizedChoice;
    return textKey ? localizedChoice(t, textKey, synonymsKey, fixedSynonyms) : choice;
  });
}

/**
 * A ChoicePrompt that understands answers the way customers give them, in every locale of the
 * bundles: the choice's text or any part of it, its synonyms from the bundle (paraphrases such
 * as "it does not fit" for "Wrong size or fit"), its number ("2") or ordinal ("the second one",
 * "el segundo", "第二个", "otro"), Chinese with or without spaces and in either script.
 *
 * NOTE: botbuilder's own recognition is not used: its ordinals come from Recognizers-Text, which
 * has no Latvian, and it reads any number in an answer as a position ("I have 1 question" would
 * pick the first choice, which made "yes" of answers to yes/no questions).
 *
 * `recognizerOptions` keep botbuilder's meaning: `allowPartialMatches` (off by default) lets some
 * meaningful words of a choice pick it; `recognizeNumbers` and `recognizeOrdinals` (on by
 * default) can be turned off, as for yes/no.
 */
export class UnderstandingChoicePrompt extends ChoicePrompt {
  constructor(dialogId: string, validator?: PromptValidator<FoundChoice>, defaultLocale?: string) {
    super(dialogId, validator, defaultLocale);
  }

  protected override onRecognize(
    context: TurnContext,
    _state: unknown,
    options: PromptOptions,
  ): Promise<PromptRecognizerResult<FoundChoice>> {
    const { activity } = context;
    const text = activity.type === ActivityTypes.Message ? (activity.text ?? '') : '';
    const choices = ChoiceFactory.toChoices(options.choices ?? []);
    const t = findTurnLanguage(context)?.t;
    const match = matchChoice(text, choices, {
      numbers: this.recognizerOptions?.recognizeNumbers !== false,
      ordinals: t && this.recognizerOptions?.recognizeOrdinals !== false ? ordinalWords(t) : undefined,
      partial: this.recognizerOptions?.allowPartialMatches === true,
    });
    const chosen = match && choices[match.index];
    if (!match || !chosen) return Promise.resolve({ succeeded: false });
    return Promise.resolve({
      succeeded: true,
      value: { value: chosen.value, index: match.index, score: match.score, synonym: match.name },
    });
  }
}

/** An {@link UnderstandingChoicePrompt} where some meaningful words of a choice are enough to pick it. */
export function partialUnderstandingChoicePrompt(dialogId: string): UnderstandingChoicePrompt {
  const prompt = new UnderstandingChoicePrompt(dialogId);
  prompt.recognizerOptions = { allowPartialMatches: true };
  return prompt;
}

/**
 * An {@link UnderstandingChoicePrompt} for yes/no: only yes or no words, buttons and emoji count,
 * so an answer that is neither ("what do you mean?", "1") gets the re-prompt, never a yes
 * (unless `validator` accepts it: the prompt then ends without a choice).
 */
export function yesNoPrompt(
  dialogId: string,
  validator?: PromptValidator<FoundChoice>,
): UnderstandingChoicePrompt {
  const prompt = new UnderstandingChoicePrompt(dialogId, validator);
  prompt.recognizerOptions = {
    recognizeNumbers: false,
    recognizeOrdinals: false,
    allowPartialMatches: false,
  };
  return prompt;
}
