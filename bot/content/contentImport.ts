import fs from 'node:fs';
import path from 'node:path';
import { flattenBundle } from '../i18n';
import type { IntentExamples } from '../language/recognizer';
import { problemsIntroduced } from './contentValidation';
import type { FaqEntry } from './faq';
import { sameValue, valueOf, type ContentKind, type ContentValue, type LocaleContent } from './localeContent';

/** One key an import changes. */
export interface ImportedChange {
  locale: string;
  kind: ContentKind;
  key: string;
  before: ContentValue | null;
  after: ContentValue | null;
}

const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;

/** Writes content as the locale files (`<dir>/<locale>/translation.json`, `intents.json`, `faq.json`). */
export function writeContentFiles(
  dir: string,
  content: Record<string, LocaleContent>,
  nest: (texts: Record<string, string>) => unknown,
): void {
  for (const [locale, localeContent] of Object.entries(content)) {
    const folder = path.join(dir, locale);
    fs.mkdirSync(folder, { recursive: true });
    const write = (name: string, value: unknown): void =>
      fs.writeFileSync(path.join(folder, name), `${JSON.stringify(value, null, 2)}\n`);
    write('translation.json', nest(localeContent.texts));
    write('intents.json', localeContent.intents);
    write('faq.json', localeContent.faq);
  }
}

/**
 * Reads locale files from `dir` over `current`: each file present replaces that part of a
 * locale (a text key the file lacks keeps its current text; a missing `faq.json` keeps the FAQ).
 * @throws naming the file that is missing or not JSON of the right shape.
 */
export function readContentFiles(
  dir: string,
  current: Record<string, LocaleContent>,
): {
  content: Record<string, LocaleContent>;
  problems: string[];
} {
  const problems: string[] = [];
  const content: Record<string, LocaleContent> = {};
  for (const [locale, now] of Object.entries(current)) {
    const file = (name: string): string => path.join(dir, locale, name);
    let next: LocaleContent = now;
    try {
      if (fs.existsSync(file('translation.json'))) {
        const texts = Object.fromEntries(
          flattenBundle(readJson(file('translation.json')) as Record<string, unknown>),
        );
        for (const key of Object.keys(texts)) {
          if (now.texts[key] === undefined)
            problems.push(`${locale}: key ${key} is not a text of this build`);
        }
        next = { ...next, texts: { ...now.texts, ...texts } };
      }
      if (fs.existsSync(file('intents.json'))) {
        const intents = readJson(file('intents.json'));
        if (!isIntentExamples(intents)) {
          problems.push(`${locale}: intents.json must be an object of example lists by intent`);
        } else next = { ...next, intents };
      }
      if (fs.existsSync(file('faq.json'))) {
        const faq = readJson(file('faq.json'));
        if (!Array.isArray(faq) || faq.some((entry) => !isFaqEntry(entry))) {
          problems.push(`${locale}: faq.json must be a list of {id, questions, answer}`);
        } else next = { ...next, faq: faq as FaqEntry[] };
      }
    } catch (error) {
      problems.push(`${locale}: ${error instanceof Error ? error.message : String(error)}`);
    }
    content[locale] = next;
  }
  return { content, problems };
}

function isIntentExamples(value: unknown): value is IntentExamples {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every(
      (examples) => Array.isArray(examples) && examples.every((example) => typeof example === 'string'),
    )
  );
}

function isFaqEntry(value: unknown): value is FaqEntry {
  if (typeof value !== 'object' || value === null) return false;
  const { id, questions, answer } = value as Record<string, unknown>;
  return (
    typeof id === 'string' &&
    typeof answer === 'string' &&
    Array.isArray(questions) &&
    questions.every((question) => typeof question === 'string')
  );
}

/**
 * The changes that turn `current` into `next`, or the problems `next` would bring (the rules a
 * change in the studio is checked with); nothing is changed when there are problems.
 */
export function planImport(
  current: Record<string, LocaleContent>,
  next: Record<string, LocaleContent>,
): { changes: ImportedChange[] } | { problems: string[] } {
  const problems = problemsIntroduced(current, next);
  if (problems.length > 0) return { problems };
  const changes: ImportedChange[] = [];
  const add = (
    locale: string,
    kind: ContentKind,
    key: string,
    after: ContentValue | null,
    now: LocaleContent,
  ): void => {
    const before = valueOf(now, kind, key) ?? null;
    if (!sameValue(before, after)) changes.push({ locale, kind, key, before, after });
  };
  for (const [locale, to] of Object.entries(next)) {
    const from = current[locale];
    if (!from) continue;
    for (const [key, text] of Object.entries(to.texts)) add(locale, 'text', key, text, from);
    for (const [intent, examples] of Object.entries(to.intents))
      add(locale, 'intent', intent, examples ?? [], from);
    for (const entry of to.faq)
      add(locale, 'faq', entry.id, { questions: entry.questions, answer: entry.answer }, from);
    for (const entry of from.faq) {
      if (!to.faq.some((candidate) => candidate.id === entry.id)) add(locale, 'faq', entry.id, null, from);
    }
  }
  return { changes };
}
