import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect, MigrationSet } from '../../bot/database/migrations';

/** Copies what a Direct Line SQLite file from before migrations holds, then drops the old tables. */
async function adoptLegacySqliteTables(db: Kysely<unknown>): Promise<void> {
  const legacy = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name = 'conversations'`.execute(db);
  if (legacy.rows.length === 0) return;
  await sql`insert into dl_conversations (id, user_id, locale, customer, created_at, last_activity_at, last_seq)
    select c.id, c.user_id, c.locale, cc.customer, c.created_at, c.last_activity_at, c.last_seq
    from conversations c left join conversation_customers cc on cc.conversation_id = c.id`.execute(db);
  await sql`insert into dl_activities (conversation_id, seq, type, client_activity_id, json, created_at)
    select conversation_id, seq, type, client_activity_id, json, created_at from activities`.execute(db);
  await sql`insert into dl_uploads (id, conversation_id, name, content_type, data, created_at)
    select id, conversation_id, name, content_type, data, created_at from uploads`.execute(db);
  for (const table of ['activities', 'conversation_customers', 'uploads', 'conversations']) {
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
  }
}

const createTables = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('dl_conversations')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('locale', 'text')
      .addColumn('customer', 'text')
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('last_activity_at', 'bigint', (column) => column.notNull())
      .addColumn('last_seq', 'integer', (column) => column.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('dl_conversations_last_activity')
      .on('dl_conversations')
      .column('last_activity_at')
      .execute();
    await db.schema
      .createTable('dl_activities')
      .addColumn('conversation_id', 'text', (column) => column.notNull())
      .addColumn('seq', 'integer', (column) => column.notNull())
      .addColumn('type', 'text', (column) => column.notNull())
      .addColumn('client_activity_id', 'text')
      .addColumn('json', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addPrimaryKeyConstraint('dl_activities_pk', ['conversation_id', 'seq'])
      .execute();
    // A client's retried post is recognized by its clientActivityId (partial index: both dialects).
    await sql`create unique index dl_activities_client_id on dl_activities (conversation_id, client_activity_id)
      where client_activity_id is not null`.execute(db);
    await db.schema
      .createTable('dl_uploads')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('conversation_id', 'text', (column) => column.notNull())
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('content_type', 'text', (column) => column.notNull())
      // NOTE: `bytea` is PostgreSQL's binary type; SQLite keeps a Buffer as a blob under any type name.
      .addColumn('data', 'bytea', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .execute();
    // A file from before migrations keeps what it holds; a PostgreSQL database never had those tables.
    if (dialect === 'sqlite') await adoptLegacySqliteTables(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['dl_uploads', 'dl_activities', 'dl_conversations'])
      await db.schema.dropTable(table).execute();
  },
});

/** The Direct Line store's schema versions. */
export const DIRECT_LINE_MIGRATIONS: MigrationSet = {
  store: 'directline',
  migrations: (dialect) => ({ '0001_directline': createTables(dialect) }),
};
