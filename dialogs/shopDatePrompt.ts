import { recognizeDateTime } from '@microsoft/recognizers-text-date-time';
import type { TurnContext } from 'botbuilder';
import {
  DateTimePrompt,
  type DateTimeResolution,
  type PromptOptions,
  type PromptRecognizerResult,
} from 'botbuilder-dialogs';
import { DateTime } from 'luxon';
import { turnLanguage } from '../bot/middleware';
import type { Clock } from '../services/types';

/** A day the customer asked for, in the shop's timezone, with a time when they gave one. */
export interface RequestedDay {
  /** `yyyy-MM-dd`. */
  date: string;
  /** `HH:mm`. */
  time?: string;
}

/**
 * Cultures of the installed @microsoft/recognizers-text-date-time (1.1.4) for our locales. It
 * has English, Spanish, Portuguese, French and Chinese date-time models; Chinese reads the
 * traditional forms too (下週二), so zh-TW uses it. Latvian has no model: see {@link FALLBACK_WORDS}.
 */
const RECOGNIZER_CULTURES: Readonly<Record<string, string>> = {
  en: 'en-us',
  es: 'es-es',
  zh: 'zh-cn',
};

/** Relative-day words of a language the recognizer has no model for (without diacritics). */
interface RelativeWords {
  /** Words meaning today, tomorrow and the day after tomorrow. */
  days: readonly (readonly string[])[];
  /** Stems of the weekday names, Monday first; inflected forms start with them. */
  weekdays: readonly string[];
}

const FALLBACK_WORDS: Readonly<Record<string, RelativeWords>> = {
  lv: {
    days: [['sodien'], ['rit'], ['parit']],
    weekdays: ['pirmdien', 'otrdien', 'tresdien', 'ceturtdien', 'piektdien', 'sestdien', 'svetdien'],
  },
};

const DAY_TYPES = new Set(['date', 'datetime', 'daterange', 'datetimerange', 'time']);

/**
 * The day in `text` ("tomorrow", "next Tuesday", "el martes", "下周二", "20 June"), relative to
 * `now` (a DateTime in the shop's timezone). Ambiguous days ("Tuesday") resolve to the next one,
 * not the last; an explicit past date is returned as it is, for the dialog to refuse.
 */
export function recognizeDay(text: string, locale: string, now: DateTime): RequestedDay | undefined {
  const language = locale.split('-')[0]?.toLowerCase() ?? 'en';
  const culture = RECOGNIZER_CULTURES[language];
  if (culture) return fromRecognizer(text, culture, now);
  const words = FALLBACK_WORDS[language];
  // Without a model for the language, its own relative words, then the English model (which
  // still reads numeric and ISO dates such as 2025-06-20).
  return (words ? fromWords(text, words, now) : undefined) ?? fromRecognizer(text, 'en-us', now);
}

function fromRecognizer(text: string, culture: string, now: DateTime): RequestedDay | undefined {
  // NOTE: the recognizer reads the reference date's local fields, so it gets the shop's wall clock.
  const reference = new Date(now.year, now.month - 1, now.day, now.hour, now.minute, now.second);
  const today = now.toISODate() ?? '';
  const candidates: RequestedDay[] = [];
  for (const result of recognizeDateTime(text, culture, undefined, reference)) {
    const values = (result.resolution as { values?: Record<string, string>[] } | undefined)?.values ?? [];
    for (const value of values) {
      const day = dayOf(value, today);
      if (day && value.type && DAY_TYPES.has(value.type)) candidates.push(day);
    }
    if (candidates.length > 0) break;
  }
  return candidates.find((day) => day.date >= today) ?? candidates.at(-1);
}

function dayOf(value: Record<string, string>, today: string): RequestedDay | undefined {
  const text = value.value ?? value.start;
  if (!text) return undefined;
  if (value.type === 'time') return { date: today, time: text.slice(0, 5) };
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}))?/.exec(text);
  if (!match?.[1]) return undefined;
  return match[2] ? { date: match[1], time: match[2] } : { date: match[1] };
}

function fromWords(text: string, words: RelativeWords, now: DateTime): RequestedDay | undefined {
  const tokens = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}]+/u)
    .filter(Boolean);
  for (const token of tokens) {
    const offset = words.days.findIndex((forms) => forms.includes(token));
    if (offset >= 0) return { date: now.plus({ days: offset }).toISODate() ?? '' };
    const weekday = words.weekdays.findIndex((stem) => token.startsWith(stem));
    if (weekday >= 0) {
      const ahead = (weekday + 1 - now.weekday + 7) % 7;
      return { date: now.plus({ days: ahead }).toISODate() ?? '' };
    }
  }
  return undefined;
}

/**
 * botbuilder's DateTimePrompt, reading the day in the turn's language (the customer's choice,
 * not only the channel's `activity.locale`) relative to now in the shop's timezone. Succeeds with
 * one resolution whose `value` is `yyyy-MM-dd` or `yyyy-MM-dd HH:mm:00`.
 */
export class ShopDatePrompt extends DateTimePrompt {
  constructor(
    dialogId: string,
    private readonly clock: Clock,
    private readonly shopZone: string,
  ) {
    super(dialogId);
  }

  protected override onRecognize(
    context: TurnContext,
    _state: object,
    _options: PromptOptions,
  ): Promise<PromptRecognizerResult<DateTimeResolution[]>> {
    const text = context.activity.text ?? '';
    const now = DateTime.fromJSDate(this.clock.now(), { zone: this.shopZone });
    const day = text.trim() ? recognizeDay(text, turnLanguage(context).locale, now) : undefined;
    if (!day) return Promise.resolve({ succeeded: false });
    const resolution: DateTimeResolution = day.time
      ? { timex: `${day.date}T${day.time}`, type: 'datetime', value: `${day.date} ${day.time}:00` }
      : { timex: day.date, type: 'date', value: day.date };
    return Promise.resolve({ succeeded: true, value: [resolution] });
  }
}

/** The day a {@link ShopDatePrompt} recognized. */
export function requestedDayOf(result: unknown): RequestedDay | undefined {
  const value = (result as DateTimeResolution[] | undefined)?.[0]?.value;
  if (!value) return undefined;
  const [date = '', time] = value.split(' ');
  return time ? { date, time: time.slice(0, 5) } : { date };
}
