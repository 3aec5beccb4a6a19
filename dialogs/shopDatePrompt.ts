import type { TurnContext } from 'botbuilder';
import {
  DateTimePrompt,
  type DateTimeResolution,
  type PromptOptions,
  type PromptRecognizerResult,
} from 'botbuilder-dialogs';
import { DateTime } from 'luxon';
import { recognizeDay, type RequestedDay } from '../bot/language/customerDates';
import { turnLanguage } from '../bot/middleware';
import type { Clock } from '../services/types';

export { recognizeDay, type RequestedDay } from '../bot/language/customerDates';

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
    return Promise.resolve({ succeeded: true, value: dayResolution(day) });
  }
}

/** A day as the resolution a {@link ShopDatePrompt} succeeds with (for a day known without asking). */
export function dayResolution(day: RequestedDay): DateTimeResolution[] {
  return [
    day.time
      ? { timex: `${day.date}T${day.time}`, type: 'datetime', value: `${day.date} ${day.time}:00` }
      : { timex: day.date, type: 'date', value: day.date },
  ];
}

/** The day a {@link ShopDatePrompt} recognized. */
export function requestedDayOf(result: unknown): RequestedDay | undefined {
  const value = (result as DateTimeResolution[] | undefined)?.[0]?.value;
  if (!value) return undefined;
  const [date = '', time] = value.split(' ');
  return time ? { date, time: time.slice(0, 5) } : { date };
}
