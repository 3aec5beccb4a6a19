import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Tables } from './schema';

/**
 * The schema's versions, oldest first. NOTE: a migration that has run is never edited: a
 * change is a new entry. Names sort in order (`0001_…`), which is how Kysely applies them.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001_state': {
    async up(db: Kysely<unknown>): Promise<void> {
      // `IF NOT EXISTS`: a SQLite file from before migrations already has this table, same shape.
      await db.schema
        .createTable('state')
        .ifNotExists()
        .addColumn('key', 'text', (column) => column.primaryKey())
        .addColumn('value', 'text', (column) => column.notNull())
        .addColumn('etag', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('state').execute();
    },
  },
  '0002_secret': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('secret')
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('value', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('secret').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

/** The names of every migration this build knows, oldest first. */
export const MIGRATION_NAMES = Object.keys(MIGRATIONS).sort();

/**
 * Brings the schema to this build's version. Safe to run from several instances at once:
 * Kysely's migrator holds a lock while it runs (a PostgreSQL advisory lock; SQLite has one
 * writer), so the first instance migrates and the others find the work done.
 */
export async function migrateToLatest(db: Kysely<Tables>, attempts = 1): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'switchboard_migration',
    migrationLockTableName: 'switchboard_migration_lock',
  });
  let { error, results } = await migrator.migrateToLatest();
  // NOTE: Kysely takes no lock on SQLite (one connection per process), so two processes on one
  // file can race: the loser's transaction rolls back, and once the winner has committed, a
  // second run finds every migration applied.
  for (let attempt = 1; error !== undefined && attempt < attempts; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    ({ error, results } = await migrator.migrateToLatest());
  }
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(`Database migration ${failed ?? '(before the first)'} failed: ${reason}`, {
      cause: error,
    });
  }
}

/** The migrations applied to `db`, oldest first (for tests and diagnostics). */
export async function appliedMigrations(db: Kysely<Tables>): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from switchboard_migration order by name`.execute(db);
  return rows.rows.map((row) => row.name);
}
