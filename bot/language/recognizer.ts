import fs from 'node:fs';
import path from 'node:path';

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

/** What a recognizer made of one utterance. */
export interface IntentResult {
  intent: Intent;
  /** 0..1: how much of the utterance the matched example covers (1 = the whole message). */
  score: number;
  /** Locale whose examples matched; may differ from the turn's locale. */
  locale?: string;
}

/** Turns customer text into an intent. Implementations: keyword examples now, a model later. */
export interface Recognizer {
  /** True once examples or models are loaded (reported by `/readyz`). */
  readonly ready: boolean;
  recognize(text: string, locale: string): Promise<IntentResult>;
}

/** Example phrases per intent, as in `locales/<locale>/intents.json`. */
export type IntentExamples = Partial<Record<Exclude<Intent, 'None'>, string[]>>;

interface Example {
  intent: Intent;
  phrase: string;
}

/** Lower case, no accents, punctuation folded to single spaces: "¿Dónde está?" → "donde esta". */
export function normalizeUtterance(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Scripts written without spaces between words, where a phrase may match inside a longer run. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * Recognizes intents from example phrases per locale. The longest example found in the message
 * wins (so "cancel my appointment" beats "cancel"); examples of the turn's locale are tried
 * first, then every other locale's, so "agent" or "ayuda" work whatever language is set.
 */
export class KeywordRecognizer implements Recognizer {
  readonly ready = true;
  private readonly examples = new Map<string, Example[]>();

  constructor(examplesByLocale: Record<string, IntentExamples>) {
    for (const [locale, byIntent] of Object.entries(examplesByLocale)) {
      const examples: Example[] = [];
      for (const [intent, phrases] of Object.entries(byIntent)) {
        if (!(INTENTS as readonly string[]).includes(intent) || intent === 'None') {
          throw new Error(`KeywordRecognizer: unknown intent "${intent}" in locale ${locale}`);
        }
        for (const phrase of phrases ?? []) {
          const normalized = normalizeUtterance(phrase);
          if (normalized) examples.push({ intent: intent as Intent, phrase: normalized });
        }
      }
      // Longest first: the first hit is the most specific one.
      examples.sort((a, b) => b.phrase.length - a.phrase.length);
      this.examples.set(locale, examples);
    }
  }

  /** Loads `intents.json` of each locale from a `locales/` folder. */
  static fromLocalesDir(localesDir: string, locales: readonly string[]): KeywordRecognizer {
    const byLocale: Record<string, IntentExamples> = {};
    for (const locale of locales) {
      const file = path.join(localesDir, locale, 'intents.json');
      byLocale[locale] = JSON.parse(fs.readFileSync(file, 'utf8')) as IntentExamples;
    }
    return new KeywordRecognizer(byLocale);
  }

  recognize(text: string, locale: string): Promise<IntentResult> {
    const utterance = normalizeUtterance(text);
    if (!utterance) return Promise.resolve({ intent: 'None', score: 0 });
    const order = [locale, ...[...this.examples.keys()].filter((other) => other !== locale)];
    for (const candidate of order) {
      const hit = this.match(utterance, this.examples.get(candidate) ?? []);
      if (hit) {
        return Promise.resolve({
          intent: hit.intent,
          score: hit.phrase.length / utterance.length,
          locale: candidate,
        });
      }
    }
    return Promise.resolve({ intent: 'None', score: 0 });
  }

  private match(utterance: string, examples: Example[]): Example | undefined {
    const padded = ` ${utterance} `;
    return examples.find((example) =>
      UNSPACED.test(example.phrase)
        ? utterance.includes(example.phrase)
        : padded.includes(` ${example.phrase} `),
    );
  }
}
