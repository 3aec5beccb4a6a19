import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect, MigrationSet } from '../../bot/database/migrations';

/**
 * The tables of the demo shop, `shop_` before each name as every store's tables carry their
 * store's name in a shared database.
 */
const SHOP_TABLES = [
  'meta',
  'customers',
  'orders',
  'order_items',
  'returns',
  'return_items',
  'services',
  'opening_hours',
  'holidays',
  'bookings',
] as const;

/**
 * NOTE: the demo store kept its own SQLite file (`DATA_DIR/shop.sqlite`) before it had
 * migrations, with the same tables under names without `shop_`. Such a file is brought to
 * this schema rather than re-seeded, so the returns and bookings made in it survive: its tables
 * are renamed (SQLite rewrites the foreign keys that name them), and the columns added since
 * are added, the item and service order taken from the rows' insertion order (`rowid`), which
 * is how the store ordered them before.
 */
async function upgradeLegacyFile(db: Kysely<unknown>): Promise<void> {
  const existing = new Set(
    (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map(
      (row) => row.name,
    ),
  );
  for (const table of SHOP_TABLES) {
    if (existing.has(table) && !existing.has(`shop_${table}`))
      await sql`alter table ${sql.table(table)} rename to ${sql.table(`shop_${table}`)}`.execute(db);
  }
  // Renamed with its table; the index of this schema replaces it.
  await sql`drop index if exists bookings_by_service`.execute(db);
  const columns = async (table: string): Promise<Set<string>> =>
    new Set(
      (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)).rows.map(
        (row) => row.name,
      ),
    );
  const items = await columns('shop_order_items');
  // Demo files from before items had names in other languages lack the column: added empty.
  if (items.size > 0 && !items.has('names_json'))
    await sql`alter table shop_order_items add column names_json text not null default '{}'`.execute(db);
  for (const table of ['shop_order_items', 'shop_return_items', 'shop_services']) {
    const present = await columns(table);
    if (present.size === 0 || present.has('position')) continue;
    await sql`alter table ${sql.table(table)} add column position integer not null default 0`.execute(db);
    await sql`update ${sql.table(table)} set position = rowid`.execute(db);
  }
}

const createTables = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    if (dialect === 'sqlite') await upgradeLegacyFile(db);
    // `IF NOT EXISTS`: an upgraded file (above) already has these tables, in this shape.
    await db.schema
      .createTable('shop_meta')
      .ifNotExists()
      .addColumn('key', 'text', (column) => column.primaryKey())
      .addColumn('value', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('shop_customers')
      .ifNotExists()
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('email', 'text', (column) => column.notNull())
      .addColumn('phone', 'text', (column) => column.notNull())
      .addColumn('postcode', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('shop_orders')
      .ifNotExists()
      .addColumn('number', 'text', (column) => column.primaryKey())
      .addColumn('customer_id', 'text', (column) => column.notNull().references('shop_customers.id'))
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('placed_at', 'text', (column) => column.notNull())
      .addColumn('carrier', 'text')
      .addColumn('tracking_number', 'text')
      .addColumn('expected_delivery', 'text')
      .addColumn('delivered_at', 'text')
      .execute();
    await db.schema
      .createTable('shop_order_items')
      .ifNotExists()
      .addColumn('order_number', 'text', (column) => column.notNull().references('shop_orders.number'))
      .addColumn('sku', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('category', 'text', (column) => column.notNull())
      .addColumn('quantity', 'integer', (column) => column.notNull())
      .addColumn('names_json', 'text', (column) => column.notNull().defaultTo('{}'))
      .addColumn('position', 'integer', (column) => column.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('shop_order_items_pk', ['order_number', 'sku'])
      .execute();
    await db.schema
      .createTable('shop_returns')
      .ifNotExists()
      .addColumn('rma', 'text', (column) => column.primaryKey())
      .addColumn('idempotency_key', 'text', (column) => column.notNull().unique())
      .addColumn('order_number', 'text', (column) => column.notNull())
      .addColumn('reason', 'text', (column) => column.notNull())
      .addColumn('refund_method', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .execute();
    // An order item can be in one return only: the primary key enforces it, across instances too.
    await db.schema
      .createTable('shop_return_items')
      .ifNotExists()
      .addColumn('order_number', 'text', (column) => column.notNull())
      .addColumn('sku', 'text', (column) => column.notNull())
      .addColumn('rma', 'text', (column) => column.notNull().references('shop_returns.rma'))
      .addColumn('position', 'integer', (column) => column.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('shop_return_items_pk', ['order_number', 'sku'])
      .execute();
    await db.schema
      .createTable('shop_services')
      .ifNotExists()
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('names_json', 'text', (column) => column.notNull())
      .addColumn('duration_minutes', 'integer', (column) => column.notNull())
      .addColumn('capacity', 'integer', (column) => column.notNull())
      .addColumn('position', 'integer', (column) => column.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('shop_opening_hours')
      .ifNotExists()
      .addColumn('weekday', 'integer', (column) => column.notNull())
      .addColumn('open', 'text', (column) => column.notNull())
      .addColumn('close', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('shop_holidays')
      .ifNotExists()
      .addColumn('date', 'text', (column) => column.primaryKey())
      .addColumn('name', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable('shop_bookings')
      .ifNotExists()
      .addColumn('reference', 'text', (column) => column.primaryKey())
      .addColumn('idempotency_key', 'text', (column) => column.unique())
      .addColumn('service_id', 'text', (column) => column.notNull().references('shop_services.id'))
      .addColumn('start', 'text', (column) => column.notNull())
      .addColumn('end', 'text', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('email', 'text')
      .addColumn('phone', 'text')
      .addColumn('created_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createIndex('shop_bookings_by_service')
      .ifNotExists()
      .on('shop_bookings')
      .columns(['service_id', 'status', 'start'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [...SHOP_TABLES].reverse()) await db.schema.dropTable(`shop_${table}`).execute();
  },
});

/**
 * The demo shop's schema versions (see bot/database/migrations.ts for the rules). The seed is
 * not a migration: it is dated by the clock and timezone of the instance that opens the store
 * first, which `DemoStore` writes once per database.
 */
export const DEMO_STORE_MIGRATIONS: MigrationSet = {
  store: 'shop',
  migrations: (dialect) => ({ '0001_shop': createTables(dialect) }),
};
