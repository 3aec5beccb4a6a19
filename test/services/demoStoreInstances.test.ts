import assert from 'node:assert/strict';
import type { SharedDatabase } from '../../bot/database';
import { appliedMigrations } from '../../bot/database/migrations';
import { DemoStore } from '../../services/demo/demoStore';
import { DEMO_STORE_MIGRATIONS } from '../../services/demo/migrations';
import { BOOKINGS, ORDERS } from '../../services/demo/seed';
import { ReturnNotAllowedError, SlotTakenError } from '../../services/errors';
import type { BookingRequest, ReturnRequest } from '../../services/types';
import { NOW, SHOP_TZ, TestClock, sequentialCodes } from '../dialogs/commerceFixtures';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { postgresDatabase } from './shopDatabases';

/** Thursday 12 June 2025, 16:45 in Madrid: a free boot-fitting slot. */
const THURSDAY_1645 = '2025-06-12T14:45:00.000Z';

const fitting = (key: string): BookingRequest => ({
  idempotencyKey: key,
  serviceId: 'boot-fitting',
  start: THURSDAY_1645,
  contact: { email: `${key}@example.com` },
});

const jacketReturn = (key: string): ReturnRequest => ({
  idempotencyKey: key,
  orderNumber: 'SB-10002',
  skus: ['RJK-M'],
  reason: 'wrongSize',
  refundMethod: 'storeCredit',
});

async function rowCount(database: SharedDatabase, table: 'shop_orders' | 'shop_bookings'): Promise<number> {
  const row = await database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Two instances with different DATA_DIRs on one PostgreSQL database (`STORAGE=postgres`): each
 * has its own connection pool and its own store, as two processes would.
 */
describe('DemoStore: two instances on one PostgreSQL database', () => {
  let server: TestDatabase;
  let databases: SharedDatabase[];
  let stores: DemoStore[];

  /** Opens one instance's store, at `clock`'s time. */
  function instance(clock = new TestClock()): DemoStore {
    const database = postgresDatabase(server.url);
    databases.push(database);
    const store = DemoStore.inDatabase(database, {
      timezone: SHOP_TZ,
      clock,
      generateCode: sequentialCodes(),
    });
    stores.push(store);
    return store;
  }

  beforeEach(async function () {
    // A fresh database per test: the first test is about what opening an empty one does.
    server = await createTestDatabase(this);
    databases = [];
    stores = [];
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
    for (const database of databases) await database.close();
    await server.drop();
  });

  it('two instances opening a fresh database at once migrate and seed it once', async () => {
    const a = instance(new TestClock(NOW));
    const b = instance(new TestClock(new Date(NOW.getTime() + 5 * 60_000)));
    await Promise.all([a.ready, b.ready]);
    const [seededByA, seededByB] = await Promise.all([a.seededAt(), b.seededAt()]);
    assert.equal(seededByA, seededByB);
    assert.ok(
      [NOW.toISOString(), new Date(NOW.getTime() + 5 * 60_000).toISOString()].includes(seededByA),
      seededByA,
    );
    const [database] = databases;
    assert.ok(database);
    assert.equal(await rowCount(database, 'shop_orders'), ORDERS.length);
    assert.equal(await rowCount(database, 'shop_bookings'), BOOKINGS.length);
    assert.deepEqual(await appliedMigrations(database.db, DEMO_STORE_MIGRATIONS), ['0001_shop']);
    // A third instance, later, finds the shop as it is and writes no second seed.
    const c = instance(new TestClock(new Date('2025-09-01T08:00:00Z')));
    assert.equal(await c.seededAt(), seededByA);
    assert.equal(await rowCount(database, 'shop_orders'), ORDERS.length);
  });

  it('racing bookings of one slot through two instances: exactly one wins, the others get SlotTakenError', async () => {
    const a = instance();
    const b = instance();
    await Promise.all([a.ready, b.ready]);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? a : b).book(fitting(`customer-${index}`))),
    );
    const won = results.filter((result) => result.status === 'fulfilled');
    assert.equal(won.length, 1, JSON.stringify(results));
    for (const result of results.filter((r) => r.status === 'rejected')) {
      assert.ok(result.reason instanceof SlotTakenError, String(result.reason));
    }
    for (const store of [a, b]) {
      const slots = await store.freeSlots({ serviceId: 'boot-fitting', from: '2025-06-12', days: 1 });
      assert.ok(!slots.some((slot) => slot.start === THURSDAY_1645));
    }
  });

  it('a slot booked through one instance is not offered through the other, and cannot be booked there', async () => {
    const a = instance();
    const b = instance();
    const before = await b.freeSlots({ serviceId: 'boot-fitting', from: '2025-06-12', days: 1 });
    assert.ok(
      before.some((slot) => slot.start === THURSDAY_1645),
      'free before the booking',
    );
    const booking = await a.book(fitting('through-a'));
    const after = await b.freeSlots({ serviceId: 'boot-fitting', from: '2025-06-12', days: 1 });
    assert.ok(!after.some((slot) => slot.start === THURSDAY_1645), 'taken after it');
    assert.deepEqual(await b.findBooking(booking.reference), booking);
    await assert.rejects(b.book(fitting('through-b')), SlotTakenError);
    // Cancelled through B, the slot is free again through A.
    await b.cancelBooking(booking.reference);
    const freed = await a.freeSlots({ serviceId: 'boot-fitting', from: '2025-06-12', days: 1 });
    assert.ok(freed.some((slot) => slot.start === THURSDAY_1645));
  });

  it('a return made through one instance is refused as a second return of the item through the other', async () => {
    const a = instance();
    const b = instance();
    const created = await a.createReturn(jacketReturn('conversation-a'));
    assert.deepEqual(await b.findReturn(created.rma), created);
    const order = await b.findOrder('SB-10002');
    assert.equal(order?.items.find((item) => item.sku === 'RJK-M')?.returnedIn, created.rma);
    await assert.rejects(
      b.createReturn(jacketReturn('conversation-b')),
      (error: unknown) =>
        error instanceof ReturnNotAllowedError && error.message.includes(`already in ${created.rma}`),
    );
    // The same conversation's key, redelivered to the other instance, gets the same return.
    assert.deepEqual(await b.createReturn(jacketReturn('conversation-a')), created);
  });

  it('racing returns of one item through two instances: exactly one RMA', async () => {
    const a = instance();
    const b = instance();
    await Promise.all([a.ready, b.ready]);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, index) =>
        (index % 2 === 0 ? a : b).createReturn(jacketReturn(`conversation-${index}`)),
      ),
    );
    assert.equal(
      results.filter((result) => result.status === 'fulfilled').length,
      1,
      JSON.stringify(results),
    );
    for (const result of results.filter((r) => r.status === 'rejected')) {
      assert.ok(result.reason instanceof ReturnNotAllowedError, String(result.reason));
    }
  });
});
