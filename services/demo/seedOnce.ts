import { DateTime } from 'luxon';
import type { Kysely } from 'kysely';
import type { Tables } from '../../bot/database';
import { isOpenDay, toInstant, type ShopSchedule, type Weekday } from '../schedule';
import { BOOKINGS, CUSTOMERS, OPENING_HOURS, ORDERS, SERVICES, holidaysAround } from './seed';

/**
 * Writes the demo shop of `seed.ts` into an empty store, its dates counted from `now` in the
 * shop's `timezone`, once per database: the `seededAt` mark is written first, in the same
 * transaction as the data, and a store that finds the mark there already writes nothing. So a
 * shop is never re-seeded (returns and bookings survive restarts), and two instances opening a
 * fresh shared database at once seed it once: in PostgreSQL the second's insert of the mark
 * waits on the first's and then finds it; in SQLite the file has one writer at a time.
 * @returns whether this call seeded.
 */
export async function seedOnce(db: Kysely<Tables>, now: Date, timezone: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const marked = await trx
      .insertInto('shop_meta')
      .values({ key: 'seededAt', value: now.toISOString() })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!marked) return false;
    await writeSeed(trx, now, timezone);
    return true;
  });
}

async function writeSeed(db: Kysely<Tables>, now: Date, timezone: string): Promise<void> {
  const today = DateTime.fromJSDate(now, { zone: timezone });
  await db
    .insertInto('shop_customers')
    .values(CUSTOMERS.map((customer) => ({ ...customer })))
    .execute();
  await db
    .insertInto('shop_orders')
    .values(
      ORDERS.map((order) => {
        const placed = today
          .minus({ days: order.placedDaysAgo })
          .set({ hour: 11, minute: 20, second: 0, millisecond: 0 });
        return {
          number: order.number,
          customer_id: order.customerId,
          status: order.status,
          // An order placed "today" before 11:20 would be in the future: half an hour ago instead.
          placed_at: toInstant(placed < today ? placed : today.minus({ minutes: 30 })),
          carrier: order.carrier ?? null,
          tracking_number: order.trackingNumber ?? null,
          expected_delivery:
            order.expectedInDays === undefined
              ? null
              : today.plus({ days: order.expectedInDays }).toISODate(),
          delivered_at:
            order.deliveredDaysAgo === undefined
              ? null
              : toInstant(
                  today
                    .minus({ days: order.deliveredDaysAgo })
                    .set({ hour: 13, minute: 5, second: 0, millisecond: 0 }),
                ),
        };
      }),
    )
    .execute();
  await db
    .insertInto('shop_order_items')
    .values(
      ORDERS.flatMap((order) =>
        order.items.map((item, position) => ({
          order_number: order.number,
          sku: item.sku,
          name: item.name,
          category: item.category,
          quantity: item.quantity,
          names_json: JSON.stringify(item.names ?? {}),
          position,
        })),
      ),
    )
    .execute();
  await db
    .insertInto('shop_services')
    .values(
      SERVICES.map((service, position) => ({
        id: service.id,
        name: service.name,
        names_json: JSON.stringify(service.names ?? {}),
        duration_minutes: service.durationMinutes,
        capacity: service.capacity,
        position,
      })),
    )
    .execute();
  const hours = Object.entries(OPENING_HOURS).flatMap(([weekday, ranges]) =>
    (ranges ?? []).map((range) => ({ weekday: Number(weekday), open: range.open, close: range.close })),
  );
  await db.insertInto('shop_opening_hours').values(hours).execute();
  const holidays = holidaysAround(now, timezone);
  await db
    .insertInto('shop_holidays')
    .values(holidays)
    .onConflict((conflict) => conflict.column('date').doNothing())
    .execute();

  const schedule: ShopSchedule = {
    timezone,
    openingHours: {},
    holidays: holidays.map((holiday) => holiday.date),
    minNoticeMinutes: 0,
  };
  for (const { weekday, open, close } of hours)
    (schedule.openingHours[weekday as Weekday] ??= []).push({ open, close });
  const bookings = BOOKINGS.flatMap((booking) => {
    const service = SERVICES.find((s) => s.id === booking.serviceId);
    if (!service) return [];
    const [hour = 10, minute = 0] = booking.at.split(':').map(Number);
    let start = today.plus({ days: booking.inDays }).set({ hour, minute, second: 0, millisecond: 0 });
    // Moved to the next day the shop is open at that time, so the booking is a real slot.
    while (!fitsOpeningHours(schedule, start, service.durationMinutes)) start = start.plus({ days: 1 });
    return [
      {
        reference: booking.reference,
        idempotency_key: null,
        service_id: booking.serviceId,
        start: toInstant(start),
        end: toInstant(start.plus({ minutes: service.durationMinutes })),
        status: 'confirmed',
        email: booking.email,
        phone: booking.phone,
        created_at: now.toISOString(),
      },
    ];
  });
  await db.insertInto('shop_bookings').values(bookings).execute();
}

function fitsOpeningHours(schedule: ShopSchedule, start: DateTime, minutes: number): boolean {
  if (!isOpenDay(schedule, start.toISODate() ?? '')) return false;
  const from = start.toFormat('HH:mm');
  const to = start.plus({ minutes }).toFormat('HH:mm');
  return (schedule.openingHours[start.weekday as Weekday] ?? []).some(
    (range) => range.open <= from && to <= range.close,
  );
}
