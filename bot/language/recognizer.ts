import fs from 'node:fs';
import path from 'node:path';
import type { Entity } from './entities';

export { normalizeUtterance } from './features';
export type { Entity } from './entities';

/** Intent names are a stable contract (see README): dialogs, locales and tools use them. */
export const INTENTS = [
  'orderStatus',
  'returnItem',
  'appointment',
  'humanAgent',
  'help',
  'cancel',
  'greeting',
  'changeLanguage',
  'None',
] as const;
export type Intent = (typeof INTENTS)[number];

/**
 * What a result names when the message is one of the FAQ questions (`locales/<locale>/faq.json`):
 * the entry's id is in `faq`. Not an intent of the contract: FAQ entries answer by their own ids.
 */
export const FAQ_INTENT = 'faq';
/** An intent, or {@link FAQ_INTENT} with the entry's id beside it. */
export type RecognizedIntent = Intent | typeof FAQ_INTENT;

/** One reading of a ranking: an intent, or an FAQ entry (`intent: 'faq'`, `faq: id`). */
export interface RankedIntent {
  intent: RecognizedIntent;
  score: number;
  /** The FAQ entry's id when `intent` is {@link FAQ_INTENT}. */
  faq?: string;
}

/** What a recognizer made of one utterance. */
export interface IntentResult {
  intent: RecognizedIntent;
  /** The FAQ entry's id when `intent` is {@link FAQ_INTENT}. */
  faq?: string;
  /** 0..1: how sure the recognizer is of `intent`. */
  score: number;
  /** Locale whose examples matched; may differ from the turn's locale. */
  locale?: string;
  /** Order numbers, booking references, emails and phones found in the utterance. */
  entities?: Entity[];
  /** The best intents (and FAQ entries) with their scores, best first (the "did you mean" choices). */
  ranking?: RankedIntent[];
}

/** The name of a reading as `cli recognize` prints it: the intent, or the FAQ entry's id. */
export function intentOrFaqId(reading: { intent: RecognizedIntent; faq?: string }): string {
  return reading.intent === FAQ_INTENT ? (reading.faq ?? FAQ_INTENT) : reading.intent;
}

/** True for a name that is one of the contract's intents. */
export function isIntent(name: string): name is Intent {
  return (INTENTS as readonly string[]).includes(name);
}

/** Turns customer text into an intent. */
export interface Recognizer {
  /** True once examples or models are loaded (reported by `/readyz`). */
  readonly ready: boolean;
  recognize(text: string, locale: string): Promise<IntentResult>;
}

/**
 * Example phrases per intent, as in `locales/<locale>/intents.json`. `None` is optional: phrases
 * the bot should not take for any intent (small talk, bare answers such as "yes" or "friday").
 */
export type IntentExamples = Partial<Record<Intent, string[]>>;

/** Reads `intents.json` of each locale from a `locales/` folder. */
export function loadIntentExamples(
  localesDir: string,
  locales: readonly string[],
): Record<string, IntentExamples> {
  const byLocale: Record<string, IntentExamples> = {};
  for (const locale of locales) {
    const file = path.join(localesDir, locale, 'intents.json');
    byLocale[locale] = JSON.parse(fs.readFileSync(file, 'utf8')) as IntentExamples;
  }
  return byLocale;
}
