import { randomInt } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openSqlite } from '../../bot/sqlite';
import { DateTime } from 'luxon';
import { normalizeEmail, samePhone } from '../customerMatch';
import { BookingNotFoundError, ReturnNotAllowedError, SlotTakenError } from '../errors';
import { computeFreeSlots, isOpenDay, toInstant, type ShopSchedule, type Weekday } from '../schedule';
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
import { BOOKINGS, CUSTOMERS, OPENING_HOURS, ORDERS, SERVICES, holidaysAround } from './seed';

/** File name of the demo store inside `DATA_DIR`. */
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

interface OrderRow {
  number: string;
  status: OrderStatus;
  placed_at: string;
  carrier: string | null;
  tracking_number: string | null;
  expected_delivery: string | null;
  delivered_at: string | null;
  name: string;
  email: string;
  phone: string;
  postcode: string;
}

interface ItemRow {
  sku: string;
  name: string;
  names_json: string;
  category: string;
  quantity: number;
  rma: string | null;
}

interface ReturnRow {
  rma: string;
  order_number: string;
  reason: ReturnReason;
  refund_method: RefundMethod;
  created_at: string;
}

interface BookingRow {
  reference: string;
  service_id: string;
  start: string;
  end: string;
  status: Booking['status'];
  email: string | null;
  phone: string | null;
}

interface ServiceRow {
  id: string;
  name: string;
  names_json: string;
  duration_minutes: number;
  capacity: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS customers (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL, postcode TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
  number TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id), status TEXT NOT NULL,
  placed_at TEXT NOT NULL, carrier TEXT, tracking_number TEXT, expected_delivery TEXT, delivered_at TEXT);
CREATE TABLE IF NOT EXISTS order_items (
  order_number TEXT NOT NULL REFERENCES orders(number), sku TEXT NOT NULL, name TEXT NOT NULL,
  category TEXT NOT NULL, quantity INTEGER NOT NULL, names_json TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (order_number, sku));
CREATE TABLE IF NOT EXISTS returns (
  rma TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, order_number TEXT NOT NULL,
  reason TEXT NOT NULL, refund_method TEXT NOT NULL, created_at TEXT NOT NULL);
-- An order item can be in one return only: the primary key enforces it.
CREATE TABLE IF NOT EXISTS return_items (
  order_number TEXT NOT NULL, sku TEXT NOT NULL, rma TEXT NOT NULL REFERENCES returns(rma),
  PRIMARY KEY (order_number, sku));
CREATE TABLE IF NOT EXISTS services (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, names_json TEXT NOT NULL, duration_minutes INTEGER NOT NULL,
  capacity INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS opening_hours (weekday INTEGER NOT NULL, open TEXT NOT NULL, close TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS holidays (date TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bookings (
  reference TEXT PRIMARY KEY, idempotency_key TEXT UNIQUE, service_id TEXT NOT NULL REFERENCES services(id),
  start TEXT NOT NULL, end TEXT NOT NULL, status TEXT NOT NULL, email TEXT, phone TEXT, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bookings_by_service ON bookings (service_id, status, start);
`;

/**
 * NOTE: demo databases created before items had names in other languages lack the column;
 * it is added empty (their items keep their one name) rather than failing to open.
 */
function addItemNames(db: ReturnType<typeof openSqlite>): void {
  const columns = db.prepare('PRAGMA table_info(order_items)').all() as { name: string }[];
  if (!columns.some((column) => column.name === 'names_json')) {
    db.exec("ALTER TABLE order_items ADD COLUMN names_json TEXT NOT NULL DEFAULT '{}'");
  }
}

/** Letters and digits that can't be mistaken for one another when read aloud or typed. */
const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function randomCode(prefix: string, length: number): string {
  let code = prefix;
  for (let i = 0; i < length; i++) code += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return code;
}

/**
 * The embedded demo shop: orders, returns and appointments in one SQLite file, seeded on first
 * open with the data in `seed.ts` (dates relative to the seeding time) and never re-seeded, so
 * returns and bookings survive restarts. Bookings and returns are written in `BEGIN IMMEDIATE`
 * transactions that re-check availability, so two racing customers (even in two processes on one
 * file) cannot both get the last slot or return the same item twice.
 */
export class DemoStore implements CommerceBackend, OrderService, ReturnService, AppointmentService {
  readonly kind = 'demo';
  readonly orders: OrderService = this;
  readonly returns: ReturnService = this;
  readonly appointments: AppointmentService = this;
  private readonly clock: Clock;
  private readonly minNoticeMinutes: number;
  private readonly generateCode: (prefix: string, length: number) => string;
  /** Statements prepared once, by SQL text (preparing costs more than running a lookup). */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(
    private readonly db: Database.Database,
    private readonly timezone: string,
    options: DemoStoreOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.minNoticeMinutes = options.minNoticeMinutes ?? 60;
    this.generateCode = options.generateCode ?? randomCode;
  }

  /** Opens (creating and seeding when new) the store at `file`; `:memory:` for tests. */
  static open(file: string, options: DemoStoreOptions): DemoStore {
    const db = openSqlite(file);
    db.pragma('foreign_keys = ON');
    db.exec(SCHEMA);
    addItemNames(db);
    const store = new DemoStore(db, options.timezone, options);
    store.seedOnce();
    return store;
  }

  /** When the store was seeded (ISO instant). */
  seededAt(): string {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'seededAt'").get() as
      { value: string } | undefined;
    return row?.value ?? '';
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private prepared(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  // ---- orders -------------------------------------------------------------------------------

  findOrder(number: string): Promise<Order | undefined> {
    const row = this.prepared(`${ORDER_SELECT} WHERE o.number = ?`).get(number.trim().toUpperCase()) as
      OrderRow | undefined;
    return Promise.resolve(row ? this.toOrder(row) : undefined);
  }

  findOrdersByCustomer(contact: Pick<CustomerContact, 'email' | 'phone'>): Promise<Order[]> {
    const rows = this.prepared(`${ORDER_SELECT} ORDER BY o.placed_at DESC`).all() as OrderRow[];
    const matching = rows.filter(
      (row) =>
        (contact.email !== undefined && normalizeEmail(contact.email) === normalizeEmail(row.email)) ||
        (contact.phone !== undefined && samePhone(contact.phone, row.phone)),
    );
    return Promise.resolve(matching.map((row) => this.toOrder(row)));
  }

  private toOrder(row: OrderRow): Order {
    const items = this.prepared(
      `SELECT i.sku, i.name, i.names_json, i.category, i.quantity, r.rma FROM order_items i
         LEFT JOIN return_items r ON r.order_number = i.order_number AND r.sku = i.sku
         WHERE i.order_number = ? ORDER BY i.rowid`,
    ).all(row.number) as ItemRow[];
    return {
      number: row.number,
      status: row.status,
      placedAt: row.placed_at,
      customer: { name: row.name, email: row.email, phone: row.phone, postcode: row.postcode },
      items: items.map((item) => ({
        sku: item.sku,
        name: item.name,
        category: item.category,
        quantity: item.quantity,
        ...(item.names_json !== '{}' ? { names: JSON.parse(item.names_json) as Record<string, string> } : {}),
        ...(item.rma ? { returnedIn: item.rma } : {}),
      })),
      ...(row.carrier ? { carrier: row.carrier } : {}),
      ...(row.tracking_number ? { trackingNumber: row.tracking_number } : {}),
      ...(row.expected_delivery ? { expectedDelivery: row.expected_delivery } : {}),
      ...(row.delivered_at ? { deliveredAt: row.delivered_at } : {}),
    };
  }

  // ---- returns ------------------------------------------------------------------------------

  createReturn(request: ReturnRequest): Promise<ReturnAuthorization> {
    const create = this.db.transaction((): string => {
      const existing = this.db
        .prepare('SELECT rma FROM returns WHERE idempotency_key = ?')
        .get(request.idempotencyKey) as { rma: string } | undefined;
      if (existing) return existing.rma;
      const orderNumber = request.orderNumber.trim().toUpperCase();
      if (request.skus.length === 0) throw new ReturnNotAllowedError(orderNumber, 'no items');
      for (const sku of request.skus) {
        const found = this.db
          .prepare(
            `SELECT r.rma FROM order_items i LEFT JOIN return_items r ON r.order_number = i.order_number AND r.sku = i.sku
             WHERE i.order_number = ? AND i.sku = ?`,
          )
          .get(orderNumber, sku) as { rma: string | null } | undefined;
        if (!found) throw new ReturnNotAllowedError(orderNumber, `item ${sku} is not in the order`);
        if (found.rma) throw new ReturnNotAllowedError(orderNumber, `item ${sku} is already in ${found.rma}`);
      }
      const rma = this.uniqueCode('RMA-', 8, 'SELECT 1 FROM returns WHERE rma = ?');
      this.db
        .prepare(
          'INSERT INTO returns (rma, idempotency_key, order_number, reason, refund_method, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(rma, request.idempotencyKey, orderNumber, request.reason, request.refundMethod, this.nowIso());
      const addItem = this.db.prepare('INSERT INTO return_items (order_number, sku, rma) VALUES (?, ?, ?)');
      for (const sku of request.skus) addItem.run(orderNumber, sku, rma);
      return rma;
    });
    try {
      const rma = create.immediate();
      return this.findReturn(rma).then((created) => {
        if (!created) throw new Error(`DemoStore.createReturn(): ${rma} vanished after creation`);
        return created;
      });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  findReturn(rma: string): Promise<ReturnAuthorization | undefined> {
    const row = this.db.prepare('SELECT * FROM returns WHERE rma = ?').get(rma.trim().toUpperCase()) as
      ReturnRow | undefined;
    if (!row) return Promise.resolve(undefined);
    const skus = (
      this.db.prepare('SELECT sku FROM return_items WHERE rma = ? ORDER BY rowid').all(row.rma) as {
        sku: string;
      }[]
    ).map((item) => item.sku);
    return Promise.resolve({
      rma: row.rma,
      orderNumber: row.order_number,
      skus,
      reason: row.reason,
      refundMethod: row.refund_method,
      createdAt: row.created_at,
    });
  }

  // ---- appointments -------------------------------------------------------------------------

  listServices(): Promise<BookableService[]> {
    const rows = this.db.prepare('SELECT * FROM services ORDER BY rowid').all() as ServiceRow[];
    return Promise.resolve(
      rows.map((row) => ({
        id: row.id,
        name: row.name,
        names: JSON.parse(row.names_json) as Record<string, string>,
        durationMinutes: row.duration_minutes,
      })),
    );
  }

  /** Opening hours, holidays and timezone as the slot computation uses them. */
  schedule(): ShopSchedule {
    const openingHours: ShopSchedule['openingHours'] = {};
    const hours = this.db
      .prepare('SELECT weekday, open, close FROM opening_hours ORDER BY weekday, open')
      .all() as {
      weekday: Weekday;
      open: string;
      close: string;
    }[];
    for (const { weekday, open, close } of hours) (openingHours[weekday] ??= []).push({ open, close });
    const holidays = (this.db.prepare('SELECT date FROM holidays').all() as { date: string }[]).map(
      (h) => h.date,
    );
    return { timezone: this.timezone, openingHours, holidays, minNoticeMinutes: this.minNoticeMinutes };
  }

  freeSlots(query: SlotQuery): Promise<Slot[]> {
    try {
      return Promise.resolve(this.computeSlots(query));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  book(request: BookingRequest): Promise<Booking> {
    const book = this.db.transaction((): string => {
      if (request.idempotencyKey) {
        const existing = this.db
          .prepare('SELECT reference FROM bookings WHERE idempotency_key = ?')
          .get(request.idempotencyKey) as { reference: string } | undefined;
        if (existing) return existing.reference;
      }
      const slot = this.freeSlotAt(request.serviceId, request.start);
      const reference = this.uniqueCode('BK-', 6, 'SELECT 1 FROM bookings WHERE reference = ?');
      this.db
        .prepare(
          `INSERT INTO bookings (reference, idempotency_key, service_id, start, end, status, email, phone, created_at)
           VALUES (?, ?, ?, ?, ?, 'confirmed', ?, ?, ?)`,
        )
        .run(
          reference,
          request.idempotencyKey || null,
          request.serviceId,
          slot.start,
          slot.end,
          request.contact.email ?? null,
          request.contact.phone ?? null,
          this.nowIso(),
        );
      return reference;
    });
    return this.runBookingTransaction(() => book.immediate());
  }

  findBooking(reference: string): Promise<Booking | undefined> {
    return Promise.resolve(this.bookingByReference(reference));
  }

  reschedule(reference: string, start: string): Promise<Booking> {
    const move = this.db.transaction((): string => {
      const booking = this.bookingByReference(reference);
      if (!booking || booking.status !== 'confirmed') throw new BookingNotFoundError(reference);
      const slot = this.freeSlotAt(booking.serviceId, start, booking.reference);
      this.db
        .prepare('UPDATE bookings SET start = ?, end = ? WHERE reference = ?')
        .run(slot.start, slot.end, booking.reference);
      return booking.reference;
    });
    return this.runBookingTransaction(() => move.immediate());
  }

  cancelBooking(reference: string): Promise<Booking> {
    const cancel = this.db.transaction((): string => {
      const booking = this.bookingByReference(reference);
      if (!booking) throw new BookingNotFoundError(reference);
      this.db.prepare("UPDATE bookings SET status = 'cancelled' WHERE reference = ?").run(booking.reference);
      return booking.reference;
    });
    return this.runBookingTransaction(() => cancel.immediate());
  }

  private runBookingTransaction(run: () => string): Promise<Booking> {
    try {
      const booking = this.bookingByReference(run());
      if (!booking) throw new Error('DemoStore: booking vanished inside its own transaction');
      return Promise.resolve(booking);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** The free slot starting at `start`, or SlotTakenError; `ignoring` is a booking being moved. */
  private freeSlotAt(serviceId: string, start: string, ignoring?: string): Slot {
    const startMs = Date.parse(start);
    const date = DateTime.fromMillis(startMs, { zone: this.timezone }).toISODate();
    if (!date || Number.isNaN(startMs)) throw new SlotTakenError(serviceId, start);
    const slot = this.computeSlots({ serviceId, from: date, days: 1 }, ignoring).find(
      (free) => Date.parse(free.start) === startMs,
    );
    if (!slot) throw new SlotTakenError(serviceId, start);
    return slot;
  }

  private computeSlots(query: SlotQuery, ignoring?: string): Slot[] {
    const service = this.db.prepare('SELECT * FROM services WHERE id = ?').get(query.serviceId) as
      ServiceRow | undefined;
    if (!service) return [];
    const from = DateTime.fromISO(query.from, { zone: this.timezone });
    if (!from.isValid) return [];
    const days = Math.max(1, query.days);
    const bookings = this.db
      .prepare(
        `SELECT start, end FROM bookings WHERE service_id = ? AND status = 'confirmed' AND reference != ?
         AND start < ? AND end > ?`,
      )
      .all(
        service.id,
        ignoring ?? '',
        toInstant(from.plus({ days: days + 1 })),
        toInstant(from.minus({ days: 1 })),
      ) as Slot[];
    return computeFreeSlots({
      schedule: this.schedule(),
      service: { durationMinutes: service.duration_minutes, capacity: service.capacity },
      from: query.from,
      days,
      bookings,
      now: this.clock.now(),
    });
  }

  private bookingByReference(reference: string): Booking | undefined {
    const row = this.db
      .prepare('SELECT * FROM bookings WHERE reference = ?')
      .get(reference.trim().toUpperCase()) as BookingRow | undefined;
    if (!row) return undefined;
    return {
      reference: row.reference,
      serviceId: row.service_id,
      start: row.start,
      end: row.end,
      status: row.status,
      contact: {
        ...(row.email ? { email: row.email } : {}),
        ...(row.phone ? { phone: row.phone } : {}),
      },
    };
  }

  // ---- seeding ------------------------------------------------------------------------------

  private seedOnce(): void {
    const seed = this.db.transaction(() => {
      if (this.seededAt()) return;
      const now = this.clock.now();
      const today = DateTime.fromJSDate(now, { zone: this.timezone });
      this.db.prepare("INSERT INTO meta (key, value) VALUES ('seededAt', ?)").run(now.toISOString());

      const addCustomer = this.db.prepare(
        'INSERT INTO customers (id, name, email, phone, postcode) VALUES (@id, @name, @email, @phone, @postcode)',
      );
      for (const customer of CUSTOMERS) addCustomer.run(customer);

      const addOrder = this.db.prepare(
        `INSERT INTO orders (number, customer_id, status, placed_at, carrier, tracking_number, expected_delivery, delivered_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const addItem = this.db.prepare(
        'INSERT INTO order_items (order_number, sku, name, category, quantity, names_json) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const order of ORDERS) {
        const placed = today
          .minus({ days: order.placedDaysAgo })
          .set({ hour: 11, minute: 20, second: 0, millisecond: 0 });
        const delivered =
          order.deliveredDaysAgo === undefined
            ? null
            : toInstant(
                today
                  .minus({ days: order.deliveredDaysAgo })
                  .set({ hour: 13, minute: 5, second: 0, millisecond: 0 }),
              );
        addOrder.run(
          order.number,
          order.customerId,
          order.status,
          toInstant(placed < today ? placed : today.minus({ minutes: 30 })),
          order.carrier ?? null,
          order.trackingNumber ?? null,
          order.expectedInDays === undefined ? null : today.plus({ days: order.expectedInDays }).toISODate(),
          delivered,
        );
        for (const item of order.items)
          addItem.run(
            order.number,
            item.sku,
            item.name,
            item.category,
            item.quantity,
            JSON.stringify(item.names ?? {}),
          );
      }

      const addService = this.db.prepare(
        'INSERT INTO services (id, name, names_json, duration_minutes, capacity) VALUES (?, ?, ?, ?, ?)',
      );
      for (const service of SERVICES) {
        addService.run(
          service.id,
          service.name,
          JSON.stringify(service.names ?? {}),
          service.durationMinutes,
          service.capacity,
        );
      }
      const addHours = this.db.prepare('INSERT INTO opening_hours (weekday, open, close) VALUES (?, ?, ?)');
      for (const [weekday, ranges] of Object.entries(OPENING_HOURS)) {
        for (const range of ranges ?? []) addHours.run(Number(weekday), range.open, range.close);
      }
      const addHoliday = this.db.prepare('INSERT OR IGNORE INTO holidays (date, name) VALUES (?, ?)');
      for (const holiday of holidaysAround(now, this.timezone)) addHoliday.run(holiday.date, holiday.name);

      const schedule = this.schedule();
      const addBooking = this.db.prepare(
        `INSERT INTO bookings (reference, idempotency_key, service_id, start, end, status, email, phone, created_at)
         VALUES (?, NULL, ?, ?, ?, 'confirmed', ?, ?, ?)`,
      );
      for (const booking of BOOKINGS) {
        const service = SERVICES.find((s) => s.id === booking.serviceId);
        if (!service) continue;
        const [hour = 10, minute = 0] = booking.at.split(':').map(Number);
        let start = today.plus({ days: booking.inDays }).set({ hour, minute, second: 0, millisecond: 0 });
        // Moved to the next day the shop is open at that time, so the booking is a real slot.
        while (!fitsOpeningHours(schedule, start, service.durationMinutes)) start = start.plus({ days: 1 });
        addBooking.run(
          booking.reference,
          booking.serviceId,
          toInstant(start),
          toInstant(start.plus({ minutes: service.durationMinutes })),
          booking.email,
          booking.phone,
          now.toISOString(),
        );
      }
    });
    seed.immediate();
  }

  private uniqueCode(prefix: string, length: number, existsQuery: string): string {
    const exists = this.db.prepare(existsQuery);
    for (;;) {
      const code = this.generateCode(prefix, length);
      if (!exists.get(code)) return code;
    }
  }

  private nowIso(): string {
    return this.clock.now().toISOString();
  }
}

function fitsOpeningHours(schedule: ShopSchedule, start: DateTime, minutes: number): boolean {
  if (!isOpenDay(schedule, start.toISODate() ?? '')) return false;
  const from = start.toFormat('HH:mm');
  const to = start.plus({ minutes }).toFormat('HH:mm');
  return (schedule.openingHours[start.weekday as Weekday] ?? []).some(
    (range) => range.open <= from && to <= range.close,
  );
}

const ORDER_SELECT = `SELECT o.number, o.status, o.placed_at, o.carrier, o.tracking_number, o.expected_delivery,
  o.delivered_at, c.name, c.email, c.phone, c.postcode FROM orders o JOIN customers c ON c.id = o.customer_id`;
