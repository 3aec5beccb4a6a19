import fs from 'node:fs';
import path from 'node:path';

/** One FAQ answer of a locale, as in `locales/<locale>/faq.json`. */
export interface FaqEntry {
  /** Stable id (`shipping-costs`); the recognizer answers with it. */
  id: string;
  /** Ways customers ask it; the recognizer learns them as examples. */
  questions: string[];
  answer: string;
}

/** The FAQ answers the bot gives now, per locale (the shipped files merged with the leads' edits). */
export interface FaqBook {
  entry(locale: string, id: string): FaqEntry | undefined;
}

/** Reads `faq.json` of each locale from a `locales/` folder; a locale without one has no FAQ. */
export function loadFaq(localesDir: string, locales: readonly string[]): Record<string, FaqEntry[]> {
  const byLocale: Record<string, FaqEntry[]> = {};
  for (const locale of locales) {
    const file = path.join(localesDir, locale, 'faq.json');
    byLocale[locale] = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as FaqEntry[]) : [];
  }
  return byLocale;
}

/** A {@link FaqBook} over fixed entries. */
export function faqBook(byLocale: Record<string, readonly FaqEntry[]>): FaqBook {
  return {
    entry: (locale, id) => byLocale[locale]?.find((entry) => entry.id === id),
  };
}
