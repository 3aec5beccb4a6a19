import { DateTime } from 'luxon';
import type { DayMention } from './customerDates';

/**
 * Days typed in Latvian, which Recognizers-Text has no model for: relative days (šodien, rīt,
 * parīt, aizparīt, vakar, aizvakar, "pēc 3 dienām", "pēc nedēļas"), weekdays in any case
 * (pirmdiena, pirmdien, pirmdienā, "nākamajā pirmdienā"), day and month ("15. martā",
 * "2026. gada 15. martā", "15 marts"), numeric dates (15.03., 15.03.2026, 2026-03-15) and a time
 * of day ("plkst. 17:00", "pulksten 9", "17:30"). Matching is without diacritics, as customers often type
 * without them ("ritdien", "tresdien").
 */

/** Relative days by their word, diacritics removed. */
const RELATIVE_DAYS: Readonly<Record<string, number>> = {
  sodien: 0,
  rit: 1,
  parit: 2,
  aizparit: 3,
  vakar: -1,
  aizvakar: -2,
};

/** Weekday stems, Monday first: every case form of the name starts with one ("pirmdien-a/-ā/-as/-u"). */
const WEEKDAY_STEMS = [
  'pirmdien',
  'otrdien',
  'tresdien',
  'ceturtdien',
  'piektdien',
  'sestdien',
  'svetdien',
] as const;

/**
 * Month stems and abbreviations, January first. A month word is its stem plus one of
 * {@link MONTH_ENDINGS} (janvāris, janvāra, janvārī, janvāri) or an abbreviation (janv., sept.).
 */
const MONTHS: readonly { stem: string; short: readonly string[] }[] = [
  { stem: 'janvar', short: ['jan', 'janv'] },
  { stem: 'februar', short: ['feb', 'febr'] },
  { stem: 'mart', short: ['mar'] },
  { stem: 'april', short: ['apr'] },
  { stem: 'maij', short: [] },
  { stem: 'junij', short: ['jun'] },
  { stem: 'julij', short: ['jul'] },
  { stem: 'august', short: ['aug'] },
  { stem: 'septembr', short: ['sep', 'sept'] },
  { stem: 'oktobr', short: ['okt'] },
  { stem: 'novembr', short: ['nov'] },
  { stem: 'decembr', short: ['dec'] },
];
const MONTH_ENDINGS = ['', 's', 'is', 'a', 'i', 'u', 'am'];

/** "nākamajā", "nākamo", "nākošajā", "nākamā": the next one, a week ahead when it is today. */
const NEXT = /^nak(?:am|os)/;

/**
 * The text folded for matching: lower case, no diacritics, and as long as `text` (UTF-16 units),
 * so a match's index and length are the same in both.
 */
function fold(text: string): string {
  return Array.from(text, (char) => {
    const folded = char.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    return folded.length === char.length ? folded : char;
  }).join('');
}

function monthOf(word: string): number | undefined {
  const index = MONTHS.findIndex(
    ({ stem, short }) =>
      short.includes(word) || (word.startsWith(stem) && MONTH_ENDINGS.includes(word.slice(stem.length))),
  );
  return index >= 0 ? index + 1 : undefined;
}

/** A time of day in the text: "plkst. 17:00", "plkst. 17.30", "pulksten 9", "17:30". */
function timeIn(folded: string): { time: string; index: number; length: number } | undefined {
  const match =
    /(?:plkst\.?|pulksten)\s*(\d{1,2})(?:[:.](\d{2}))?/.exec(folded) ??
    /(?<![\d.:])(\d{1,2}):(\d{2})(?![\d:])/.exec(folded);
  if (!match?.[1]) return undefined;
  const hour = Number(match[1]);
  const minute = Number(match[2] ?? '0');
  if (hour > 23 || minute > 59) return undefined;
  return {
    time: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
    index: match.index,
    length: match[0].length,
  };
}

/** A day of the year that has not passed yet: this year's, else next year's. */
function nextOccurrence(now: DateTime, month: number, day: number): DateTime | undefined {
  const thisYear = DateTime.fromObject({ year: now.year, month, day }, { zone: now.zone });
  if (!thisYear.isValid) return undefined;
  return thisYear.startOf('day') >= now.startOf('day') ? thisYear : thisYear.plus({ years: 1 });
}

function calendarDay(year: number, month: number, day: number, now: DateTime): DateTime | undefined {
  const date = DateTime.fromObject({ year, month, day }, { zone: now.zone });
  return date.isValid ? date : undefined;
}

interface Found {
  date: DateTime;
  index: number;
  length: number;
}

/** A numeric date: 2026-03-15, 15.03.2026, 15.03.26 or 15.03. (the trailing dot tells it from a time). */
function numericDate(folded: string, now: DateTime): Found | undefined {
  const iso = /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/.exec(folded);
  if (iso) {
    const date = calendarDay(Number(iso[1]), Number(iso[2]), Number(iso[3]), now);
    if (date) return { date, index: iso.index, length: iso[0].length };
  }
  const dotted = /(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2}(?!\d))?/.exec(folded);
  if (dotted) {
    const day = Number(dotted[1]);
    const month = Number(dotted[2]);
    const year = dotted[3] ? Number(dotted[3].length === 2 ? `20${dotted[3]}` : dotted[3]) : undefined;
    const date = year ? calendarDay(year, month, day, now) : nextOccurrence(now, month, day);
    if (date) return { date, index: dotted.index, length: dotted[0].length };
  }
  return undefined;
}

/** "15. martā", "15 marts", "2026. gada 15. martā", "decembra 24." */
function dayAndMonth(folded: string, now: DateTime): Found | undefined {
  const dayFirst = /(?:(\d{4})\.?\s*(?:g\.|gada)\s*)?(\d{1,2})\.?\s*(\p{L}+)\.?/gu;
  const monthFirst = /(\p{L}+)\.?\s+(\d{1,2})\./gu;
  const found: Found[] = [];
  // NOTE: two patterns, not one alternation: a failed "word 15." must not consume "15. martā".
  for (const match of folded.matchAll(dayFirst)) {
    const month = monthOf(match[3] ?? '');
    const date = month ? dated(match[1], month, Number(match[2]), now) : undefined;
    if (date) found.push({ date, index: match.index, length: match[0].length });
  }
  for (const match of folded.matchAll(monthFirst)) {
    const month = monthOf(match[1] ?? '');
    const date = month ? dated(undefined, month, Number(match[2]), now) : undefined;
    if (date) found.push({ date, index: match.index, length: match[0].length });
  }
  return found.sort((a, b) => a.index - b.index)[0];
}

/** The day in the given year, else its next occurrence. */
function dated(year: string | undefined, month: number, day: number, now: DateTime): DateTime | undefined {
  if (!day) return undefined;
  return year ? calendarDay(Number(year), month, day, now) : nextOccurrence(now, month, day);
}

/** "šodien", "rīt", "pēc 3 dienām", "pēc nedēļas", "otrdien", "nākamajā otrdienā". */
function relativeDay(folded: string, now: DateTime): Found | undefined {
  const after = /pec\s+(?:(\d{1,2})\s+dien\p{L}*|nedel\p{L}*)/u.exec(folded);
  if (after) {
    const days = after[1] ? Number(after[1]) : 7;
    return { date: now.plus({ days }), index: after.index, length: after[0].length };
  }
  const tokens = [...folded.matchAll(/\p{L}+/gu)];
  for (const [position, token] of tokens.entries()) {
    const word = token[0];
    // "rītdien", "rītdiena", "uz rītdienu": tomorrow in any case.
    const offset = RELATIVE_DAYS[word] ?? (word.startsWith('ritdien') ? 1 : undefined);
    if (offset !== undefined) {
      return { date: now.plus({ days: offset }), index: token.index, length: word.length };
    }
    const weekday = WEEKDAY_STEMS.findIndex((stem) => word.startsWith(stem));
    if (weekday < 0) continue;
    const previous = tokens[position - 1];
    const next = previous !== undefined && NEXT.test(previous[0]);
    // "otrdien" on a Tuesday is today; "nākamajā otrdienā" on a Tuesday is a week ahead.
    const ahead = (weekday + 1 - now.weekday + 7) % 7 || (next ? 7 : 0);
    const start = next ? previous.index : token.index;
    return { date: now.plus({ days: ahead }), index: start, length: token.index + word.length - start };
  }
  return undefined;
}

/**
 * The day a Latvian text names, relative to `now` (in the shop's timezone), with the words that
 * name it (and the time, when one is given).
 */
export function findLatvianDay(text: string, now: DateTime): DayMention | undefined {
  const folded = fold(text);
  const found = numericDate(folded, now) ?? dayAndMonth(folded, now) ?? relativeDay(folded, now);
  // The time is looked for outside the date, so "15.03." is not read as a quarter past three.
  const rest = found
    ? folded.slice(0, found.index) + ' '.repeat(found.length) + folded.slice(found.index + found.length)
    : folded;
  const time = timeIn(rest);
  if (!found && !time) return undefined;
  const date = (found?.date ?? now).toISODate() ?? '';
  const start = Math.min(found?.index ?? Infinity, time?.index ?? Infinity);
  const end = Math.max(found ? found.index + found.length : 0, time ? time.index + time.length : 0);
  return {
    day: time ? { date, time: time.time } : { date },
    text: text.slice(start, end),
  };
}
