import fs from 'node:fs';
import path from 'node:path';
import { canonicalText } from '../language/features';
import { FAQ_INTENT, INTENTS, isIntent } from '../language/recognizer';
import type { LocaleProblem } from '../localeCheck';
import type { FaqEntry } from './faq';

/** FAQ ids are kebab-case (`shipping-costs`): they appear in URLs, telemetry and `cli recognize`. */
const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Names an FAQ id may not take: results name intents and FAQ ids in one field. */
const RESERVED = new Set([...INTENTS, FAQ_INTENT].map((name) => name.toLowerCase()));

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * What is wrong with a locale's FAQ (`faq.json`), as `cli locales check` and the content studio
 * refuse it (errors) or point it out (warnings):
 * - errors: not a list of `{id, questions, answer}`; an id that is not kebab-case, used twice, or
 *   an intent name; no questions, an empty question, one written twice, or one also in another
 *   entry (the recognizer could not tell them apart); an empty answer;
 * - warnings: a question that differs from another of its entry only in case, accents or
 *   punctuation (the recognizer reads them as one), an English entry this locale lacks (customers
 *   get the English answer), an answer identical to English, a question identical to an example
 *   of an intent (the intent keeps it).
 *
 * @param entries the locale's entries as read (untrusted JSON).
 * @param englishEntries English's, the reference; pass the same list for English itself.
 * @param intentExamples the locale's `intents.json`, to find questions that are intent examples.
 */
export function faqProblems(
  locale: string,
  entries: unknown,
  englishEntries: readonly FaqEntry[] = [],
  intentExamples: Readonly<Record<string, readonly string[] | undefined>> = {},
): LocaleProblem[] {
  const problems: LocaleProblem[] = [];
  const error = (message: string): void => void problems.push({ locale, severity: 'error', message });
  const warning = (message: string): void => void problems.push({ locale, severity: 'warning', message });
  if (!Array.isArray(entries)) {
    error('faq.json must be a list of {"id", "questions", "answer"} entries');
    return problems;
  }
  const examples = new Map<string, string>();
  for (const [intent, phrases] of Object.entries(intentExamples)) {
    for (const phrase of phrases ?? []) examples.set(canonicalText(phrase), intent);
  }
  const ids = new Set<string>();
  const questionOwner = new Map<string, { id: string; text: string }>();
  for (const [index, raw] of (entries as unknown[]).entries()) {
    const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<
      Record<keyof FaqEntry, unknown>
    >;
    const id = typeof entry.id === 'string' ? entry.id : '';
    const where = id ? `FAQ "${id}"` : `FAQ entry ${index + 1}`;
    if (!KEBAB_CASE.test(id)) error(`${where}: the id must be kebab-case like "shipping-costs"`);
    else if (RESERVED.has(id.toLowerCase())) error(`${where}: the id is an intent name; pick another`);
    else if (ids.has(id)) error(`${where}: the id is used twice`);
    ids.add(id);
    if (!isText(entry.answer)) error(`${where}: the answer is empty`);
    if (!Array.isArray(entry.questions) || entry.questions.length === 0) {
      error(`${where}: give at least one question`);
      continue;
    }
    for (const question of entry.questions as unknown[]) {
      if (!isText(question)) {
        error(`${where}: a question is empty`);
        continue;
      }
      const canonical = canonicalText(question);
      const owner = questionOwner.get(canonical);
      if (owner === undefined) questionOwner.set(canonical, { id, text: question });
      else if (owner.id !== id) error(`${where}: the question "${question}" is also in FAQ "${owner.id}"`);
      else if (owner.text.trim().toLowerCase() === question.trim().toLowerCase()) {
        error(`${where}: the question "${question}" is there twice`);
      } else {
        warning(
          `${where}: "${question}" reads as "${owner.text}" to the recognizer (case, accents, punctuation)`,
        );
      }
      const intent = examples.get(canonical);
      if (intent !== undefined) {
        warning(`${where}: the question "${question}" is an example of ${intent}, which keeps it`);
      }
    }
  }
  const own = new Map((entries as Partial<FaqEntry>[]).map((entry) => [entry?.id, entry?.answer] as const));
  for (const english of englishEntries) {
    if (!own.has(english.id)) warning(`FAQ "${english.id}" is missing; customers get the English answer`);
    else if (locale !== 'en' && own.get(english.id) === english.answer) {
      warning(`FAQ "${english.id}": the answer is the same as in en`);
    }
  }
  return problems;
}

/**
 * What is wrong with a locale's `intents.json` (all errors): not an object of lists, an unknown
 * intent name, an empty example, one example under two intents (the exact hit could go either
 * way). NOTE: variants of one example under one intent ("help", "help?", unaccented Latvian) are
 * left alone: they cost nothing and the lists have them on purpose.
 */
export function intentProblems(locale: string, examples: unknown): LocaleProblem[] {
  const problems: LocaleProblem[] = [];
  const error = (message: string): void => void problems.push({ locale, severity: 'error', message });
  if (typeof examples !== 'object' || examples === null || Array.isArray(examples)) {
    error('intents.json must be an object of example lists by intent');
    return problems;
  }
  const owner = new Map<string, string>();
  for (const [intent, phrases] of Object.entries(examples as Record<string, unknown>)) {
    if (!isIntent(intent)) {
      error(`intents.json: unknown intent "${intent}" (known: ${INTENTS.join(', ')})`);
      continue;
    }
    if (!Array.isArray(phrases)) {
      error(`intents.json: ${intent} must be a list of examples`);
      continue;
    }
    for (const phrase of phrases as unknown[]) {
      if (!isText(phrase)) {
        error(`intents.json: ${intent} has an empty example`);
        continue;
      }
      const canonical = canonicalText(phrase);
      const first = owner.get(canonical);
      if (first === undefined) owner.set(canonical, intent);
      else if (first !== intent)
        error(`intents.json: "${phrase}" is an example of both ${first} and ${intent}`);
    }
  }
  return problems;
}

/** A JSON file of a locale folder, or `undefined` when it does not exist; a parse error is a problem. */
function readJson(file: string, locale: string, problems: LocaleProblem[]): unknown {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    problems.push({
      locale,
      severity: 'error',
      message: `${path.basename(file)} is not valid JSON (${why})`,
    });
    return undefined;
  }
}

/**
 * The problems of a locale folder's `intents.json` and `faq.json`, for `cli locales check`. A
 * file that is not there is not checked: a locale without `faq.json` has no FAQ, and one without
 * `intents.json` stops the recognizer's training at start-up, naming the file.
 */
export function contentProblems(locale: string, dir: string): LocaleProblem[] {
  const problems: LocaleProblem[] = [];
  const intents = readJson(path.join(dir, locale, 'intents.json'), locale, problems);
  if (intents !== undefined) problems.push(...intentProblems(locale, intents));
  const englishFaq = readJson(path.join(dir, 'en', 'faq.json'), 'en', []);
  const faq = readJson(path.join(dir, locale, 'faq.json'), locale, problems);
  if (faq !== undefined) {
    const examples = problems.some((p) => p.severity === 'error')
      ? {}
      : (intents as Record<string, string[]>);
    problems.push(
      ...faqProblems(locale, faq, Array.isArray(englishFaq) ? (englishFaq as FaqEntry[]) : [], examples),
    );
  }
  return problems;
}
