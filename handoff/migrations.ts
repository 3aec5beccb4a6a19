import { sql, type Kysely, type Migration } from 'kysely';
import { schemaReady, type SharedDatabase } from '../bot/database';
import { serialId, type Dialect, type MigrationSet } from '../bot/database/migrations';

/**
 * Columns added to a table after the first release of the handoff store: a `handoff.sqlite`
 * from before them lacks them, and `CREATE TABLE IF NOT EXISTS` keeps the old shape.
 */
const LATER_COLUMNS: readonly { table: string; column: string; type: 'text' }[] = [
  { table: 'transcript', column: 'original', type: 'text' },
];

/** Adds what {@link LATER_COLUMNS} names to the tables of an older SQLite file that lack it. */
async function addMissingSqliteColumns(db: Kysely<unknown>): Promise<void> {
  for (const { table, column, type } of LATER_COLUMNS) {
    const columns = await sql<{ name: string }>`pragma table_info(${sql.raw(table)})`.execute(db);
    if (!columns.rows.some((row) => row.name === column))
      await db.schema.alterTable(table).addColumn(column, type).execute();
  }
}

const createTables = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    // NOTE: `IF NOT EXISTS` everywhere: a `handoff.sqlite` from before migrations already has
    // these tables (its rows are kept), possibly without the columns added since.
    const [caseIdType, caseId] = serialId(dialect);
    await db.schema
      .createTable('cases')
      .ifNotExists()
      .addColumn('id', caseIdType, caseId)
      .addColumn('conversation_key', 'text', (column) => column.notNull())
      .addColumn('state', 'text', (column) => column.notNull())
      .addColumn('channel_id', 'text', (column) => column.notNull())
      // JSON, as are `tags` and `collected`.
      .addColumn('reference', 'text', (column) => column.notNull())
      .addColumn('locale', 'text', (column) => column.notNull())
      .addColumn('customer_name', 'text')
      .addColumn('reason', 'text', (column) => column.notNull())
      .addColumn('topic', 'text', (column) => column.notNull())
      .addColumn('sentiment', 'double precision')
      .addColumn('tags', 'text', (column) => column.notNull())
      .addColumn('team', 'text', (column) => column.notNull())
      .addColumn('agent_id', 'text')
      .addColumn('boost_ms', 'bigint', (column) => column.notNull())
      .addColumn('collected', 'text', (column) => column.notNull())
      .addColumn('queued_at', 'bigint', (column) => column.notNull())
      .addColumn('assigned_at', 'bigint')
      .addColumn('ended_at', 'bigint')
      .addColumn('disposition', 'text')
      .addColumn('satisfaction', 'integer')
      .addColumn('position_sent', 'integer')
      .addColumn('position_sent_at', 'bigint')
      .execute();
    // One open case per conversation: what makes enqueueing race-safe across instances.
    await sql`create unique index if not exists cases_one_active on cases (conversation_key)
      where state in ('queued', 'withAgent')`.execute(db);
    await db.schema.createIndex('cases_queue').ifNotExists().on('cases').columns(['state', 'team']).execute();
    await db.schema
      .createIndex('cases_history')
      .ifNotExists()
      .on('cases')
      .columns(['state', 'ended_at'])
      .execute();
    const [lineIdType, lineId] = serialId(dialect);
    await db.schema
      .createTable('transcript')
      .ifNotExists()
      .addColumn('id', lineIdType, lineId)
      .addColumn('conversation_key', 'text', (column) => column.notNull())
      .addColumn('at', 'bigint', (column) => column.notNull())
      .addColumn('role', 'text', (column) => column.notNull())
      .addColumn('agent_id', 'text')
      .addColumn('text', 'text', (column) => column.notNull())
      // The sealed original of a redacted customer line.
      .addColumn('original', 'text')
      .execute();
    if (dialect === 'sqlite') await addMissingSqliteColumns(db);
    await db.schema
      .createIndex('transcript_by_conversation')
      .ifNotExists()
      .on('transcript')
      .columns(['conversation_key', 'id'])
      .execute();
    await db.schema
      .createTable('pickups')
      .ifNotExists()
      .addColumn('at', 'bigint', (column) => column.notNull())
      .addColumn('wait_ms', 'bigint', (column) => column.notNull())
      .execute();
    const [ticketIdType, ticketId] = serialId(dialect);
    await db.schema
      .createTable('tickets')
      .ifNotExists()
      .addColumn('id', ticketIdType, ticketId)
      .addColumn('conversation_key', 'text', (column) => column.notNull())
      .addColumn('team', 'text', (column) => column.notNull())
      .addColumn('locale', 'text', (column) => column.notNull())
      .addColumn('text', 'text', (column) => column.notNull())
      .addColumn('collected', 'text', (column) => column.notNull())
      .addColumn('created_at', 'bigint', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .addColumn('closed_by', 'text')
      .addColumn('closed_at', 'bigint')
      .execute();
    const [replyIdType, replyId] = serialId(dialect);
    await db.schema
      .createTable('canned_replies')
      .ifNotExists()
      .addColumn('id', replyIdType, replyId)
      .addColumn('name', 'text', (column) => column.notNull())
      .addColumn('locale', 'text', (column) => column.notNull())
      .addColumn('team', 'text', (column) => column.notNull())
      .addColumn('text', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_by', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createIndex('canned_replies_unique')
      .ifNotExists()
      .unique()
      .on('canned_replies')
      .columns(['name', 'locale', 'team'])
      .execute();
    const [auditIdType, auditId] = serialId(dialect);
    await db.schema
      .createTable('audit')
      .ifNotExists()
      .addColumn('id', auditIdType, auditId)
      .addColumn('at', 'bigint', (column) => column.notNull())
      .addColumn('actor', 'text', (column) => column.notNull())
      .addColumn('action', 'text', (column) => column.notNull())
      .addColumn('case_id', 'integer')
      .addColumn('detail', 'text')
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['audit', 'canned_replies', 'tickets', 'pickups', 'transcript', 'cases'])
      await db.schema.dropTable(table).execute();
  },
});

/** The handoff store's schema versions: cases and their queue, transcripts, pickups, tickets, canned replies, audit. */
export const HANDOFF_MIGRATIONS: MigrationSet = {
  store: 'handoff',
  migrations: (dialect) => ({ '0001_handoff': createTables(dialect) }),
};

/** Settles when `database` holds the handoff tables (see {@link schemaReady}). */
export function handoffSchemaReady(database: SharedDatabase): Promise<void> {
  return schemaReady(database, HANDOFF_MIGRATIONS);
}
