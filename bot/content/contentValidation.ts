import { checkBundle } from '../localeCheck';
import { INTENTS, normalizeUtterance } from '../language/recognizer';
import type { FaqEntry } from './faq';
import type { LocaleContent } from './localeContent';

/** Longest example phrase or FAQ question a lead may save. */
export const MAX_PHRASE_CHARS = 300;
/** Longest FAQ answer. */
export const MAX_ANSWER_CHARS = 2000;
/** Most examples of one intent, questions of one FAQ entry. */
export const MAX_PHRASES = 500;
/** FAQ ids: kebab-case, so they read well in history and URLs. */
export const FAQ_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The problems of one locale's intents: unknown names, empty or overlong examples, repeats, one phrase in two intents. */
function intentProblems(locale: string, content: LocaleContent): string[] {
  const problems: string[] = [];
  const owner = new Map<string, string>();
  for (const [intent, examples] of Object.entries(content.intents)) {
    if (!(INTENTS as readonly string[]).includes(intent))
      problems.push(`${locale}: unknown intent ${intent}`);
    const list = examples ?? [];
    if (intent !== 'None' && list.length === 0) problems.push(`${locale}: ${intent} has no example`);
    if (list.length > MAX_PHRASES) problems.push(`${locale}: ${intent} has over ${MAX_PHRASES} examples`);
    for (const example of list) {
      const normalized = normalizeUtterance(example);
      if (!normalized) problems.push(`${locale}: ${intent} has an empty example`);
      else if (example.length > MAX_PHRASE_CHARS)
        problems.push(`${locale}: ${intent} has an example over ${MAX_PHRASE_CHARS} characters`);
      const taken = owner.get(normalized);
      if (normalized && taken === intent) problems.push(`${locale}: "${example}" is twice in ${intent}`);
      else if (normalized && taken !== undefined) {
        problems.push(`${locale}: "${example}" is an example of both ${taken} and ${intent}`);
      }
      owner.set(normalized, intent);
    }
  }
  return problems;
}

/** The problems of one locale's FAQ: ids, empty or repeated questions, empty answers. */
function faqProblems(locale: string, faq: readonly FaqEntry[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const entry of faq) {
    if (!FAQ_ID.test(entry.id)) problems.push(`${locale}: FAQ id "${entry.id}" is not kebab-case`);
    if ((INTENTS as readonly string[]).includes(entry.id))
      problems.push(`${locale}: FAQ id "${entry.id}" is an intent's name`);
    if (ids.has(entry.id)) problems.push(`${locale}: FAQ id "${entry.id}" is used twice`);
    ids.add(entry.id);
    if (entry.questions.length === 0) problems.push(`${locale}: FAQ ${entry.id} has no question`);
    const seen = new Set<string>();
    for (const question of entry.questions) {
      const normalized = normalizeUtterance(question);
      if (!normalized) problems.push(`${locale}: FAQ ${entry.id} has an empty question`);
      else if (seen.has(normalized)) problems.push(`${locale}: FAQ ${entry.id} asks "${question}" twice`);
      if (question.length > MAX_PHRASE_CHARS)
        problems.push(`${locale}: FAQ ${entry.id} has a question over ${MAX_PHRASE_CHARS} characters`);
      seen.add(normalized);
    }
    if (entry.answer.trim() === '') problems.push(`${locale}: FAQ ${entry.id} has an empty answer`);
    if (entry.answer.length > MAX_ANSWER_CHARS)
      problems.push(`${locale}: FAQ ${entry.id} has an answer over ${MAX_ANSWER_CHARS} characters`);
  }
  return problems;
}

/**
 * Every error in some content, as `locale: problem` lines: the rules of `cli locales check` for
 * texts (placeholders as in English, plural forms the language needs, no empty text, no key
 * English lacks) plus those of intents and the FAQ.
 */
export function contentProblems(content: Record<string, LocaleContent>): string[] {
  const english = new Map(Object.entries(content.en?.texts ?? {}));
  return Object.entries(content).flatMap(([locale, localeContent]) => [
    ...checkBundle(locale, new Map(Object.entries(localeContent.texts)), english)
      .filter((problem) => problem.severity === 'error')
      .map((problem) => `${locale}: ${problem.message}`),
    ...intentProblems(locale, localeContent),
    ...faqProblems(locale, localeContent.faq),
  ]);
}

/** The problems `after` has that `before` had not: what a change would break. */
export function problemsIntroduced(
  before: Record<string, LocaleContent>,
  after: Record<string, LocaleContent>,
): string[] {
  const known = new Set(contentProblems(before));
  return contentProblems(after).filter((problem) => !known.has(problem));
}
