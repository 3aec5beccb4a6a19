import { maskEntities } from './entities';
import { toSimplified } from './chineseScript';

/** Lower case, no accents, punctuation folded to single spaces: "¿Dónde está?" → "donde esta". */
export function normalizeUtterance(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Scripts written without spaces between words: their characters are featurized as runs. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const UNSPACED_RUN = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+)/u;

/**
 * The form every phrase is compared in: Traditional characters as Simplified (so zh-TW and
 * zh-CN examples teach one model), entities as words naming their kind, then normalized.
 */
export function canonicalText(text: string): string {
  return normalizeUtterance(maskEntities(toSimplified(text)));
}

/** The words of a canonical text; a run of Chinese characters is split off as its own word. */
export function wordsOf(canonical: string): string[] {
  return canonical
    .split(' ')
    .flatMap((word) => word.split(UNSPACED_RUN))
    .filter(Boolean);
}

function charGrams(word: string, out: Map<string, number>, minN: number, maxN: number): void {
  // Padding marks the word boundaries, so "cita" at the start of a word differs from "-cita".
  const padded = UNSPACED.test(word) ? `^${word}$` : ` ${word} `;
  for (let n = minN; n <= maxN; n += 1) {
    for (let i = 0; i + n <= padded.length; i += 1) {
      const gram = `c:${padded.slice(i, i + n)}`;
      out.set(gram, (out.get(gram) ?? 0) + 1);
    }
  }
}

/**
 * Sparse features of a canonical text: character n-grams 1–4 of each word with its boundaries
 * (which cope with typos and inflection, and need no Chinese word segmentation), whole words,
 * word pairs (word order: "cancel my visit" is not "visit"), and the message length.
 * Values are 1 + log(count), scaled to unit length so long messages do not weigh more.
 */
export function featuresOf(canonical: string): Map<string, number> {
  const counts = new Map<string, number>();
  const words = wordsOf(canonical);
  let length = 0;
  for (const [index, word] of words.entries()) {
    const unspaced = UNSPACED.test(word);
    charGrams(word, counts, 1, unspaced ? 3 : 4);
    length += unspaced ? Math.ceil(word.length / 2) : 1;
    counts.set(`w:${word}`, (counts.get(`w:${word}`) ?? 0) + 1);
    const next = words[index + 1];
    if (next !== undefined) counts.set(`b:${word} ${next}`, 1);
  }
  if (words.length > 0)
    counts.set(`len:${length <= 1 ? '1' : length <= 3 ? '2-3' : length <= 6 ? '4-6' : '7+'}`, 1);
  let norm = 0;
  for (const [key, count] of counts) {
    const value = 1 + Math.log(count);
    counts.set(key, value);
    norm += value * value;
  }
  norm = Math.sqrt(norm);
  for (const [key, value] of counts) counts.set(key, value / norm);
  return counts;
}

/**
 * True for the features that say what was written (not its length), to measure how much of a
 * message a model knows: spaced words, n-grams of 3 or more letters, and pairs of Chinese
 * characters (a whole unspaced sentence is one "word", too rare to count).
 */
export function isContentFeature(feature: string): boolean {
  const body = feature.slice(2);
  if (UNSPACED.test(body)) return feature.startsWith('c:') && body.replace(/[\^$]/g, '').length >= 2;
  return feature.startsWith('w:') || (feature.startsWith('c:') && body.length >= 3);
}
