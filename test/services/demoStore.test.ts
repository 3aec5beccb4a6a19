import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { DemoStore } from '../../services/demo/demoStore';
import { ReturnNotAllowedError, SlotTakenError, BookingNotFoundError } from '../../services/errors';
import { ORDER_STATUSES, type ReturnRequest } from '../../services/types';
import { NOW, SHOP_TZ, TestClock } from '../dialogs/commerceFixtures';
import { DIALECTS } from '../insights/insightsDatabases';
import { shopDatabase } from './shopDatabases';

/** Reads a child's stdout line by line: each call resolves with the next line. */
function readLines(child: { stdout: Readable }): () => Promise<string> {
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  return () => {
    const line = lines.shift();
    return line === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(line);
  };
}

const jacketReturn: ReturnRequest = {
  idempotencyKey: 'test/conversation/SB-10002/RJK-M',
  orderNumber: 'SB-10002',
  skus: ['RJK-M'],
  reason: 'wrongSize',
  refundMethod: 'storeCredit',
};

/** Thursday 12 June 2025, 16:45 in Madrid: a free boot-fitting slot. */
const THURSDAY_1645 = '2025-06-12T14:45:00.000Z';

for (const dialect of DIALECTS)
  describe(`DemoStore (${dialect})`, () => {
    const shop = shopDatabase(dialect);
    let store: DemoStore;
    before(async function () {
      await shop.before(this);
    });
    after(() => shop.after());
    beforeEach(async () => {
      store = await shop.open();
    });
    afterEach(() => store.close());

    describe('seed data', () => {
      it('has at least 20 orders covering every status, with carrier and tracking on shipped ones', async () => {
        const orders = (
          await Promise.all(Array.from({ length: 30 }, (_, i) => store.findOrder(`SB-${10001 + i}`)))
        ).filter((order) => order !== undefined);
        assert.ok(orders.length >= 20, `only ${orders.length} orders`);
        assert.deepEqual(
          [...new Set(orders.map((order) => order.status))].sort(),
          [...ORDER_STATUSES].sort(),
        );
        for (const order of orders.filter((o) =>
          ['shipped', 'outForDelivery', 'delayed'].includes(o.status),
        )) {
          assert.ok(order.carrier && order.trackingNumber && order.expectedDelivery, order.number);
        }
        for (const order of orders.filter((o) => o.status === 'delivered'))
          assert.ok(order.deliveredAt, order.number);
        for (const order of orders) {
          assert.ok(order.customer.email && order.customer.phone && order.customer.postcode, order.number);
        }
        const categories = new Set(orders.flatMap((order) => order.items.map((item) => item.category)));
        for (const category of ['underwear', 'giftCards', 'openedSoftware'])
          assert.ok(categories.has(category), category);
      });

      it('dates the orders relative to the seeding time', async () => {
        const delivered = await store.findOrder('SB-10002');
        assert.equal(delivered?.deliveredAt, '2025-06-06T11:05:00.000Z');
        assert.equal((await store.findOrder('SB-10001'))?.expectedDelivery, '2025-06-13');
        assert.equal(await store.seededAt(), NOW.toISOString());
      });

      it('has bookable services with durations, opening hours, holidays and a timezone', async () => {
        const services = await store.listServices();
        assert.deepEqual(
          services.map((service) => [service.id, service.durationMinutes, service.names?.es]),
          [
            ['repair-drop-off', 15, 'Entrega para reparación'],
            ['boot-fitting', 45, 'Prueba de botas'],
            ['installation-visit', 120, 'Visita de instalación (cofre o portabicis)'],
          ],
        );
        const schedule = await store.schedule();
        assert.equal(schedule.timezone, SHOP_TZ);
        assert.equal(schedule.openingHours[7], undefined, 'closed on Sunday');
        assert.deepEqual(schedule.openingHours[6], [{ open: '10:00', close: '14:00' }]);
        assert.ok(schedule.holidays.includes('2025-12-25'));
        assert.ok(schedule.holidays.includes('2026-01-01'));
      });

      it('puts the demo bookings on real slots', async () => {
        const booking = await store.findBooking('BK-9H3T6W');
        // Three days after Wednesday is Saturday, when 17:30 is closed: moved to Monday.
        assert.equal(booking?.start, '2025-06-16T15:30:00.000Z');
      });
    });

    describe('orders', () => {
      it('findOrder() ignores case and spaces and returns undefined for an unknown number', async () => {
        assert.equal((await store.findOrder(' sb-10001 '))?.number, 'SB-10001');
        assert.equal(await store.findOrder('SB-99999'), undefined);
      });

      it('findOrdersByCustomer() matches the phone in any form, or the email, most recent first', async () => {
        const byPhone = await store.findOrdersByCustomer({ phone: '600 111 222' });
        assert.deepEqual(
          byPhone.map((order) => order.number),
          ['SB-10022', 'SB-10001', 'SB-10002', 'SB-10003'],
        );
        const byEmail = await store.findOrdersByCustomer({ email: 'JAMES.MILLER@example.com' });
        assert.deepEqual(byEmail.map((order) => order.number).sort(), ['SB-10004', 'SB-10005', 'SB-10016']);
        assert.deepEqual(await store.findOrdersByCustomer({ phone: '+1 555 000 0000' }), []);
      });
    });

    describe('returns', () => {
      it('createReturn() creates an RMA and marks the items as returned in it', async () => {
        const created = await store.createReturn(jacketReturn);
        assert.deepEqual(created, {
          rma: 'RMA-TEST0001',
          orderNumber: 'SB-10002',
          skus: ['RJK-M'],
          reason: 'wrongSize',
          refundMethod: 'storeCredit',
          createdAt: NOW.toISOString(),
        });
        const order = await store.findOrder('SB-10002');
        assert.equal(order?.items.find((item) => item.sku === 'RJK-M')?.returnedIn, 'RMA-TEST0001');
      });

      it('createReturn() is idempotent: the same key twice, even at once, creates one RMA', async () => {
        const [first, second] = await Promise.all([
          store.createReturn(jacketReturn),
          store.createReturn(jacketReturn),
        ]);
        const third = await store.createReturn(jacketReturn);
        assert.equal(first.rma, 'RMA-TEST0001');
        assert.deepEqual(second, first);
        assert.deepEqual(third, first);
        assert.equal(await store.findReturn('RMA-TEST0002'), undefined);
      });

      it('createReturn() refuses an item already in another return, and an item not in the order', async () => {
        await store.createReturn(jacketReturn);
        await assert.rejects(
          store.createReturn({ ...jacketReturn, idempotencyKey: 'another conversation' }),
          (error: unknown) =>
            error instanceof ReturnNotAllowedError && /already in RMA-TEST0001/.test(error.message),
        );
        await assert.rejects(
          store.createReturn({ ...jacketReturn, idempotencyKey: 'k3', skus: ['NOPE'] }),
          ReturnNotAllowedError,
        );
      });
    });

    describe('appointments', () => {
      const request = {
        idempotencyKey: 'test/c1/boot-fitting/' + THURSDAY_1645,
        serviceId: 'boot-fitting',
        start: THURSDAY_1645,
        contact: { email: 'me@example.com' },
      };

      it('freeSlots() leaves out booked slots and the ones too soon', async () => {
        const today = await store.freeSlots({ serviceId: 'repair-drop-off', from: '2025-06-11', days: 1 });
        // Now is 10:00 with an hour of notice: the first slot is 11:00.
        assert.equal(today[0]?.start, '2025-06-11T09:00:00.000Z');
        const friday = await store.freeSlots({ serviceId: 'repair-drop-off', from: '2025-06-13', days: 1 });
        assert.ok(!friday.some((slot) => slot.start === '2025-06-13T08:00:00.000Z'), 'BK-7Q4M2X holds 10:00');
        assert.ok(friday.some((slot) => slot.start === '2025-06-13T08:15:00.000Z'));
      });

      it('book() takes a free slot once; the slot is then gone', async () => {
        const booking = await store.book(request);
        assert.deepEqual(booking, {
          reference: 'BK-TEST01',
          serviceId: 'boot-fitting',
          start: THURSDAY_1645,
          end: '2025-06-12T15:30:00.000Z',
          status: 'confirmed',
          contact: { email: 'me@example.com' },
        });
        const slots = await store.freeSlots({ serviceId: 'boot-fitting', from: '2025-06-12', days: 1 });
        assert.ok(!slots.some((slot) => slot.start === THURSDAY_1645));
        assert.deepEqual(await store.book(request), booking, 'the same key books once');
      });

      it('book() refuses a time that is not a slot', async () => {
        await assert.rejects(store.book({ ...request, start: '2025-06-12T14:50:00.000Z' }), SlotTakenError);
        await assert.rejects(
          store.book({ ...request, start: '2025-06-15T08:00:00.000Z' }),
          SlotTakenError,
          'Sunday',
        );
      });

      it('two customers racing for the last slot: exactly one gets it', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, index) =>
            store.book({
              ...request,
              idempotencyKey: `customer-${index}`,
              contact: { email: `c${index}@example.com` },
            }),
          ),
        );
        assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
        for (const result of results.filter((r) => r.status === 'rejected')) {
          assert.ok(result.reason instanceof SlotTakenError);
        }
      });

      it('reschedule() moves a booking to a free slot, which may overlap its own old time', async () => {
        const moved = await store.reschedule('BK-7Q4M2X', '2025-06-13T08:15:00.000Z');
        assert.equal(moved.start, '2025-06-13T08:15:00.000Z');
        const back = await store.reschedule('bk-7q4m2x', '2025-06-13T08:00:00.000Z');
        assert.equal(back.start, '2025-06-13T08:00:00.000Z');
        await store.book({ ...request, idempotencyKey: 'x' });
        await assert.rejects(store.reschedule('BK-9H3T6W', THURSDAY_1645), SlotTakenError);
      });

      it('cancelBooking() frees the slot; a cancelled booking cannot be moved', async () => {
        const cancelled = await store.cancelBooking('BK-7Q4M2X');
        assert.equal(cancelled.status, 'cancelled');
        const friday = await store.freeSlots({ serviceId: 'repair-drop-off', from: '2025-06-13', days: 1 });
        assert.ok(friday.some((slot) => slot.start === '2025-06-13T08:00:00.000Z'));
        await assert.rejects(store.reschedule('BK-7Q4M2X', '2025-06-13T08:15:00.000Z'), BookingNotFoundError);
        await assert.rejects(store.cancelBooking('BK-NOPE00'), BookingNotFoundError);
      });
    });
  });

describe('DemoStore in a SQLite file', () => {
  it('seeds a file once: data written after seeding survives reopening', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-shop-'));
    const file = path.join(dir, 'shop.sqlite');
    try {
      const first = DemoStore.open(file, { timezone: SHOP_TZ, clock: new TestClock() });
      const created = await first.createReturn(jacketReturn);
      await first.close();
      const later = new TestClock(new Date('2025-09-01T08:00:00Z'));
      const reopened = DemoStore.open(file, { timezone: SHOP_TZ, clock: later });
      try {
        assert.equal(await reopened.seededAt(), NOW.toISOString());
        assert.deepEqual(await reopened.findReturn(created.rma), created);
        assert.equal((await reopened.findOrder('SB-10002'))?.deliveredAt, '2025-06-06T11:05:00.000Z');
      } finally {
        await reopened.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('two processes on one file racing for the last slot: exactly one gets it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-race-'));
    const file = path.join(dir, 'shop.sqlite');
    // Seeded once here, so both processes open the same data.
    await DemoStore.open(file, { timezone: SHOP_TZ, clock: new TestClock() }).close();
    try {
      const racers = ['a', 'b'].map((key) =>
        spawn(
          process.execPath,
          ['--import', 'tsx', path.join(__dirname, 'bookSlotProcess.ts'), file, THURSDAY_1645, key],
          {
            stdio: ['pipe', 'pipe', 'inherit'],
          },
        ),
      );
      const lines = racers.map((child) => readLines(child));
      const closed = racers.map((child) => new Promise((resolve) => child.once('close', resolve)));
      // Both have the file open before either books: then they really race.
      await Promise.all(lines.map((next) => next()));
      for (const child of racers) child.stdin.write('go\n');
      const outcomes = (await Promise.all(lines.map((next) => next()))).map(
        (line) => JSON.parse(line) as { booked?: string; taken?: boolean },
      );
      assert.equal(outcomes.filter((outcome) => outcome.booked).length, 1, JSON.stringify(outcomes));
      assert.equal(outcomes.filter((outcome) => outcome.taken === true).length, 1, JSON.stringify(outcomes));
      await Promise.all(closed);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
