import { SUPPORTED_LOCALES } from './config';
import { contentProblems } from './content/faqCheck';
import { flattenBundle, localesDir, placeholdersOf, readBundle } from './i18n';

/** One thing wrong (or suspicious) in a locale's bundle, compared with English. */
export interface LocaleProblem {
  locale: string;
  /** `error`s fail `locales check`; a `warning` is worth a look (a text identical to English). */
  severity: 'error' | 'warning';
  message: string;
}

const PLURAL = /^(.*)_(zero|one|two|few|many|other)$/;

/** Keys whose text may well be the same in every language (a language's own name). */
const SAME_EVERYWHERE = /^language\.names\./;

/** The plural families of a flat bundle: `base → categories present`. */
function pluralFamilies(keys: Iterable<string>): Map<string, Set<string>> {
  const families = new Map<string, Set<string>>();
  for (const key of keys) {
    const match = PLURAL.exec(key);
    if (!match?.[1] || !match[2]) continue;
    const family = families.get(match[1]) ?? new Set<string>();
    family.add(match[2]);
    families.set(match[1], family);
  }
  return families;
}

/** The placeholders of a plural form but `count`, which a form such as `_one` may leave out. */
const withoutCount = (text: string): string =>
  placeholdersOf(text)
    .filter((name) => name !== 'count')
    .join();

/** True when a text has words to translate once its placeholders are removed. */
const hasWords = (text: string): boolean => /\p{L}{2,}/u.test(text.replace(/\{\{[^}]*\}\}/g, ''));

/**
 * Compares every locale's `translation.json` with English: missing and extra keys, empty texts,
 * `{{placeholders}}` that differ, plural forms that are not the ones the language needs
 * (i18next's `_zero`, `_one`, `_other`, … as `Intl.PluralRules` names them: Latvian has zero,
 * one and other), and texts left identical to English; and checks `intents.json` and `faq.json`
 * (see {@link contentProblems}).
 */
export function checkLocales(
  locales: readonly string[] = SUPPORTED_LOCALES,
  dir = localesDir(),
): LocaleProblem[] {
  const english = flattenBundle(readBundle('en', dir));
  return locales.flatMap((locale) => [
    ...checkBundle(locale, flattenBundle(readBundle(locale, dir)), english),
    ...contentProblems(locale, dir),
  ]);
}

/**
 * The problems of one locale's flat bundle (`a.b.c → text`) against English: the rules of
 * {@link checkLocales}, which the content studio applies to every change before it is live.
 */
export function checkBundle(
  locale: string,
  bundle: ReadonlyMap<string, string>,
  english: ReadonlyMap<string, string>,
): LocaleProblem[] {
  const englishPlurals = pluralFamilies(english.keys());
  const problems: LocaleProblem[] = [];
  const error = (message: string): void => void problems.push({ locale, severity: 'error', message });
  const plurals = pluralFamilies(bundle.keys());
  const needed = new Intl.PluralRules(locale).resolvedOptions().pluralCategories as string[];
  const isPluralOf = (key: string, families: Map<string, Set<string>>): boolean => {
    const base = PLURAL.exec(key)?.[1];
    return base !== undefined && families.has(base);
  };
  for (const [key, text] of english) {
    // Plural forms are checked per family below: a language has its own set of them.
    if (isPluralOf(key, englishPlurals)) continue;
    const translated = bundle.get(key);
    if (translated === undefined) error(`missing key ${key}`);
    else if (translated.trim() === '') error(`empty text for ${key}`);
    else if (placeholdersOf(translated).join() !== placeholdersOf(text).join()) {
      error(
        `${key} uses {{${placeholdersOf(translated).join('}}, {{')}}} but en uses {{${placeholdersOf(text).join('}}, {{')}}}`,
      );
    } else if (locale !== 'en' && translated === text && hasWords(text) && !SAME_EVERYWHERE.test(key)) {
      problems.push({ locale, severity: 'warning', message: `${key} is the same as in en ("${text}")` });
    }
  }
  for (const base of englishPlurals.keys()) {
    const present = plurals.get(base) ?? new Set<string>();
    const missing = needed.filter((category) => !present.has(category));
    const extra = [...present].filter((category) => !needed.includes(category));
    if (missing.length > 0)
      error(`${base} lacks the plural form(s) ${missing.map((c) => `_${c}`).join(', ')}`);
    if (extra.length > 0)
      error(`${base} has plural form(s) ${locale} does not use: ${extra.map((c) => `_${c}`).join(', ')}`);
    const englishVars = withoutCount(english.get(`${base}_other`) ?? '');
    for (const category of present) {
      const text = bundle.get(`${base}_${category}`) ?? '';
      if (text.trim() === '') error(`empty text for ${base}_${category}`);
      else if (withoutCount(text) !== englishVars)
        error(`${base}_${category} uses other {{placeholders}} than en`);
    }
  }
  for (const key of bundle.keys()) {
    if (english.has(key) || isPluralOf(key, englishPlurals)) continue;
    error(`key ${key} is not in en`);
  }
  return problems;
}

/**
 * The errors of {@link checkLocales} as `locale: message` lines. Support leads run
 * `npm run --silent cli -- locales check`.
 */
export function bundleProblems(locales: readonly string[] = SUPPORTED_LOCALES, dir = localesDir()): string[] {
  return checkLocales(locales, dir)
    .filter((problem) => problem.severity === 'error')
    .map((problem) => `${problem.locale}: ${problem.message}`);
}
