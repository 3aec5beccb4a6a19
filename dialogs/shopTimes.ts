import type { TurnContext } from 'botbuilder';
import { DateTime, IANAZone } from 'luxon';
import type { Translate } from '../bot/i18n';
import { turnLanguage } from '../bot/middleware';
import type { Slot } from '../services/types';

/** A short day and a time in one: "Thu, Jun 12, 4:45 PM" / "jue, 12 jun, 16:45". */
const DAY_AND_TIME: Intl.DateTimeFormatOptions = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: 'numeric',
  minute: '2-digit',
};

/**
 * Times as a customer reads them (appointments, the end of a lock). NOTE: always in the shop's
 * timezone, because the appointment is at the shop; a customer whose channel reports another
 * timezone (`activity.localTimezone`) is told which zone the times are in ("4:45 PM (Central
 * European Time)"), rather than shown their own clock's time (a customer in London was offered
 * 8:30 for a shop in Madrid opening at 9:30). The zone's name comes from Intl, in the
 * customer's language.
 */
export class ShopTimes {
  private constructor(
    private readonly t: Translate,
    private readonly locale: string,
    private readonly shopZone: string,
    private readonly customerZone: string | undefined,
  ) {}

  /** The times of this turn: its language, the shop's zone and the customer's, when known. */
  static of(context: TurnContext, shopZone: string): ShopTimes {
    const { t, locale } = turnLanguage(context);
    const zone = context.activity.localTimezone;
    return new ShopTimes(t, locale, shopZone, zone && IANAZone.isValidZone(zone) ? zone : undefined);
  }

  /** The day of an instant at the shop: "Thursday, June 12, 2025". */
  day(instant: string): string {
    return this.at(instant).toLocaleString(DateTime.DATE_HUGE);
  }

  /** The time of an instant at the shop, with the zone named when the customer's differs. */
  time(instant: string): string {
    const time = this.at(instant).toLocaleString(DateTime.TIME_SIMPLE);
    const zone = this.zoneNameAt(instant);
    return zone ? this.t('shopTimes.timeInZone', { time, zone }) : time;
  }

  /**
   * A slot as a choice: its time, with its short day in front when `withDay` (a list that is
   * not all on the day the question names). The zone goes in {@link zoneNote}, once per list.
   */
  slotLabel(slot: Slot, withDay: boolean): string {
    const start = this.at(slot.start);
    return withDay ? start.toLocaleString(DAY_AND_TIME) : start.toLocaleString(DateTime.TIME_SIMPLE);
  }

  /** "Times are in Central European Time." under a list of times, when the customer's zone differs. */
  zoneNote(slots: readonly Slot[]): string | undefined {
    const zone = slots.map((slot) => this.zoneNameAt(slot.start)).find(Boolean);
    return zone ? this.t('shopTimes.timesInZone', { zone }) : undefined;
  }

  /** The shop's date (`yyyy-MM-dd`) of an instant. */
  shopDate(instant: string): string {
    return this.at(instant).toISODate() ?? '';
  }

  private at(instant: string): DateTime {
    return DateTime.fromISO(instant, { zone: this.shopZone }).setLocale(this.locale);
  }

  /** The shop zone's name when the customer's clock shows another time at `instant`. */
  private zoneNameAt(instant: string): string | undefined {
    if (!this.customerZone) return undefined;
    const at = DateTime.fromISO(instant);
    if (at.setZone(this.shopZone).offset === at.setZone(this.customerZone).offset) return undefined;
    const parts = new Intl.DateTimeFormat(this.locale, {
      timeZone: this.shopZone,
      timeZoneName: 'longGeneric',
    }).formatToParts(at.toJSDate());
    return parts.find((part) => part.type === 'timeZoneName')?.value ?? this.shopZone;
  }
}
