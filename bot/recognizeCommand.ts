import fs from 'node:fs';
import { SUPPORTED_LOCALES, type SupportedLocale } from './config';
import { resolveLocale } from './i18n';
import type { Entity } from './language/entities';
import type { LanguageDetector } from './language/languageDetection';
import { intentOrFaqId, type Recognizer } from './language/recognizer';

/** What `cli recognize` prints per phrase: a stable contract (see README). */
export interface RecognizedPhrase {
  text: string;
  /** The locale the phrase was read in: the one given, else the detected one, else the default. */
  locale: string;
  /** What language detection made of the text; null when it is too short or unsure. */
  detectedLocale: string | null;
  /** An intent name, or the FAQ entry's id when the phrase is an FAQ question ("shipping-costs"). */
  intent: string;
  score: number;
  entities: Entity[];
}

/** One phrase to read, as a line of `recognize --jsonl` gives it. */
export interface PhraseRequest {
  text: string;
  locale?: string;
}

/** Reads one phrase in its locale, detecting the language when no locale is given. */
export async function recognizePhrase(
  request: PhraseRequest,
  deps: { recognizer: Recognizer; detector: LanguageDetector; defaultLocale: SupportedLocale },
): Promise<RecognizedPhrase> {
  const detectedLocale = (await deps.detector.detect(request.text, request.locale)) ?? null;
  const locale = resolveLocale([request.locale ?? detectedLocale ?? undefined], deps.defaultLocale);
  const result = await deps.recognizer.recognize(request.text, locale);
  return {
    text: request.text,
    locale,
    detectedLocale,
    intent: intentOrFaqId(result),
    score: result.score,
    entities: result.entities ?? [],
  };
}

/**
 * The phrases of a JSON Lines file: one `{"text": "...", "locale": "es"}` per line (`locale`
 * optional); blank lines are skipped.
 * @throws naming the file and the line number of the first malformed line.
 */
export function readPhraseRequests(file: string): PhraseRequest[] {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file} (${error instanceof Error ? error.message : String(error)})`);
  }
  return content.split('\n').flatMap((line, index) => {
    if (!line.trim()) return [];
    const where = `${file} line ${index + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`${where}: not valid JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`${where}: expected an object like {"text": "...", "locale": "es"}`);
    }
    const { text, locale } = parsed as Record<string, unknown>;
    if (typeof text !== 'string' || text.trim() === '')
      throw new Error(`${where}: "text" must be a non-empty string`);
    if (locale !== undefined && typeof locale !== 'string')
      throw new Error(`${where}: "locale" must be a string`);
    return [{ text, ...(locale === undefined ? {} : { locale }) }];
  });
}

/** `DEFAULT_LOCALE` from the environment when it names a supported locale, else English. */
export function defaultLocaleFromEnv(env: Record<string, string | undefined> = process.env): SupportedLocale {
  const wanted = env.DEFAULT_LOCALE?.trim();
  return (SUPPORTED_LOCALES as readonly string[]).includes(wanted ?? '') ? (wanted as SupportedLocale) : 'en';
}
