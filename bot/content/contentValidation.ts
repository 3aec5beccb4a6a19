import { checkBundle, type LocaleProblem } from '../localeCheck';
import { faqProblems, intentProblems } from './faqCheck';
import type { LocaleContent } from './localeContent';

/** Longest example phrase or FAQ question a lead may save. */
export const MAX_PHRASE_CHARS = 300;
/** Longest FAQ answer. */
export const MAX_ANSWER_CHARS = 2000;
/** Most examples of one intent, questions of one FAQ entry. */
export const MAX_PHRASES = 500;

/** The studio's own limits: every intent but `None` keeps an example; nothing overlong. */
function limitProblems(locale: string, content: LocaleContent): string[] {
  const problems: string[] = [];
  for (const [intent, examples] of Object.entries(content.intents)) {
    const list = examples ?? [];
    if (intent !== 'None' && list.length === 0) problems.push(`${locale}: ${intent} has no example`);
    if (list.length > MAX_PHRASES) problems.push(`${locale}: ${intent} has over ${MAX_PHRASES} examples`);
    if (list.some((example) => example.length > MAX_PHRASE_CHARS)) {
      problems.push(`${locale}: ${intent} has an example over ${MAX_PHRASE_CHARS} characters`);
    }
  }
  for (const entry of content.faq) {
    if (entry.questions.some((question) => question.length > MAX_PHRASE_CHARS)) {
      problems.push(`${locale}: FAQ "${entry.id}" has a question over ${MAX_PHRASE_CHARS} characters`);
    }
    if (entry.answer.length > MAX_ANSWER_CHARS) {
      problems.push(`${locale}: FAQ "${entry.id}" has an answer over ${MAX_ANSWER_CHARS} characters`);
    }
  }
  return problems;
}

const errors = (problems: readonly LocaleProblem[]): string[] =>
  problems
    .filter((problem) => problem.severity === 'error')
    .map((problem) => `${problem.locale}: ${problem.message}`);

/**
 * Every error in some content, as `locale: problem` lines: the rules of `cli locales check` (texts
 * against English: placeholders, plural forms, empty texts, unknown keys; intents; the FAQ) and
 * the studio's limits.
 */
export function contentProblems(content: Record<string, LocaleContent>): string[] {
  const english = new Map(Object.entries(content.en?.texts ?? {}));
  const englishFaq = content.en?.faq ?? [];
  return Object.entries(content).flatMap(([locale, localeContent]) => [
    ...errors(checkBundle(locale, new Map(Object.entries(localeContent.texts)), english)),
    ...errors(intentProblems(locale, localeContent.intents)),
    ...errors(faqProblems(locale, localeContent.faq, englishFaq, localeContent.intents)),
    ...limitProblems(locale, localeContent),
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
