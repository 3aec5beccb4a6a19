import type { TurnContext } from 'botbuilder';
import { DateTime, IANAZone } from 'luxon';
import type { OrderItem } from '../services/types';

/**
 * Dates as the customer reads them: in the turn's locale, and in the customer's own timezone
 * when the channel tells it (`activity.localTimezone`), else the shop's. Times of day (slots,
 * bookings, locks) are always shown in shop time: see `shopTimes.ts`.
 */

/** The timezone to show the day of an instant in (when an order was placed, delivered). */
export function customerZone(context: TurnContext, shopZone: string): string {
  const zone = context.activity.localTimezone;
  return zone && IANAZone.isValidZone(zone) ? zone : shopZone;
}

/** Formatted dates remembered at most; beyond, all are forgotten at once. */
const MAX_REMEMBERED = 5_000;
const remembered = new Map<string, string>();

/**
 * `format` of these inputs, remembered. NOTE: luxon builds a DateTime, a locale and an Intl
 * formatter on every call (about 2 % of a turn in the order status), while the output depends
 * on the inputs only and the same orders' dates are shown over and over.
 */
function rememberedFormat(
  kind: string,
  value: string,
  locale: string,
  zone: string,
  format: () => string,
): string {
  const key = `${kind}\u0000${value}\u0000${locale}\u0000${zone}`;
  let text = remembered.get(key);
  if (text === undefined) {
    text = format();
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(key, text);
  }
  return text;
}

/** A calendar day (`yyyy-MM-dd`, shop timezone) such as "June 13, 2025" / "13 de junio de 2025". */
export function formatDay(day: string, locale: string, shopZone: string): string {
  return rememberedFormat('day', day, locale, shopZone, () =>
    DateTime.fromISO(day, { zone: shopZone }).setLocale(locale).toLocaleString(DateTime.DATE_FULL),
  );
}

/** A calendar day with its weekday: "Thursday, June 12, 2025" / "jueves, 12 de junio de 2025". */
export function formatWeekday(day: string, locale: string, shopZone: string): string {
  return rememberedFormat('weekday', day, locale, shopZone, () =>
    DateTime.fromISO(day, { zone: shopZone }).setLocale(locale).toLocaleString(DateTime.DATE_HUGE),
  );
}

/** The day of an instant, in `zone`. */
export function formatInstantDay(instant: string, locale: string, zone: string): string {
  return rememberedFormat('instant', instant, locale, zone, () =>
    DateTime.fromISO(instant, { zone }).setLocale(locale).toLocaleString(DateTime.DATE_FULL),
  );
}

/** Items as one line: "2 × Merino base-layer briefs, M; Rain jacket, M". */
export function itemList(items: readonly Pick<OrderItem, 'name' | 'quantity'>[]): string {
  return items.map((item) => (item.quantity > 1 ? `${item.quantity} × ${item.name}` : item.name)).join('; ');
}

/** Today in the shop's timezone (`yyyy-MM-dd`). */
export function shopToday(now: Date, shopZone: string): string {
  return DateTime.fromJSDate(now, { zone: shopZone }).toISODate() ?? '';
}
