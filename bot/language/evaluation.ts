import fs from 'node:fs';
import { INTENTS, intentOrFaqId, type Intent, type Recognizer } from './recognizer';

/** One phrase of an evaluation set: what a customer wrote, in which locale, and what they meant. */
export interface LabelledPhrase {
  text: string;
  locale: string;
  intent: Intent;
}

/** What a recognizer got right on an evaluation set. */
export interface EvaluationResult {
  total: number;
  correct: number;
  /** correct / total. */
  accuracy: number;
  /** The phrases it got wrong, with what it read instead (an intent, or an FAQ entry's id). */
  misses: { text: string; expected: Intent; got: string }[];
}

/**
 * Reads an evaluation set: one JSON object `{"text", "locale", "intent"}` per line.
 * @throws naming the file and line of the first malformed entry.
 */
export function readLabelledPhrases(file: string): LabelledPhrase[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, index) => {
      if (!line.trim()) return [];
      const where = `${file}:${index + 1}`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new Error(`readLabelledPhrases(): ${where} is not JSON`);
      }
      const { text, locale, intent } = (parsed ?? {}) as Partial<Record<keyof LabelledPhrase, unknown>>;
      if (typeof text !== 'string' || typeof locale !== 'string' || !INTENTS.includes(intent as Intent)) {
        throw new Error(`readLabelledPhrases(): ${where} needs "text", "locale" and a known "intent"`);
      }
      return [{ text, locale, intent: intent as Intent }];
    });
}

/** Runs every phrase through the recognizer in its locale and counts the intents it got right. */
export async function evaluate(
  recognizer: Recognizer,
  phrases: readonly LabelledPhrase[],
): Promise<EvaluationResult> {
  const misses: EvaluationResult['misses'] = [];
  for (const phrase of phrases) {
    const got = intentOrFaqId(await recognizer.recognize(phrase.text, phrase.locale));
    if (got !== phrase.intent) misses.push({ text: phrase.text, expected: phrase.intent, got });
  }
  const total = phrases.length;
  const correct = total - misses.length;
  return { total, correct, accuracy: total === 0 ? 0 : correct / total, misses };
}
