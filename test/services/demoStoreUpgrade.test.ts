import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqlite } from '../../bot/sqlite';
import { DemoStore } from '../../services/demo/demoStore';
import { ReturnNotAllowedError, SlotTakenError } from '../../services/errors';
import { SHOP_TZ, TestClock } from '../dialogs/commerceFixtures';

/** The schema of `shop.sqlite` as the demo store wrote it before it had migrations. */
const LEGACY_SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE customers (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, phone TEXT NOT NULL, postcode TEXT NOT NULL);
CREATE TABLE orders (
  number TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id), status TEXT NOT NULL,
  placed_at TEXT NOT NULL, carrier TEXT, tracking_number TEXT, expected_delivery TEXT, delivered_at TEXT);
CREATE TABLE order_items (
  order_number TEXT NOT NULL REFERENCES orders(number), sku TEXT NOT NULL, name TEXT NOT NULL,
  category TEXT NOT NULL, quantity INTEGER NOT NULL, names_json TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (order_number, sku));
CREATE TABLE returns (
  rma TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, order_number TEXT NOT NULL,
  reason TEXT NOT NULL, refund_method TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE return_items (
  order_number TEXT NOT NULL, sku TEXT NOT NULL, rma TEXT NOT NULL REFERENCES returns(rma),
  PRIMARY KEY (order_number, sku));
CREATE TABLE services (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, names_json TEXT NOT NULL, duration_minutes INTEGER NOT NULL,
  capacity INTEGER NOT NULL);
CREATE TABLE opening_hours (weekday INTEGER NOT NULL, open TEXT NOT NULL, close TEXT NOT NULL);
CREATE TABLE holidays (date TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE bookings (
  reference TEXT PRIMARY KEY, idempotency_key TEXT UNIQUE, service_id TEXT NOT NULL REFERENCES services(id),
  start TEXT NOT NULL, end TEXT NOT NULL, status TEXT NOT NULL, email TEXT, phone TEXT, created_at TEXT NOT NULL);
CREATE INDEX bookings_by_service ON bookings (service_id, status, start);
`;

/** A small shop as an earlier version left it: seeded in May, with a return and a booking made since. */
const LEGACY_DATA = `
INSERT INTO meta VALUES ('seededAt', '2025-05-02T08:00:00.000Z');
INSERT INTO customers VALUES ('c1', 'Ana García', 'ana.garcia@example.com', '+34600111222', '28013');
INSERT INTO orders VALUES ('SB-20001', 'c1', 'delivered', '2025-05-01T09:20:00.000Z', 'SEUR', 'SEUR1', NULL,
  '2025-05-04T11:05:00.000Z');
-- Inserted out of alphabetical order: the store lists items in the order they were written.
INSERT INTO order_items VALUES ('SB-20001', 'ZZ-2', 'Tent', 'camping', 1, '{}');
INSERT INTO order_items VALUES ('SB-20001', 'AA-1', 'Socks', 'clothing', 2, '{"es":"Calcetines"}');
INSERT INTO returns VALUES ('RMA-OLD00001', 'old/conversation', 'SB-20001', 'wrongSize', 'storeCredit',
  '2025-05-05T10:00:00.000Z');
INSERT INTO return_items VALUES ('SB-20001', 'ZZ-2', 'RMA-OLD00001');
INSERT INTO services VALUES ('boot-fitting', 'Boot fitting', '{"en":"Boot fitting"}', 45, 1);
INSERT INTO services VALUES ('repair-drop-off', 'Repair drop-off', '{"en":"Repair drop-off"}', 15, 1);
INSERT INTO opening_hours VALUES (4, '16:00', '20:00');
INSERT INTO bookings VALUES ('BK-OLD001', NULL, 'boot-fitting', '2025-06-12T14:45:00.000Z',
  '2025-06-12T15:30:00.000Z', 'confirmed', 'ana.garcia@example.com', NULL, '2025-05-06T10:00:00.000Z');
`;

describe('DemoStore on a shop.sqlite of an earlier version', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-legacy-shop-'));
    file = path.join(dir, 'shop.sqlite');
    const legacy = openSqlite(file);
    legacy.exec(LEGACY_SCHEMA);
    legacy.exec(LEGACY_DATA);
    legacy.close();
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its orders, returns and bookings, in their order, and is not seeded again', async () => {
    const store = DemoStore.open(file, { timezone: SHOP_TZ, clock: new TestClock() });
    try {
      assert.equal(await store.seededAt(), '2025-05-02T08:00:00.000Z');
      assert.equal(await store.findOrder('SB-10001'), undefined, 'no seed written over it');
      const order = await store.findOrder('SB-20001');
      assert.deepEqual(
        order?.items.map((item) => [item.sku, item.returnedIn, item.names]),
        [
          ['ZZ-2', 'RMA-OLD00001', undefined],
          ['AA-1', undefined, { es: 'Calcetines' }],
        ],
      );
      assert.deepEqual(await store.findReturn('RMA-OLD00001'), {
        rma: 'RMA-OLD00001',
        orderNumber: 'SB-20001',
        skus: ['ZZ-2'],
        reason: 'wrongSize',
        refundMethod: 'storeCredit',
        createdAt: '2025-05-05T10:00:00.000Z',
      });
      assert.deepEqual(
        (await store.listServices()).map((service) => service.id),
        ['boot-fitting', 'repair-drop-off'],
      );
      assert.equal((await store.findBooking('BK-OLD001'))?.status, 'confirmed');
      // The old rows still guard what they guarded: the returned item, the booked slot.
      await assert.rejects(
        store.createReturn({
          idempotencyKey: 'new/conversation',
          orderNumber: 'SB-20001',
          skus: ['ZZ-2'],
          reason: 'changedMind',
          refundMethod: 'originalPayment',
        }),
        ReturnNotAllowedError,
      );
      await assert.rejects(
        store.book({
          idempotencyKey: 'new/booking',
          serviceId: 'boot-fitting',
          start: '2025-06-12T14:45:00.000Z',
          contact: { email: 'me@example.com' },
        }),
        SlotTakenError,
      );
      const added = await store.createReturn({
        idempotencyKey: 'new/conversation',
        orderNumber: 'SB-20001',
        skus: ['AA-1'],
        reason: 'changedMind',
        refundMethod: 'originalPayment',
      });
      assert.deepEqual(added.skus, ['AA-1']);
    } finally {
      await store.close();
    }
    // Opened again, the upgraded file is simply at the latest schema.
    const reopened = DemoStore.open(file, { timezone: SHOP_TZ, clock: new TestClock() });
    try {
      assert.equal((await reopened.findOrder('SB-20001'))?.items.length, 2);
    } finally {
      await reopened.close();
    }
    const tables = openSqlite(file);
    try {
      const names = (
        tables.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
          name: string;
        }[]
      ).map((row) => row.name);
      assert.ok(!names.includes('orders') && names.includes('shop_orders'), names.join(', '));
    } finally {
      tables.close();
    }
  });
});
