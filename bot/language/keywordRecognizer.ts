import { normalizeUtterance } from './features';
import {
  INTENTS,
  loadIntentExamples,
  type Intent,
  type IntentExamples,
  type IntentResult,
  type Recognizer,
} from './recognizer';

interface Example {
  intent: Intent;
  phrase: string;
}

/** Scripts written without spaces between words, where a phrase may match inside a longer run. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * The first recognizer, kept as the baseline `docs/language.md` compares the trained one with
 * (the bot uses TrainedRecognizer). Recognizes intents from example phrases per locale. The longest example found in the message
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
        if (intent === 'None') continue;
        if (!(INTENTS as readonly string[]).includes(intent)) {
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
    return new KeywordRecognizer(loadIntentExamples(localesDir, locales));
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
