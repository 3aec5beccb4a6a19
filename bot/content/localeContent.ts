import { flattenBundle, readBundle } from '../i18n';
import { FAQ_INTENT, isIntent, loadIntentExamples, type IntentExamples } from '../language/recognizer';
import { loadFaq, type FaqEntry } from './faq';

/** What the bot says and understands in one locale. */
export interface LocaleContent {
  /** Every text of `translation.json`, by dotted key (`menu.prompt`, `orders.found_one`). */
  texts: Record<string, string>;
  /** Example phrases per intent (`intents.json`). */
  intents: IntentExamples;
  /** FAQ answers (`faq.json`). */
  faq: FaqEntry[];
}

/** The three kinds of content a lead edits. */
export const CONTENT_KINDS = ['text', 'intent', 'faq'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

/** The value one key of a kind holds: a text, an intent's examples, an FAQ entry without its id. */
export type ContentValue = string | string[] | { questions: string[]; answer: string };

/** One lead's change of one key, as stored: `null` means the key holds nothing (a deleted FAQ entry). */
export interface ContentOverride {
  locale: string;
  kind: ContentKind;
  key: string;
  value: ContentValue | null;
}

/** Reads the shipped files of each locale from a `locales/` folder. */
export function readShippedContent(dir: string, locales: readonly string[]): Record<string, LocaleContent> {
  const intents = loadIntentExamples(dir, locales);
  const faq = loadFaq(dir, locales);
  return Object.fromEntries(
    locales.map((locale) => [
      locale,
      {
        texts: Object.fromEntries(flattenBundle(readBundle(locale, dir))),
        intents: intents[locale] ?? {},
        faq: faq[locale] ?? [],
      },
    ]),
  );
}

/** The value a key of a kind has in some content; undefined when it has none. */
export function valueOf(content: LocaleContent, kind: ContentKind, key: string): ContentValue | undefined {
  switch (kind) {
    case 'text':
      return content.texts[key];
    case 'intent':
      return (content.intents as Record<string, string[] | undefined>)[key];
    case 'faq': {
      const entry = content.faq.find((candidate) => candidate.id === key);
      return entry && { questions: entry.questions, answer: entry.answer };
    }
  }
}

/** `content` with one key set (`null` removes an FAQ entry); the input is not changed. */
export function withValue(
  content: LocaleContent,
  kind: ContentKind,
  key: string,
  value: ContentValue | null,
): LocaleContent {
  switch (kind) {
    case 'text':
      return typeof value === 'string' ? { ...content, texts: { ...content.texts, [key]: value } } : content;
    case 'intent':
      return Array.isArray(value) ? { ...content, intents: { ...content.intents, [key]: value } } : content;
    case 'faq': {
      if (value === null) return { ...content, faq: content.faq.filter((entry) => entry.id !== key) };
      if (typeof value !== 'object' || Array.isArray(value)) return content;
      const entry: FaqEntry = { id: key, questions: value.questions, answer: value.answer };
      const at = content.faq.findIndex((candidate) => candidate.id === key);
      const faq = at < 0 ? [...content.faq, entry] : content.faq.map((old, k) => (k === at ? entry : old));
      return { ...content, faq };
    }
  }
}

/** The shipped content with the overrides applied, per locale. */
export function mergeContent(
  shipped: Record<string, LocaleContent>,
  overrides: readonly ContentOverride[],
): Record<string, LocaleContent> {
  const merged = { ...shipped };
  for (const override of overrides) {
    const base = Object.hasOwn(merged, override.locale) ? merged[override.locale] : undefined;
    // An override a later build has no place for (a text key it removed, an intent it renamed, an
    // FAQ id that became an intent's name) is left out rather than break the whole content.
    if (!base || !fits(base, override)) continue;
    merged[override.locale] = withValue(base, override.kind, override.key, override.value);
  }
  return merged;
}

function fits(base: LocaleContent, override: ContentOverride): boolean {
  switch (override.kind) {
    case 'text':
      return Object.hasOwn(base.texts, override.key);
    case 'intent':
      return isIntent(override.key);
    case 'faq':
      return !isIntent(override.key) && override.key !== FAQ_INTENT;
  }
}

/** A flat `a.b.c → text` map as the nested object i18next and `translation.json` use. */
export function nestTexts(texts: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(texts)) {
    const parts = key.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
      else node = node[part] = {};
    }
    node[parts[parts.length - 1] ?? key] = text;
  }
  return root;
}

/** Two content values are the same (JSON-wise). */
export const sameValue = (a: ContentValue | null | undefined, b: ContentValue | null | undefined): boolean =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
