import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqlite } from '../../bot/sqlite';
import { DemoStore } from '../../services/demo/demoStore';
import { parseOrder } from '../../services/rest/responses';
import { TestClock, openTestStore } from '../dialogs/commerceFixtures';

describe('item names in other languages', () => {
  it('the demo store gives each item its names by locale', async () => {
    const store = openTestStore();
    try {
      const jacket = (await store.findOrder('SB-10002'))?.items.find((item) => item.sku === 'RJK-M');
      assert.equal(jacket?.name, 'Rain jacket, M');
      assert.deepEqual(jacket?.names, {
        es: 'Chaqueta impermeable, M',
        'zh-CN': '防雨夹克，M 码',
        'zh-TW': '防雨外套，M 號',
        lv: 'Lietus jaka, M',
      });
    } finally {
      await store.close();
    }
  });

  it('a demo database whose items table predates item names gets the column and opens', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-items-'));
    const file = path.join(dir, 'demo.sqlite');
    try {
      const old = openSqlite(file);
      old.exec(`CREATE TABLE order_items (
        order_number TEXT NOT NULL, sku TEXT NOT NULL, name TEXT NOT NULL,
        category TEXT NOT NULL, quantity INTEGER NOT NULL, PRIMARY KEY (order_number, sku))`);
      old.close();
      const store = DemoStore.open(file, { timezone: 'Europe/Madrid', clock: new TestClock() });
      try {
        const order = await store.findOrder('SB-10002');
        assert.equal(order?.items.length, 3);
      } finally {
        await store.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the REST backend reads an item's names and leaves out entries that are not texts", () => {
    const order = parseOrder({
      number: 'SB-1',
      status: 'delivered',
      placedAt: '2025-06-01T10:00:00Z',
      customer: { name: 'Ana' },
      items: [
        {
          sku: 'RJK-M',
          name: 'Rain jacket, M',
          category: 'clothing',
          quantity: 1,
          names: { es: 'Chaqueta impermeable, M', lv: 7 },
        },
      ],
    });
    assert.deepEqual(order.items[0]?.names, { es: 'Chaqueta impermeable, M' });
  });
});
