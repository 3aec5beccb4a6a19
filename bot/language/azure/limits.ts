/**
 * The documented limits of Azure AI Language's prebuilt features (learn.microsoft.com, "Service
 * limits for Azure AI Language"): what a request may hold, and which languages a feature knows.
 */

/** Characters per document for the synchronous features, counted as text elements (graphemes). */
export const MAX_SYNC_DOCUMENT_CHARS = 5120;
/** Characters over all documents of one asynchronous (analyze-batch) request. */
export const MAX_BATCH_TOTAL_CHARS = 125_000;
/** Documents per request, per action. */
export const MAX_DOCUMENTS = {
  SentimentAnalysis: 10,
  PiiEntityRecognition: 5,
  LanguageDetection: 1000,
  ExtractiveSummarization: 25,
} as const;

/** The service's language code for each of Switchboard's locales. */
const LANGUAGE_CODES: Record<string, string> = {
  en: 'en',
  es: 'es',
  'zh-CN': 'zh-hans',
  'zh-TW': 'zh-hant',
  lv: 'lv',
};

/**
 * Languages extractive summarization supports, of ours. NOTE: Latvian is not among them, so a
 * Latvian conversation is summarised locally, never sent.
 */
const SUMMARY_LANGUAGES = new Set(['en', 'es', 'zh-hans', 'zh-hant']);

/** The service's code for `locale` (`zh-CN` → `zh-hans`), or undefined for a locale it is not given. */
export function languageCodeOf(locale: string): string | undefined {
  return LANGUAGE_CODES[locale] ?? LANGUAGE_CODES[locale.split('-')[0] ?? ''];
}

/** Whether conversations in `locale` can be summarised by the service. */
export function summarySupported(locale: string): boolean {
  const code = languageCodeOf(locale);
  return code !== undefined && SUMMARY_LANGUAGES.has(code);
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * `text` cut into pieces of at most `max` text elements, at a space or after a sentence end
 * where one is near, so a long message is analysed whole instead of being refused.
 */
export function splitDocument(text: string, max = MAX_SYNC_DOCUMENT_CHARS): string[] {
  const elements = [...graphemes.segment(text)].map((segment) => segment.segment);
  if (elements.length <= max) return [text];
  const pieces: string[] = [];
  for (let start = 0; start < elements.length;) {
    let end = Math.min(start + max, elements.length);
    if (end < elements.length) {
      // Back up to the last break in the final tenth of the piece, if there is one.
      for (let i = end; i > end - Math.floor(max / 10); i -= 1) {
        if (/^[\s.!?。！？]$/u.test(elements[i - 1] ?? '')) {
          end = i;
          break;
        }
      }
    }
    pieces.push(elements.slice(start, end).join(''));
    start = end;
  }
  return pieces;
}

/** `items` in groups of at most `size`. */
export function inGroupsOf<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}
