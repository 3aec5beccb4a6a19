import { randomInt } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { DateTime } from 'luxon';
import { SharedDatabase, type Tables } from '../../bot/database';
import { migrateToLatest } from '../../bot/database/migrations';
import { ReusableQuery } from '../../bot/database/reusableQuery';
import type { ShopBookingTable } from '../../bot/database/schema';
import { normalizeEmail, samePhone } from '../customerMatch';
import { BookingNotFoundError, ReturnNotAllowedError, SlotTakenError } from '../errors';
import { computeFreeSlots, toInstant, type ShopSchedule, type Weekday } from '../schedule';
import {
  systemClock,
  type AppointmentService,
  type BookableService,
  type Booking,
  type BookingRequest,
  type Clock,
  type CommerceBackend,
  type CustomerContact,
  type Order,
  type OrderService,
  type OrderStatus,
  type RefundMethod,
  type ReturnAuthorization,
  type ReturnReason,
  type ReturnRequest,
  type ReturnService,
  type Slot,
  type SlotQuery,
} from '../types';
import { DEMO_STORE_MIGRATIONS } from './migrations';
import { seedOnce } from './seedOnce';

/** File name of the demo store inside `DATA_DIR` (when it has no shared database). */
export const DEMO_STORE_FILE = 'shop.sqlite';

export interface DemoStoreOptions {
  /** IANA timezone of the shop (`SHOP_TIMEZONE`). */
  timezone: string;
  clock?: Clock;
  /** Slots starting sooner than this are not offered (default 60 minutes). */
  minNoticeMinutes?: number;
  /** Makes RMA numbers and booking references (default: random, unambiguous characters). */
  generateCode?: (prefix: string, length: number) => string;
}

/** Letters and digits that can't be mistaken for one another when read aloud or typed. */
const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function randomCode(prefix: string, length: number): string {
  let code = prefix;
  for (let i = 0; i < length; i++) code += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return code;
}

type Db = Kysely<Tables>;

/** An order with its customer's contact details, most recently placed first. */
function orderColumns(db: Db) {
  return db
    .selectFrom('shop_orders as o')
    .innerJoin('shop_customers as c', 'c.id', 'o.customer_id')
    .select([
      'o.number',
      'o.status',
      'o.placed_at',
      'o.carrier',
      'o.tracking_number',
      'o.expected_delivery',
      'o.delivered_at',
      'c.name',
      'c.email',
      'c.phone',
      'c.postcode',
    ])
    .orderBy('o.placed_at', 'desc');
}

/** Order items with the return each is in, by order and position. */
function itemColumns(db: Db) {
  return db
    .selectFrom('shop_order_items as i')
    .leftJoin('shop_return_items as r', (join) =>
      join.onRef('r.order_number', '=', 'i.order_number').onRef('r.sku', '=', 'i.sku'),
    )
    .select(['i.order_number', 'i.sku', 'i.name', 'i.names_json', 'i.category', 'i.quantity', 'r.rma'])
    .orderBy('i.order_number')
    .orderBy('i.position');
}

type OrderRow = Awaited<ReturnType<ReturnType<typeof orderColumns>['execute']>>[number];
type ItemRow = Awaited<ReturnType<ReturnType<typeof itemColumns>['execute']>>[number];

const ORDER_BY_NUMBER = new ReusableQuery<Tables, OrderRow, { number: string }>((db, param) =>
  orderColumns(db).where('o.number', '=', param('number')),
);

const ITEMS_OF_ORDER = new ReusableQuery<Tables, ItemRow, { number: string }>((db, param) =>
  itemColumns(db).where('i.order_number', '=', param('number')),
);

/**
 * The embedded demo shop: orders, returns and appointments in a database of its own
 * (`DATA_DIR/shop.sqlite`) or in the database instances share (`STORAGE=postgres`), so every
 * instance sees the same orders, returns and bookings. Seeded once per database with the data in
 * `seed.ts` (dates relative to the moment the first instance opened it) and never re-seeded, so
 * returns and bookings survive restarts.
 *
 * NOTE: a booking (or a move) first locks its service's row, a return its order's row, with an
 * update that changes nothing, then re-checks availability and writes, in one transaction. So
 * two customers racing for the last slot, even through two instances, are served one after the
 * other and the second gets SlotTakenError; an item cannot get two RMAs. The lock is a write, not
 * `SELECT … FOR UPDATE`, because SQLite has none, and because SQLite must start the transaction
 * with a write: a transaction that reads first cannot wait for another process's write lock.
 * A lock rather than a unique index on (service, start): slots of one service may overlap one
 * another's start times, and a service may take several bookings at once (`capacity`).
 */
export class DemoStore implements CommerceBackend, OrderService, ReturnService, AppointmentService {
  readonly kind = 'demo';
  readonly orders: OrderService = this;
  readonly returns: ReturnService = this;
  readonly appointments: AppointmentService = this;
  private readonly timezone: string;
  private readonly clock: Clock;
  private readonly minNoticeMinutes: number;
  private readonly generateCode: (prefix: string, length: number) => string;
  /** Settles when the schema is migrated and the shop seeded; rejects when either failed. */
  readonly ready: Promise<void>;

  /**
   * The store in `database`. `owned`: the store opened the database and closes it with itself;
   * a shared database stays open for its other stores.
   */
  private constructor(
    private readonly database: SharedDatabase,
    options: DemoStoreOptions,
    private readonly owned: boolean,
  ) {
    this.timezone = options.timezone;
    this.clock = options.clock ?? systemClock;
    this.minNoticeMinutes = options.minNoticeMinutes ?? 60;
    this.generateCode = options.generateCode ?? randomCode;
    // NOTE: the seed's "now" is the moment of opening, not of the first query.
    const openedAt = this.clock.now();
    this.ready = (async () => {
      await database.ready;
      await migrateToLatest(
        database.db,
        DEMO_STORE_MIGRATIONS,
        database.dialect,
        database.dialect === 'sqlite' ? 5 : 1,
      );
      await seedOnce(database.db, openedAt, options.timezone);
    })();
    // Reported by every method that awaits it; this keeps it from being unhandled meanwhile.
    this.ready.catch(() => undefined);
  }

  /** Opens (creating and seeding when new) the store in its own SQLite file; `:memory:` for tests. */
  static open(file: string, options: DemoStoreOptions): DemoStore {
    return new DemoStore(new SharedDatabase({ dialect: 'sqlite', file }, []), options, true);
  }

  /** The store in a database other stores use too (the shared PostgreSQL database); close() leaves it open. */
  static inDatabase(database: SharedDatabase, options: DemoStoreOptions): DemoStore {
    return new DemoStore(database, options, false);
  }

  private get db(): Db {
    return this.database.db;
  }

  /** When the store was seeded (ISO instant). */
  async seededAt(): Promise<string> {
    await this.ready;
    const row = await this.db
      .selectFrom('shop_meta')
      .select('value')
      .where('key', '=', 'seededAt')
      .executeTakeFirst();
    return row?.value ?? '';
  }

  /** Closes the database when the store opened it. Safe to call twice. */
  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    if (this.owned) await this.database.close();
  }

  // ---- orders -------------------------------------------------------------------------------

  async findOrder(number: string): Promise<Order | undefined> {
    await this.ready;
    const [order] = await this.ordersWhere(number.trim().toUpperCase());
    return order;
  }

  async findOrdersByCustomer(contact: Pick<CustomerContact, 'email' | 'phone'>): Promise<Order[]> {
    await this.ready;
    // Phones match in any notation, so the customers are matched here rather than in SQL.
    const customers = await this.db.selectFrom('shop_customers').select(['id', 'email', 'phone']).execute();
    const ids = customers
      .filter(
        (row) =>
          (contact.email !== undefined && normalizeEmail(contact.email) === normalizeEmail(row.email)) ||
          (contact.phone !== undefined && samePhone(contact.phone, row.phone)),
      )
      .map((row) => row.id);
    return ids.length === 0 ? [] : this.ordersWhere(undefined, ids);
  }

  /** Orders with their items, most recently placed first: one by number, or those of customers. */
  private async ordersWhere(number?: string, customerIds?: string[]): Promise<Order[]> {
    // NOTE: the lookup by number runs for every order a customer asks about: its two queries
    // are built and compiled once (bot/database/reusableQuery.ts), the customers' ones per call.
    const rows =
      number !== undefined
        ? await ORDER_BY_NUMBER.execute(this.db, { number })
        : await orderColumns(this.db)
            .where('o.customer_id', 'in', customerIds ?? [])
            .execute();
    if (rows.length === 0) return [];
    const items =
      rows.length === 1 && rows[0]
        ? await ITEMS_OF_ORDER.execute(this.db, { number: rows[0].number })
        : await itemColumns(this.db)
            .where(
              'i.order_number',
              'in',
              rows.map((row) => row.number),
            )
            .execute();
    return rows.map((row) => ({
      number: row.number,
      status: row.status as OrderStatus,
      placedAt: row.placed_at,
      customer: { name: row.name, email: row.email, phone: row.phone, postcode: row.postcode },
      items: items
        .filter((item) => item.order_number === row.number)
        .map((item) => ({
          sku: item.sku,
          name: item.name,
          category: item.category,
          quantity: Number(item.quantity),
          ...(item.names_json !== '{}'
            ? { names: JSON.parse(item.names_json) as Record<string, string> }
            : {}),
          ...(item.rma ? { returnedIn: item.rma } : {}),
        })),
      ...(row.carrier ? { carrier: row.carrier } : {}),
      ...(row.tracking_number ? { trackingNumber: row.tracking_number } : {}),
      ...(row.expected_delivery ? { expectedDelivery: row.expected_delivery } : {}),
      ...(row.delivered_at ? { deliveredAt: row.delivered_at } : {}),
    }));
  }

  // ---- returns ------------------------------------------------------------------------------

  async createReturn(request: ReturnRequest): Promise<ReturnAuthorization> {
    await this.ready;
    const orderNumber = request.orderNumber.trim().toUpperCase();
    const rma = await this.db.transaction().execute(async (trx): Promise<string> => {
      // The lock (see the class comment): returns of one order are written one at a time.
      await trx
        .updateTable('shop_orders')
        .set((eb) => ({ status: eb.ref('status') }))
        .where('number', '=', orderNumber)
        .execute();
      const existing = await trx
        .selectFrom('shop_returns')
        .select('rma')
        .where('idempotency_key', '=', request.idempotencyKey)
        .executeTakeFirst();
      if (existing) return existing.rma;
      if (request.skus.length === 0) throw new ReturnNotAllowedError(orderNumber, 'no items');
      for (const sku of request.skus) {
        const found = await trx
          .selectFrom('shop_order_items as i')
          .leftJoin('shop_return_items as r', (join) =>
            join.onRef('r.order_number', '=', 'i.order_number').onRef('r.sku', '=', 'i.sku'),
          )
          .select('r.rma')
          .where('i.order_number', '=', orderNumber)
          .where('i.sku', '=', sku)
          .executeTakeFirst();
        if (!found) throw new ReturnNotAllowedError(orderNumber, `item ${sku} is not in the order`);
        if (found.rma) throw new ReturnNotAllowedError(orderNumber, `item ${sku} is already in ${found.rma}`);
      }
      const created = await this.uniqueCode('RMA-', 8, async (code) =>
        Boolean(
          await trx.selectFrom('shop_returns').select('rma').where('rma', '=', code).executeTakeFirst(),
        ),
      );
      await trx
        .insertInto('shop_returns')
        .values({
          rma: created,
          idempotency_key: request.idempotencyKey,
          order_number: orderNumber,
          reason: request.reason,
          refund_method: request.refundMethod,
          created_at: this.nowIso(),
        })
        .execute();
      await trx
        .insertInto('shop_return_items')
        .values(
          request.skus.map((sku, position) => ({ order_number: orderNumber, sku, rma: created, position })),
        )
        .execute();
      return created;
    });
    const created = await this.findReturn(rma);
    if (!created) throw new Error(`DemoStore.createReturn(): ${rma} vanished after creation`);
    return created;
  }

  async findReturn(rma: string): Promise<ReturnAuthorization | undefined> {
    await this.ready;
    const row = await this.db
      .selectFrom('shop_returns')
      .selectAll()
      .where('rma', '=', rma.trim().toUpperCase())
      .executeTakeFirst();
    if (!row) return undefined;
    const items = await this.db
      .selectFrom('shop_return_items')
      .select('sku')
      .where('rma', '=', row.rma)
      .orderBy('position')
      .execute();
    return {
      rma: row.rma,
      orderNumber: row.order_number,
      skus: items.map((item) => item.sku),
      reason: row.reason as ReturnReason,
      refundMethod: row.refund_method as RefundMethod,
      createdAt: row.created_at,
    };
  }

  // ---- appointments -------------------------------------------------------------------------

  async listServices(): Promise<BookableService[]> {
    await this.ready;
    const rows = await this.db.selectFrom('shop_services').selectAll().orderBy('position').execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      names: JSON.parse(row.names_json) as Record<string, string>,
      durationMinutes: Number(row.duration_minutes),
    }));
  }

  /** Opening hours, holidays and timezone as the slot computation uses them. */
  async schedule(): Promise<ShopSchedule> {
    await this.ready;
    return this.scheduleIn(this.db);
  }

  async freeSlots(query: SlotQuery): Promise<Slot[]> {
    await this.ready;
    return this.computeSlots(this.db, query);
  }

  async book(request: BookingRequest): Promise<Booking> {
    await this.ready;
    const reference = await this.db.transaction().execute(async (trx): Promise<string> => {
      await lockService(trx, request.serviceId);
      if (request.idempotencyKey) {
        const existing = await trx
          .selectFrom('shop_bookings')
          .select('reference')
          .where('idempotency_key', '=', request.idempotencyKey)
          .executeTakeFirst();
        if (existing) return existing.reference;
      }
      const slot = await this.freeSlotAt(trx, request.serviceId, request.start);
      const created = await this.uniqueCode('BK-', 6, async (code) =>
        Boolean(
          await trx
            .selectFrom('shop_bookings')
            .select('reference')
            .where('reference', '=', code)
            .executeTakeFirst(),
        ),
      );
      await trx
        .insertInto('shop_bookings')
        .values({
          reference: created,
          idempotency_key: request.idempotencyKey || null,
          service_id: request.serviceId,
          start: slot.start,
          end: slot.end,
          status: 'confirmed',
          email: request.contact.email ?? null,
          phone: request.contact.phone ?? null,
          created_at: this.nowIso(),
        })
        .execute();
      return created;
    });
    return this.bookingAfterWrite(reference);
  }

  async findBooking(reference: string): Promise<Booking | undefined> {
    await this.ready;
    return bookingIn(this.db, reference);
  }

  async reschedule(reference: string, start: string): Promise<Booking> {
    await this.ready;
    const moved = await this.db.transaction().execute(async (trx): Promise<string> => {
      // The lock of the booking's service, taken before reading the booking (see the class comment).
      await trx
        .updateTable('shop_services')
        .set((eb) => ({ capacity: eb.ref('capacity') }))
        .where('id', '=', (eb) =>
          eb
            .selectFrom('shop_bookings')
            .select('service_id')
            .where('reference', '=', reference.trim().toUpperCase()),
        )
        .execute();
      const booking = await bookingIn(trx, reference);
      if (!booking || booking.status !== 'confirmed') throw new BookingNotFoundError(reference);
      const slot = await this.freeSlotAt(trx, booking.serviceId, start, booking.reference);
      await trx
        .updateTable('shop_bookings')
        .set({ start: slot.start, end: slot.end })
        .where('reference', '=', booking.reference)
        .execute();
      return booking.reference;
    });
    return this.bookingAfterWrite(moved);
  }

  async cancelBooking(reference: string): Promise<Booking> {
    await this.ready;
    const result = await this.db
      .updateTable('shop_bookings')
      .set({ status: 'cancelled' })
      .where('reference', '=', reference.trim().toUpperCase())
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new BookingNotFoundError(reference);
    return this.bookingAfterWrite(reference);
  }

  private async bookingAfterWrite(reference: string): Promise<Booking> {
    const booking = await bookingIn(this.db, reference);
    if (!booking) throw new Error(`DemoStore: booking ${reference} vanished after it was written`);
    return booking;
  }

  /** The free slot starting at `start`, or SlotTakenError; `ignoring` is a booking being moved. */
  private async freeSlotAt(db: Db, serviceId: string, start: string, ignoring?: string): Promise<Slot> {
    const startMs = Date.parse(start);
    const date = DateTime.fromMillis(startMs, { zone: this.timezone }).toISODate();
    if (!date || Number.isNaN(startMs)) throw new SlotTakenError(serviceId, start);
    const slot = (await this.computeSlots(db, { serviceId, from: date, days: 1 }, ignoring)).find(
      (free) => Date.parse(free.start) === startMs,
    );
    if (!slot) throw new SlotTakenError(serviceId, start);
    return slot;
  }

  private async computeSlots(db: Db, query: SlotQuery, ignoring?: string): Promise<Slot[]> {
    const service = await db
      .selectFrom('shop_services')
      .select(['id', 'duration_minutes', 'capacity'])
      .where('id', '=', query.serviceId)
      .executeTakeFirst();
    if (!service) return [];
    const from = DateTime.fromISO(query.from, { zone: this.timezone });
    if (!from.isValid) return [];
    const days = Math.max(1, query.days);
    const bookings = await db
      .selectFrom('shop_bookings')
      .select(['start', 'end'])
      .where('service_id', '=', service.id)
      .where('status', '=', 'confirmed')
      .where('reference', '!=', ignoring ?? '')
      .where('start', '<', toInstant(from.plus({ days: days + 1 })))
      .where('end', '>', toInstant(from.minus({ days: 1 })))
      .execute();
    return computeFreeSlots({
      schedule: await this.scheduleIn(db),
      service: { durationMinutes: Number(service.duration_minutes), capacity: Number(service.capacity) },
      from: query.from,
      days,
      bookings,
      now: this.clock.now(),
    });
  }

  private async scheduleIn(db: Db): Promise<ShopSchedule> {
    const openingHours: ShopSchedule['openingHours'] = {};
    const hours = await db
      .selectFrom('shop_opening_hours')
      .select(['weekday', 'open', 'close'])
      .orderBy('weekday')
      .orderBy('open')
      .execute();
    for (const { weekday, open, close } of hours)
      (openingHours[Number(weekday) as Weekday] ??= []).push({ open, close });
    const holidays = (await db.selectFrom('shop_holidays').select('date').execute()).map((h) => h.date);
    return { timezone: this.timezone, openingHours, holidays, minNoticeMinutes: this.minNoticeMinutes };
  }

  private async uniqueCode(
    prefix: string,
    length: number,
    exists: (code: string) => Promise<boolean>,
  ): Promise<string> {
    for (;;) {
      const code = this.generateCode(prefix, length);
      if (!(await exists(code))) return code;
    }
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }
}

/** Takes the lock of one service's bookings (see DemoStore): an update that changes nothing. */
async function lockService(db: Db, serviceId: string): Promise<void> {
  await db
    .updateTable('shop_services')
    .set((eb) => ({ capacity: eb.ref('capacity') }))
    .where('id', '=', serviceId)
    .execute();
}

async function bookingIn(db: Db, reference: string): Promise<Booking | undefined> {
  const row = await db
    .selectFrom('shop_bookings')
    .selectAll()
    .where('reference', '=', reference.trim().toUpperCase())
    .executeTakeFirst();
  return row && toBooking(row);
}

function toBooking(row: Selectable<ShopBookingTable>): Booking {
  return {
    reference: row.reference,
    serviceId: row.service_id,
    start: row.start,
    end: row.end,
    status: row.status as Booking['status'],
    contact: {
      ...(row.email ? { email: row.email } : {}),
      ...(row.phone ? { phone: row.phone } : {}),
    },
  };
}
