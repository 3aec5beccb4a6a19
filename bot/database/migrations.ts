import {
  Migrator,
  sql,
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import type { Tables } from './schema';

/**
 * The schema versions of one store, oldest first. NOTE: a migration that has run is never
 * edited: a change is a new entry. Names sort in order (`0001_…`), which is how Kysely applies
 * them. Each store keeps its own history (`switchboard_migration_<store>`), so a store can live
 * in a SQLite file of its own or share one PostgreSQL database with the others.
 */
export interface MigrationSet {
  store: string;
  /** The migrations, or a function of the dialect for a store whose history differs by dialect. */
  migrations: Record<string, Migration> | ((dialect: Dialect) => Record<string, Migration>);
}

/** The two dialects Switchboard's database speaks. */
export type Dialect = 'sqlite' | 'postgres';

/** An id the database numbers itself, in either dialect: `[type, column options]`. */
export const serialId = (
  dialect: Dialect,
): ['integer' | 'serial', (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] =>
  dialect === 'sqlite'
    ? ['integer', (column) => column.primaryKey().autoIncrement()]
    : ['serial', (column) => column.primaryKey()];

function migrationsOf(set: MigrationSet, dialect: Dialect): Record<string, Migration> {
  return typeof set.migrations === 'function' ? set.migrations(dialect) : set.migrations;
}

/** Bot state and the bot's generated secrets. */
export const STATE_MIGRATIONS: MigrationSet = {
  store: 'state',
  migrations: {
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
  },
};

/** The names of a set's migrations, oldest first. */
export function migrationNames(set: MigrationSet, dialect: Dialect = 'sqlite'): string[] {
  return Object.keys(migrationsOf(set, dialect)).sort();
}

/** The state store's migration names (tests compare with them). */
export const MIGRATION_NAMES = migrationNames(STATE_MIGRATIONS);

function migrator(db: Kysely<Tables>, set: MigrationSet, dialect: Dialect): Migrator {
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrationsOf(set, dialect)) };
  return new Migrator({
    db,
    provider,
    migrationTableName: `switchboard_migration_${set.store}`,
    migrationLockTableName: `switchboard_migration_${set.store}_lock`,
  });
}

/**
 * Brings one store's schema to this build's version. Safe to run from several instances at
 * once: Kysely's migrator holds a lock while it runs (a PostgreSQL advisory lock; SQLite has
 * one writer), so the first instance migrates and the others find the work done.
 */
export async function migrateToLatest(
  db: Kysely<Tables>,
  set: MigrationSet,
  dialect: Dialect,
  attempts = 1,
): Promise<void> {
  const migrations = migrator(db, set, dialect);
  let { error, results } = await migrations.migrateToLatest();
  // NOTE: Kysely takes no lock on SQLite (one connection per process), so two processes on one
  // file can race: the loser's transaction rolls back, and once the winner has committed, a
  // second run finds every migration applied.
  for (let attempt = 1; error !== undefined && attempt < attempts; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    ({ error, results } = await migrations.migrateToLatest());
  }
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(`Database migration ${set.store}/${failed ?? '(before the first)'} failed: ${reason}`, {
      cause: error,
    });
  }
}

/** The migrations of `set` applied to `db`, oldest first (for tests and diagnostics). */
export async function appliedMigrations(
  db: Kysely<Tables>,
  set: MigrationSet = STATE_MIGRATIONS,
): Promise<string[]> {
  const table = sql.table(`switchboard_migration_${set.store}`);
  const rows = await sql<{ name: string }>`select name from ${table} order by name`.execute(db);
  return rows.rows.map((row) => row.name);
}
