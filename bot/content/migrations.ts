import { sql, type Kysely, type Migration } from 'kysely';
import { serialId, type Dialect, type MigrationSet } from '../database/migrations';

const createTables = (dialect: Dialect): Migration => ({
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('content_override')
      .addColumn('locale', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('key', 'text', (column) => column.notNull())
      // JSON; `null` is a removal (an FAQ entry of the shipped files deleted in the studio).
      .addColumn('value', 'text', (column) => column.notNull())
      .addColumn('updated_at', 'bigint', (column) => column.notNull())
      .addColumn('updated_by', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('content_override_pk', ['locale', 'kind', 'key'])
      .execute();
    const [idType, idColumn] = serialId(dialect);
    await db.schema
      .createTable('content_change')
      .addColumn('id', idType, idColumn)
      .addColumn('at', 'bigint', (column) => column.notNull())
      .addColumn('actor', 'text', (column) => column.notNull())
      .addColumn('locale', 'text', (column) => column.notNull())
      .addColumn('kind', 'text', (column) => column.notNull())
      .addColumn('key', 'text', (column) => column.notNull())
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addColumn('revert_of', 'integer')
      .execute();
    await db.schema
      .createIndex('content_change_locale')
      .on('content_change')
      .columns(['locale', 'id'])
      .execute();
    const [inboxIdType, inboxIdColumn] = serialId(dialect);
    await db.schema
      .createTable('content_unrecognized')
      .addColumn('id', inboxIdType, inboxIdColumn)
      .addColumn('locale', 'text', (column) => column.notNull())
      .addColumn('normalized', 'text', (column) => column.notNull())
      .addColumn('text', 'text', (column) => column.notNull())
      .addColumn('count', 'integer', (column) => column.notNull())
      .addColumn('first_seen', 'bigint', (column) => column.notNull())
      .addColumn('last_seen', 'bigint', (column) => column.notNull())
      .addColumn('status', 'text', (column) => column.notNull())
      .execute();
    await sql`create unique index content_unrecognized_text on content_unrecognized (locale, normalized)`.execute(
      db,
    );
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['content_unrecognized', 'content_change', 'content_override']) {
      await db.schema.dropTable(table).execute();
    }
  },
});

/** What the support leads changed in the studio (overrides of the shipped files, with history) and the unrecognized inbox. */
export const CONTENT_MIGRATIONS: MigrationSet = {
  store: 'content',
  migrations: (dialect) => ({ '0001_content': createTables(dialect) }),
};
