import { SharedDatabase } from '../../bot/database';
import { migrateToLatest } from '../../bot/database/migrations';
import { DemoStore } from '../../services/demo/demoStore';
import { DEMO_STORE_MIGRATIONS } from '../../services/demo/migrations';
import type { Clock } from '../../services/types';
import { SHOP_TZ, TestClock, openTestStore, sequentialCodes } from '../dialogs/commerceFixtures';
import type { TestDialect } from '../insights/insightsDatabases';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

/** The shop's tables, children before the tables they refer to. */
const SHOP_TABLES = [
  'shop_return_items',
  'shop_returns',
  'shop_bookings',
  'shop_order_items',
  'shop_orders',
  'shop_customers',
  'shop_services',
  'shop_opening_hours',
  'shop_holidays',
  'shop_meta',
] as const;

/** Deletes every row of the shop, its seed mark included, so the next store opened seeds it again. */
export async function emptyShop(database: SharedDatabase): Promise<void> {
  for (const table of SHOP_TABLES) await database.db.deleteFrom(table).execute();
}

/** Opens a SharedDatabase on a PostgreSQL database, as one instance does. */
export function postgresDatabase(url: string): SharedDatabase {
  return new SharedDatabase({ dialect: 'postgres', url, poolSize: 4 }, []);
}

/**
 * Demo stores of one dialect for a suite: in memory for SQLite (each its own), in a fresh
 * PostgreSQL database otherwise, emptied before each store so every test starts from the seed.
 */
export function shopDatabase(dialect: TestDialect): {
  before: (suite: Mocha.Context) => Promise<void>;
  /** A freshly seeded store, at {@link NOW} by default, with predictable codes. */
  open: (clock?: Clock) => Promise<DemoStore>;
  after: () => Promise<void>;
} {
  let server: TestDatabase | undefined;
  let database: SharedDatabase | undefined;
  return {
    async before(suite) {
      if (dialect === 'sqlite') return;
      server = await createTestDatabase(suite);
      database = postgresDatabase(server.url);
      await database.ready;
      await migrateToLatest(database.db, DEMO_STORE_MIGRATIONS, 'postgres');
    },
    async open(clock = new TestClock()) {
      if (!database) return openTestStore(clock);
      await emptyShop(database);
      const store = DemoStore.inDatabase(database, {
        timezone: SHOP_TZ,
        clock,
        generateCode: sequentialCodes(),
      });
      await store.ready;
      return store;
    },
    async after() {
      await database?.close();
      await server?.drop();
    },
  };
}
