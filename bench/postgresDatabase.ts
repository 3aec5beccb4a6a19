import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import type { StateRow } from './prefill';

/** What PostgreSQL counted for one database (`pg_stat_database`), at one moment. */
export interface DatabaseCounters {
  /** Transactions committed (every statement outside `begin … commit` is one of its own). */
  commits: number;
  rollbacks: number;
  /** Rows returned by scans, and rows fetched by index lookups. */
  rowsReturned: number;
  rowsFetched: number;
  rowsInserted: number;
  rowsUpdated: number;
}

/**
 * A database of its own for one benchmark run on a PostgreSQL server (`CREATE DATABASE` through
 * the server's `postgres` database), so a run never meets another run's rows or counters.
 * {@link drop} removes it, connections and all.
 */
export class BenchDatabase {
  private constructor(
    private readonly serverUrl: string,
    readonly name: string,
    /** Connection string of the new database, for `DATABASE_URL`. */
    readonly url: string,
  ) {}

  /** Creates `switchboard_bench_<pid>_<random>` on the server at `serverUrl`. */
  static async create(serverUrl: string): Promise<BenchDatabase> {
    const name = `switchboard_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
    await BenchDatabase.onServer(serverUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return new BenchDatabase(serverUrl, name, url.toString());
  }

  private static async onServer<T>(serverUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
    const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
    try {
      await admin.connect();
    } catch (error) {
      await admin.end().catch(() => undefined);
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`bench: PostgreSQL at ${serverUrl} is not reachable (${reason})`);
    }
    try {
      return await work(admin);
    } finally {
      await admin.end();
    }
  }

  /**
   * Stores `rows` in the bot's `state` table (which the first instance to start created), in one
   * transaction, and returns how many rows the table then holds.
   */
  async insertState(rows: Iterable<StateRow>): Promise<number> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      const now = Date.now();
      await client.query('begin');
      for (const row of rows) {
        await client.query('insert into state (key, value, etag, updated_at) values ($1, $2, $3, $4)', [
          row.key,
          row.value,
          randomUUID(),
          now,
        ]);
      }
      await client.query('commit');
      const { rows: count } = await client.query<{ n: string }>('select count(*) as n from state');
      return Number(count[0]?.n ?? 0);
    } finally {
      await client.end();
    }
  }

  /**
   * The server's counters of this database. NOTE: each server process publishes them at the end
   * of a transaction at most once a second, and an idle one only after 10 s (PostgreSQL 15), so
   * read them more than 10 s after the load stops.
   */
  async counters(): Promise<DatabaseCounters> {
    return BenchDatabase.onServer(this.serverUrl, async (admin) => {
      const { rows } = await admin.query<Record<string, string>>(
        `select xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated
           from pg_stat_database where datname = $1`,
        [this.name],
      );
      const row = rows[0] ?? {};
      return {
        commits: Number(row.xact_commit ?? 0),
        rollbacks: Number(row.xact_rollback ?? 0),
        rowsReturned: Number(row.tup_returned ?? 0),
        rowsFetched: Number(row.tup_fetched ?? 0),
        rowsInserted: Number(row.tup_inserted ?? 0),
        rowsUpdated: Number(row.tup_updated ?? 0),
      };
    });
  }

  /**
   * CPU time so far (user + system, ms) of each server process serving this database, by pid,
   * when the server runs on this machine (from `/proc`). Read it at once after the load: the
   * bots' pools close connections idle for 10 s, and their processes' time goes with them.
   */
  async backendCpuMs(): Promise<Record<number, number>> {
    return BenchDatabase.onServer(this.serverUrl, async (admin) => {
      const { rows } = await admin.query<{ pid: number }>(
        'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [this.name],
      );
      return Object.fromEntries(rows.map(({ pid }) => [pid, processCpuMs(pid)]));
    });
  }

  /** Drops the database, ending the connections still open to it. */
  async drop(): Promise<void> {
    await BenchDatabase.onServer(this.serverUrl, (admin) =>
      admin.query(`DROP DATABASE IF EXISTS ${this.name} WITH (FORCE)`),
    );
  }
}

/** Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * User + system CPU time of a local process in ms, from `/proc/<pid>/stat`; 0 where there is
 * no `/proc` (the server on another machine) or the process has ended.
 */
export function processCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // Fields after the command name (which may hold spaces, in parentheses): utime is the 12th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
}

/** Subtracts counters read before from counters read after. */
export function countersSince(before: DatabaseCounters, after: DatabaseCounters): DatabaseCounters {
  return {
    commits: after.commits - before.commits,
    rollbacks: after.rollbacks - before.rollbacks,
    rowsReturned: after.rowsReturned - before.rowsReturned,
    rowsFetched: after.rowsFetched - before.rowsFetched,
    rowsInserted: after.rowsInserted - before.rowsInserted,
    rowsUpdated: after.rowsUpdated - before.rowsUpdated,
  };
}

/**
 * CPU the server processes spent between two readings of {@link BenchDatabase.backendCpuMs}:
 * those open at the second (one that ended in between is missing; one that started counts from
 * its start).
 */
export function cpuSince(before: Record<number, number>, after: Record<number, number>): number {
  let total = 0;
  for (const [pid, ms] of Object.entries(after)) total += ms - (before[Number(pid)] ?? 0);
  return total;
}
