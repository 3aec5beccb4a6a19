import type { Choice } from 'botbuilder-dialogs';
import { toSimplified } from '../bot/language/chineseScript';
import { normalizeUtterance } from '../bot/language/recognizer';

/** How an answer picked a choice, strongest first. */
export type ChoiceMatchKind = 'exact' | 'ordinal' | 'phrase' | 'partial';

/** The choice an answer picked. */
export interface ChoiceMatch {
  index: number;
  kind: ChoiceMatchKind;
  /** 0..1: share of the matched name the answer covered. */
  score: number;
  /** The name (value or synonym) that matched, as given. */
  name: string;
}

/** What {@link matchChoice} may use besides the choices' own names. */
export interface ChoiceMatchOptions {
  /** "2", "#2": the number of a choice in the list. */
  numbers: boolean;
  /**
   * Ordinal words of the turn's language by position ("second", "el segundo", "第二", "otro"),
   * and the words for the last one; from the locale bundle, so every language works alike.
   */
  ordinals?: { byPosition: readonly (readonly string[])[]; last: readonly string[] };
  /** Some meaningful words of a name are enough ("jacket" for "Rain jacket, M"). */
  partial: boolean;
}

/** A number or ordinal only picks a choice in a short answer ("the second one"), not inside a story. */
const MAX_ORDINAL_ANSWER_WORDS = 5;
const MAX_ORDINAL_ANSWER_HAN = 8;
/** Words shorter than this are not enough alone for a partial match ("m", "or", "the"). */
const PARTIAL_MIN_WORD = 4;

const HAN = /\p{Script=Han}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** An answer or a name in the forms they are compared in. */
interface Form {
  /** As typed, trimmed: for names without letters (👍). */
  raw: string;
  /** Normalized, Traditional Chinese as Simplified. */
  canonical: string;
  /** The canonical words. */
  words: string[];
  /** The canonical text without spaces, for Chinese. */
  compact: string;
}

function formOf(text: string): Form {
  const canonical = normalizeUtterance(toSimplified(text));
  return {
    raw: text.trim(),
    canonical,
    words: canonical ? canonical.split(' ') : [],
    compact: canonical.replace(/ /g, ''),
  };
}

/**
 * True when two words are the same word as customers write it: equal, the same stem with
 * another ending (Latvian and Spanish inflection: "mazs"/"maza", "pequeña"/"pequeño"), or one
 * typo apart in a longer word ("jakcet").
 */
export function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  if (HAN.test(a) || HAN.test(b) || /^\d+$/.test(a) || /^\d+$/.test(b)) return false;
  const shorter = Math.min(a.length, b.length);
  const longer = Math.max(a.length, b.length);
  let prefix = 0;
  while (prefix < shorter && a[prefix] === b[prefix]) prefix += 1;
  if (prefix >= 3 && prefix >= longer - 2 && prefix >= shorter - 1) return true;
  return shorter >= 5 && withinOneEdit(a, b);
}

/** Damerau–Levenshtein distance of at most 1 (one insertion, deletion, change or swap). */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  if (i === a.length || i === b.length) return true;
  const restA = a.slice(i + 1);
  const restB = b.slice(i + 1);
  if (a.length === b.length) {
    return restA === restB || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Where a name was found in the answer: word positions, or character positions for Chinese and emoji. */
interface Found {
  index: number;
  name: string;
  unit: 'word' | 'char' | 'raw';
  start: number;
  end: number;
}

/** Every place the whole of `name` occurs in the answer. */
function occurrences(answer: Form, name: Form, exactWords: boolean): Omit<Found, 'index' | 'name'>[] {
  if (!name.canonical) {
    if (!name.raw || LETTER_OR_DIGIT.test(name.raw)) return [];
    const at = answer.raw.indexOf(name.raw);
    return at < 0 ? [] : [{ unit: 'raw', start: at, end: at + name.raw.length }];
  }
  if (HAN.test(name.compact)) {
    const found: Omit<Found, 'index' | 'name'>[] = [];
    for (
      let at = answer.compact.indexOf(name.compact);
      at >= 0;
      at = answer.compact.indexOf(name.compact, at + 1)
    )
      found.push({ unit: 'char', start: at, end: at + name.compact.length });
    return found;
  }
  // A one-letter name ("y", "n", "s") only counts as the whole answer: inside a sentence it is noise ("it's").
  if (name.words.length === 1 && name.compact.length === 1) return [];
  const found: Omit<Found, 'index' | 'name'>[] = [];
  const same = exactWords ? (a: string, b: string) => a === b : sameWord;
  for (let start = 0; start + name.words.length <= answer.words.length; start += 1) {
    if (name.words.every((word, k) => same(answer.words[start + k]!, word)))
      found.push({ unit: 'word', start, end: start + name.words.length });
  }
  return found;
}

/**
 * The one choice the found names point to. A name inside a longer name of another choice found
 * at the same place does not count ("好" inside "不好", "ok" inside "not ok"); names of two
 * different choices left over are no answer ("yes… no").
 */
function decide(found: Found[]): Found | undefined {
  const kept = found.filter(
    (a) =>
      !found.some(
        (b) =>
          b !== a &&
          b.index !== a.index &&
          b.unit === a.unit &&
          b.start <= a.start &&
          b.end >= a.end &&
          b.end - b.start > a.end - a.start,
      ),
  );
  if (new Set(kept.map((entry) => entry.index)).size !== 1) return undefined;
  return kept.reduce((best, entry) => (entry.end - entry.start > best.end - best.start ? entry : best));
}

/** The names a choice answers to: its value, then its synonyms. */
function namesOf(choice: Choice): string[] {
  return [choice.value, ...(choice.synonyms ?? [])].filter((name) => name.trim() !== '');
}

/** "2", "#2", "nr 2", "2号": the position of a choice, when the short answer holds one number. */
function numberIn(answer: Form): number | undefined {
  if (answer.words.length > 3) return undefined;
  const numbers = answer.canonical.match(/\d+/g) ?? [];
  return numbers.length === 1 ? Number(numbers[0]) : undefined;
}

function ordinalIn(answer: Form, ordinals: NonNullable<ChoiceMatchOptions['ordinals']>, count: number) {
  const found: Found[] = [];
  const lists = [...ordinals.byPosition.slice(0, count), ordinals.last];
  lists.forEach((words, position) => {
    const index = position === lists.length - 1 ? count - 1 : position;
    for (const word of words) {
      for (const at of occurrences(answer, formOf(word), true)) found.push({ ...at, index, name: word });
    }
  });
  return decide(found);
}

/** Share of a name's words (or, in Chinese, character pairs) the answer contains. */
function partialScore(answer: Form, name: Form): number {
  if (HAN.test(name.compact)) {
    const pairs = name.compact.length === 1 ? [name.compact] : [];
    for (let k = 0; k + 2 <= name.compact.length; k += 1) pairs.push(name.compact.slice(k, k + 2));
    const hits = pairs.filter((pair) => HAN.test(pair) && answer.compact.includes(pair)).length;
    return pairs.length === 0 ? 0 : hits / pairs.length;
  }
  if (name.words.length === 0) return 0;
  const hits = name.words.filter(
    (word) =>
      (word.length >= PARTIAL_MIN_WORD || /^\d+$/.test(word)) &&
      answer.words.some((typed) => sameWord(typed, word)),
  ).length;
  return hits / name.words.length;
}

function partialIn(answer: Form, choices: readonly Choice[]): ChoiceMatch | undefined {
  const best = choices.map((choice, index) => {
    let top = { score: 0, name: choice.value };
    for (const name of namesOf(choice)) {
      const score = partialScore(answer, formOf(name));
      if (score > top.score) top = { score, name };
    }
    return { index, ...top };
  });
  best.sort((a, b) => b.score - a.score);
  const [first, second] = best;
  if (!first || first.score === 0 || (second && second.score === first.score)) return undefined;
  return { index: first.index, kind: 'partial', score: first.score, name: first.name };
}

/**
 * Which of `choices` an answer picks, in this order: the whole answer is a choice's name or
 * synonym; a number or ordinal word ("2", "the second one", "第二个", "otro"); a name or synonym
 * inside the answer ("it does not fit" has "does not fit"); with `partial`, the choice most of
 * whose meaningful words the answer has. Case, accents, punctuation, Traditional vs Simplified
 * Chinese and spaces in Chinese do not matter. An answer that fits two choices equally picks none.
 */
export function matchChoice(
  text: string,
  choices: readonly Choice[],
  options: ChoiceMatchOptions,
): ChoiceMatch | undefined {
  const answer = formOf(text);
  if (!answer.raw || choices.length === 0) return undefined;
  const forms = choices.map((choice) => namesOf(choice).map((name) => ({ name, form: formOf(name) })));

  for (const [index, names] of forms.entries()) {
    const hit = names.find(
      ({ form }) =>
        (form.canonical !== '' && form.compact === answer.compact) ||
        (form.canonical === '' && form.raw === answer.raw),
    );
    if (hit) return { index, kind: 'exact', score: 1, name: hit.name };
  }

  const short =
    answer.words.length <= MAX_ORDINAL_ANSWER_WORDS &&
    (!HAN.test(answer.compact) || answer.compact.length <= MAX_ORDINAL_ANSWER_HAN);
  if (short && options.numbers) {
    const number = numberIn(answer);
    if (number !== undefined && number >= 1 && number <= choices.length)
      return { index: number - 1, kind: 'ordinal', score: 1, name: String(number) };
  }
  if (short && options.ordinals) {
    const ordinal = ordinalIn(answer, options.ordinals, choices.length);
    if (ordinal) return { index: ordinal.index, kind: 'ordinal', score: 1, name: ordinal.name };
  }

  const found: Found[] = [];
  for (const [index, names] of forms.entries()) {
    for (const { name, form } of names) {
      for (const at of occurrences(answer, form, false)) found.push({ ...at, index, name });
    }
  }
  const phrase = decide(found);
  if (phrase) {
    const length = phrase.unit === 'word' ? answer.words.length : answer.compact.length;
    return {
      index: phrase.index,
      kind: 'phrase',
      score: Math.min(1, (phrase.end - phrase.start) / Math.max(1, length)),
      name: phrase.name,
    };
  }
  if (found.length > 0) return undefined;
  return options.partial ? partialIn(answer, choices) : undefined;
}
