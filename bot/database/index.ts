import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { openSqlite } from '../sqlite';
import { withPreparedStatements } from './preparedStatements';
import { STATE_MIGRATIONS, migrateToLatest, type MigrationSet } from './migrations';
import type { Tables } from './schema';

export type { Tables } from './schema';
export { serialId, type Dialect, type MigrationSet } from './migrations';

/** Where the database is: a SQLite file (the embedded default) or a PostgreSQL server. */
export type DatabaseTarget =
  { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string; poolSize: number };

/**
 * One database for the stores that instances share, in either dialect, through one typed query
 * builder (Kysely), so each store is written once. The schema is migrated before the first query.
 */
export class SharedDatabase {
  readonly db: Kysely<Tables>;
  readonly dialect: DatabaseTarget['dialect'];
  /** Settles when the schema is at this build's version; rejects when migration failed. */
  readonly ready: Promise<void>;
  private closed = false;
  private reachable = true;

  /** `stores`: whose schemas this database holds (all of them on a shared server). */
  constructor(target: DatabaseTarget, stores: readonly MigrationSet[] = [STATE_MIGRATIONS]) {
    this.dialect = target.dialect;
    const db = new Kysely<Tables>({
      dialect:
        target.dialect === 'sqlite'
          ? new SqliteDialect({ database: withPreparedStatements(openSqlite(target.file)) })
          : new PostgresDialect({ pool: this.openPool(target) }),
    });
    this.db = db;
    const attempts = target.dialect === 'sqlite' ? 5 : 1;
    this.ready = (async () => {
      for (const store of stores) await migrateToLatest(db, store, target.dialect, attempts);
    })();
    // A failed migration is reported by whoever awaits `ready`; this keeps it from being unhandled meanwhile.
    this.ready.catch(() => undefined);
  }

  /**
   * The connection pool of a PostgreSQL server. NOTE: an idle connection the server ends (a
   * restart, a failover, an administrator) is an 'error' on the pool, which would end the process
   * unheard; the pool drops that connection and opens another for the next query, and `/readyz`
   * reports the database as unreachable until one works.
   */
  private openPool(target: { url: string; poolSize: number }): pg.Pool {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize });
    pool.on('error', () => {
      this.reachable = false;
    });
    return pool;
  }

  /** False after {@link close}, or when the last {@link ping} failed. */
  get isOpen(): boolean {
    return !this.closed && this.reachable;
  }

  /** Asks the server for a trivial answer; updates {@link isOpen}. */
  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.ready;
      await sql`select 1`.execute(this.db);
      this.reachable = true;
    } catch {
      this.reachable = false;
    }
    return this.reachable;
  }

  /** Closes the connections (the pool, or the file). Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready.catch(() => undefined);
    await this.db.destroy();
  }
}

const applied = new WeakMap<SharedDatabase, Map<string, Promise<void>>>();

/**
 * Settles when `database` is open and holds the tables of `set`. NOTE: the set is applied here
 * (a no-op when the database was opened with it), so a store given a database opened without
 * its set, by a tool, a test or another store's owner, gets its tables rather than failing
 * every query. Applied once per database and set.
 */
export function schemaReady(database: SharedDatabase, set: MigrationSet): Promise<void> {
  let sets = applied.get(database);
  if (!sets) {
    sets = new Map();
    applied.set(database, sets);
  }
  let ready = sets.get(set.store);
  if (!ready) {
    ready = database.ready.then(() =>
      migrateToLatest(database.db, set, database.dialect, database.dialect === 'sqlite' ? 5 : 1),
    );
    ready.catch(() => undefined);
    sets.set(set.store, ready);
  }
  return ready;
}
