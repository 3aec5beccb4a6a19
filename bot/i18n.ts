import fs from 'node:fs';
import path from 'node:path';
import i18next, { type i18n } from 'i18next';
import { SUPPORTED_LOCALES, type SupportedLocale } from './config';
import { projectRoot } from './paths';

type Bundle = typeof import('../locales/en/translation.json');

/** i18next plural forms: `key_one`, `key_other`, … are used in code as `key`. */
type PluralSuffix = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
type WithoutPlural<K extends string> = K extends `${infer Base}_${PluralSuffix}` ? Base : K;

type KeyPaths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string
    ? WithoutPlural<`${Prefix}${K}`>
    : KeyPaths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Every key of the English bundle; the type checker rejects a key that does not exist. */
export type TranslationKey = KeyPaths<Bundle>;

/** Translates a key in one fixed locale. */
export type Translate = (key: TranslationKey, vars?: Record<string, string | number>) => string;

/** Folder holding one sub-folder per locale. */
export function localesDir(): string {
  return path.join(projectRoot(), 'locales');
}

/** Reads one locale's `translation.json`. */
export function readBundle(locale: string, dir = localesDir()): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dir, locale, 'translation.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** An i18next instance with every supported locale loaded synchronously; English is the last fallback. */
export function createI18n(locales: readonly string[] = SUPPORTED_LOCALES, dir = localesDir()): i18n {
  const instance = i18next.createInstance();
  const resources = Object.fromEntries(
    locales.map((locale) => [locale, { translation: readBundle(locale, dir) }]),
  );
  void instance.init({
    resources,
    initAsync: false,
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...locales],
    nonExplicitSupportedLngs: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

/** A {@link Translate} bound to one locale. */
export function translator(instance: i18n, locale: string): Translate {
  const t = instance.getFixedT(locale);
  return (key, vars) => t(key, vars ?? {});
}

/** Chinese tags that mean traditional characters. */
const TRADITIONAL_CHINESE = /^zh-(hant|tw|hk|mo)\b/i;

/**
 * The first candidate the bot can speak, matching exactly or by base language
 * (`es-MX` → `es`, `zh-HK` → `zh-TW`, `zh` → `zh-CN`), else `fallback`.
 */
export function resolveLocale(
  candidates: readonly (string | undefined)[],
  fallback: SupportedLocale,
  supported: readonly string[] = SUPPORTED_LOCALES,
): string {
  const byLowerCase = new Map(supported.map((locale) => [locale.toLowerCase(), locale]));
  for (const candidate of candidates) {
    if (!candidate) continue;
    const tag = candidate.trim().replace(/_/g, '-').toLowerCase();
    const exact = byLowerCase.get(tag);
    if (exact) return exact;
    const base = tag.split('-')[0] ?? '';
    if (base === 'zh') {
      const chinese = byLowerCase.get(TRADITIONAL_CHINESE.test(tag) ? 'zh-tw' : 'zh-cn');
      if (chinese) return chinese;
    }
    const byBase = byLowerCase.get(base);
    if (byBase) return byBase;
  }
  return fallback;
}

/** Flattens a bundle to `a.b.c → text`. */
export function flattenBundle(bundle: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(bundle)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else if (value && typeof value === 'object') {
      for (const [k, v] of flattenBundle(value as Record<string, unknown>, `${prefix}${key}.`)) out.set(k, v);
    }
  }
  return out;
}

/** The `{{placeholders}}` of a text, sorted. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((match) => match[1] ?? '').sort();
}
