import { DateTime } from 'luxon';
import type { Slot } from './types';

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** A time range in the shop's local time, `HH:mm`. */
export interface OpeningRange {
  open: string;
  close: string;
}

/** When the shop takes appointments. */
export interface ShopSchedule {
  /** IANA timezone of the shop, e.g. `Europe/Madrid`; opening hours and days are in it. */
  timezone: string;
  /** Opening ranges per weekday; a missing or empty day is closed. */
  openingHours: Partial<Record<Weekday, OpeningRange[]>>;
  /** Days the shop is closed (`yyyy-MM-dd`). */
  holidays: readonly string[];
  /** Slots starting sooner than this after now are not offered. */
  minNoticeMinutes: number;
}

export interface ScheduledService {
  durationMinutes: number;
  /** Appointments of this service that can run at the same time (staff, rooms). */
  capacity: number;
}

/** A booked time range (ISO instants). */
export type BookedRange = Slot;

/** True when `date` (`yyyy-MM-dd` in the shop's timezone) has opening hours and is no holiday. */
export function isOpenDay(schedule: ShopSchedule, date: string): boolean {
  const day = DateTime.fromISO(date, { zone: schedule.timezone });
  if (!day.isValid || schedule.holidays.includes(date)) return false;
  return (schedule.openingHours[day.weekday] ?? []).length > 0;
}

/**
 * Free slots of a service for `days` days from `from` (shop timezone), earliest first: slots of
 * the service's duration laid back to back inside each opening range, on open non-holiday days,
 * starting at least `minNoticeMinutes` after `now`, where fewer than `capacity` bookings overlap.
 * Computed in the shop's timezone, so a daylight-saving change moves nothing.
 */
export function computeFreeSlots(input: {
  schedule: ShopSchedule;
  service: ScheduledService;
  from: string;
  days: number;
  bookings: readonly BookedRange[];
  now: Date;
}): Slot[] {
  const { schedule, service, bookings } = input;
  const first = DateTime.fromISO(input.from, { zone: schedule.timezone }).startOf('day');
  if (!first.isValid) return [];
  const earliest = input.now.getTime() + schedule.minNoticeMinutes * 60_000;
  const booked = bookings.map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) }));
  const slots: Slot[] = [];
  for (let offset = 0; offset < Math.max(1, input.days); offset++) {
    const day = first.plus({ days: offset });
    const date = day.toISODate() ?? '';
    if (!isOpenDay(schedule, date)) continue;
    for (const range of schedule.openingHours[day.weekday] ?? []) {
      const close = atTime(day, range.close);
      for (
        let start = atTime(day, range.open);
        start.plus({ minutes: service.durationMinutes }) <= close;
        start = start.plus({ minutes: service.durationMinutes })
      ) {
        const end = start.plus({ minutes: service.durationMinutes });
        const startMs = start.toMillis();
        const endMs = end.toMillis();
        if (startMs < earliest) continue;
        const overlapping = booked.filter((b) => b.start < endMs && b.end > startMs).length;
        if (overlapping >= service.capacity) continue;
        slots.push({ start: toInstant(start), end: toInstant(end) });
      }
    }
  }
  return slots;
}

function atTime(day: DateTime, time: string): DateTime {
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

/** ISO instant in UTC with milliseconds, the form slots and bookings are stored and compared in. */
export function toInstant(time: DateTime): string {
  return time.toUTC().toISO() ?? '';
}
