import type { Kysely } from 'kysely';
import { schemaReady, type SharedDatabase } from '../database';
import type { MigrationSet } from '../database/migrations';

/** The insights store's schema versions (see bot/database/migrations.ts for the rules). */
export const INSIGHTS_MIGRATIONS: MigrationSet = {
  store: 'insights',
  migrations: {
    '0001_insights': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('insight_events')
          .addColumn('at', 'bigint', (column) => column.notNull())
          .addColumn('day', 'text', (column) => column.notNull())
          .addColumn('kind', 'text', (column) => column.notNull())
          .addColumn('conversation', 'text', (column) => column.notNull())
          .addColumn('channel', 'text', (column) => column.notNull())
          .addColumn('locale', 'text', (column) => column.notNull())
          .addColumn('team', 'text', (column) => column.notNull())
          .addColumn('name', 'text')
          .addColumn('step', 'text')
          .addColumn('value', 'double precision')
          .execute();
        await db.schema
          .createIndex('insight_events_day')
          .on('insight_events')
          .columns(['day', 'kind'])
          .execute();
        await db.schema
          .createIndex('insight_events_conversation')
          .on('insight_events')
          .columns(['conversation', 'kind'])
          .execute();
        await db.schema
          .createTable('insight_open_tasks')
          .addColumn('conversation', 'text', (column) => column.primaryKey())
          .addColumn('task', 'text', (column) => column.notNull())
          .addColumn('started_at', 'bigint', (column) => column.notNull())
          .addColumn('step', 'text', (column) => column.notNull())
          .addColumn('steps', 'text', (column) => column.notNull())
          .addColumn('last_at', 'bigint', (column) => column.notNull())
          .addColumn('held', 'integer', (column) => column.notNull().defaultTo(0))
          .addColumn('channel', 'text', (column) => column.notNull())
          .addColumn('locale', 'text', (column) => column.notNull())
          .addColumn('team', 'text', (column) => column.notNull())
          .execute();
        await db.schema
          .createIndex('insight_open_tasks_idle')
          .on('insight_open_tasks')
          .columns(['held', 'last_at'])
          .execute();
        await db.schema
          .createTable('insight_settings')
          .addColumn('name', 'text', (column) => column.primaryKey())
          .addColumn('value', 'text', (column) => column.notNull())
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        for (const table of ['insight_settings', 'insight_open_tasks', 'insight_events'])
          await db.schema.dropTable(table).execute();
      },
    },
  },
};

/** Settles when `database` holds the insights tables (see {@link schemaReady}). */
export function insightsSchemaReady(database: SharedDatabase): Promise<void> {
  return schemaReady(database, INSIGHTS_MIGRATIONS);
}
