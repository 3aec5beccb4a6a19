import { recognizeDateTime } from '@microsoft/recognizers-text-date-time';
import type { DateTime } from 'luxon';
import { toSimplified } from './chineseScript';
import { findLatvianDay } from './latvianDates';

/** A day the customer asked for, in the shop's timezone, with a time when they gave one. */
export interface RequestedDay {
  /** `yyyy-MM-dd`. */
  date: string;
  /** `HH:mm`. */
  time?: string;
}

/** A day found in a message, and the words that name it ("next Tuesday at 5pm"). */
export interface DayMention {
  day: RequestedDay;
  text: string;
}

/**
 * Cultures of the installed @microsoft/recognizers-text-date-time (1.1.4) for our languages: it
 * has English, Spanish and Chinese (Simplified) date-time models. Traditional Chinese is
 * converted to Simplified before it; Latvian has its own reader ({@link findLatvianDay}).
 */
const RECOGNIZER_CULTURES: Readonly<Record<string, string>> = {
  en: 'en-us',
  es: 'es-es',
  zh: 'zh-cn',
};

/**
 * Words a culture's model takes for a time or a day that in a sentence are almost never one:
 * English "may I", Spanish "una"/"un" (one o'clock, unless "a la una") and "mi" (read as
 * miércoles). They are
 * blanked with spaces of the same length, so the positions of the other words stay.
 */
const FALSE_FRIENDS: Readonly<Record<string, RegExp>> = {
  'en-us': /\bmay(?=\s+(?:i|we|you|he|she|they)\b)/giu,
  'es-es': /(?<!\b(?:la|las)\s+)\b(?:una|un|mi)\b/giu,
};

const DAY_TYPES = new Set(['date', 'datetime', 'daterange', 'datetimerange', 'time']);

/**
 * The day in `text` ("tomorrow", "next Tuesday", "el martes", "下周二", "下週二", "rīt",
 * "15. martā", "20 June"), relative to `now` (a DateTime in the shop's timezone), with the words
 * naming it. Ambiguous days ("Tuesday") resolve to the next one, not the last; an explicit past
 * date is returned as it is, for the dialog to refuse.
 */
export function findDay(text: string, locale: string, now: DateTime): DayMention | undefined {
  const language = locale.split(/[-_]/)[0]?.toLowerCase() ?? 'en';
  if (language === 'lv') {
    // The English model still reads what the Latvian reader doesn't (e.g. "June 20").
    return findLatvianDay(text, now) ?? fromRecognizer(text, 'en-us', now);
  }
  const culture = RECOGNIZER_CULTURES[language] ?? 'en-us';
  return fromRecognizer(language === 'zh' ? toSimplified(text) : text, culture, now);
}

/** The day in `text`, as {@link findDay}, without the words. */
export function recognizeDay(text: string, locale: string, now: DateTime): RequestedDay | undefined {
  return findDay(text, locale, now)?.day;
}

function fromRecognizer(text: string, culture: string, now: DateTime): DayMention | undefined {
  // NOTE: the recognizer reads the reference date's local fields, so it gets the shop's wall clock.
  const reference = new Date(now.year, now.month - 1, now.day, now.hour, now.minute, now.second);
  const today = now.toISODate() ?? '';
  const candidates: DayMention[] = [];
  const falseFriends = FALSE_FRIENDS[culture];
  const read = falseFriends ? text.replace(falseFriends, (word) => ' '.repeat(word.length)) : text;
  for (const result of safelyRecognized(read, culture, reference)) {
    const values = (result.resolution as { values?: Record<string, string>[] } | undefined)?.values ?? [];
    for (const value of values) {
      const day = dayOf(value, today);
      if (day && value.type && DAY_TYPES.has(value.type)) {
        candidates.push({ day, text: text.slice(result.start, result.end + 1) });
      }
    }
    if (candidates.length > 0) break;
  }
  return candidates.find((mention) => mention.day.date >= today) ?? candidates.at(-1);
}

/**
 * Parts of the day the Chinese model (1.1.4) crashes on in some sentences ("早上好呀",
 * "禮拜六早上還有空檔嗎" throw a TypeError inside its time parser).
 */
const CHINESE_PARTS_OF_DAY = /早上|早晨|上午|中午|下午|傍晚|晚上|早安|晚安/gu;

/**
 * recognizeDateTime, which must not take a turn down with it: NOTE: when the model throws, the
 * Chinese text is read once more without its parts of the day (so 禮拜六早上 still gives
 * Saturday), and otherwise no day is found.
 */
function safelyRecognized(
  text: string,
  culture: string,
  reference: Date,
): ReturnType<typeof recognizeDateTime> {
  try {
    return recognizeDateTime(text, culture, undefined, reference);
  } catch {
    if (culture !== 'zh-cn') return [];
    const withoutPartsOfDay = text.replace(CHINESE_PARTS_OF_DAY, (words) => ' '.repeat(words.length));
    if (withoutPartsOfDay === text) return [];
    try {
      return recognizeDateTime(withoutPartsOfDay, culture, undefined, reference);
    } catch {
      return [];
    }
  }
}

function dayOf(value: Record<string, string>, today: string): RequestedDay | undefined {
  const text = value.value ?? value.start;
  if (!text) return undefined;
  if (value.type === 'time') return { date: today, time: text.slice(0, 5) };
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}))?/.exec(text);
  if (!match?.[1]) return undefined;
  return match[2] ? { date: match[1], time: match[2] } : { date: match[1] };
}
