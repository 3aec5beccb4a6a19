import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Storage, StoreItems } from 'botbuilder';
import { openSqlite } from '../sqlite';
import { ETagConflictError } from './etagConflict';
import { KnownRows, type StoredRow } from './knownRows';
import { rememberStoredJson, takeJsonForWrite } from './storedJson';
import {
  answersQuery,
  hasShape,
  mentionPattern,
  shapePattern,
  type KeyShape,
  type StateQuery,
  type StateRecord,
  type StateRecords,
} from './stateRecords';
import { WalCheckpointer } from './walCheckpointer';

interface Row {
  key: string;
  value: string;
  etag: string;
}

/** What one `write` call asks: each key with its item and the item's JSON when a state offered it. */
type WriteEntries = [key: string, item: Record<string, unknown>, json: string | undefined][];

/** A `write` waiting for the group commit. */
interface QueuedWrite {
  entries: WriteEntries;
  resolve: () => void;
  reject: (error: Error) => void;
}

function jsonWithoutETag(item: Record<string, unknown>): string {
  const { eTag: _eTag, ...rest } = item;
  return JSON.stringify(rest);
}

/**
 * Bot Framework {@link Storage} on one SQLite file (better-sqlite3, WAL mode).
 *
 * Semantics match botbuilder's MemoryStorage, with one difference: a `write` is atomic, so an
 * eTag conflict on one key leaves every key of that call unchanged.
 * - `read` returns only the keys it finds, each with its current `eTag`.
 * - `write` with no eTag or `'*'` overwrites; with a stale eTag it rejects with {@link ETagConflictError}.
 * - `delete` of a missing key is not an error.
 */
export class SqliteStorage implements Storage, StateRecords {
  private readonly db: Database.Database;
  private readonly selectOne: Database.Statement<[string], Row>;
  private readonly upsert: Database.Statement<[string, string, string, number]>;
  private readonly remove: Database.Statement<[string]>;
  // NOTE: better-sqlite3 builds a wrapper per `transaction()` call; these are built once, not per write.
  private readonly writeAll: (entries: WriteEntries, now: number) => [key: string, row: StoredRow][];
  private readonly writeGroup: (
    batch: readonly QueuedWrite[],
    now: number,
  ) => (Error | [string, StoredRow][])[];
  private readonly groupCommits: boolean;
  private queued: QueuedWrite[] = [];
  private readonly deleteAll: (keys: string[]) => void;
  private readonly checkpointer: WalCheckpointer | undefined;
  private readonly known: KnownRows | undefined;

  /**
   * Opens (creating when missing, private) the database file; its folder is created too. With
   * `checkpointInBackground` (the server's store), the write-ahead log is checkpointed by a
   * worker thread on a timer rather than by a commit of a turn (see {@link WalCheckpointer}).
   * With `rememberRows` (the server's store), rows already read or written are read from
   * memory while no other connection commits (see {@link KnownRows}). With `groupCommits` (the
   * server's store), the writes of one event-loop turn are committed together (see {@link write}).
   */
  constructor(
    readonly file: string,
    options: { checkpointInBackground?: boolean; rememberRows?: boolean; groupCommits?: boolean } = {},
  ) {
    this.db = openSqlite(file);
    this.db.exec(`CREATE TABLE IF NOT EXISTS state (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      etag TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    ) WITHOUT ROWID`);
    this.selectOne = this.db.prepare('SELECT key, value, etag FROM state WHERE key = ?');
    this.upsert = this.db.prepare(
      `INSERT INTO state (key, value, etag, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at`,
    );
    this.remove = this.db.prepare('DELETE FROM state WHERE key = ?');
    this.writeAll = this.db.transaction((entries: WriteEntries, now: number) =>
      entries.map(([key, item, json]): [string, StoredRow] => {
        const expected = item.eTag;
        if (typeof expected === 'string' && expected !== '*') {
          const current = this.selectOne.get(key);
          if (current && current.etag !== expected) throw new ETagConflictError(key);
        }
        const row = { value: json ?? jsonWithoutETag(item), etag: randomUUID() };
        this.upsert.run(key, row.value, row.etag, now);
        return [key, row];
      }),
    );
    // NOTE: `writeAll` called inside this transaction runs as a savepoint (better-sqlite3 nests
    // transaction functions so): a conflict undoes that one write and the others stay.
    this.writeGroup = this.db.transaction((batch: readonly QueuedWrite[], now: number) =>
      batch.map(({ entries }) => {
        try {
          return this.writeAll(entries, now);
        } catch (error) {
          if (error instanceof ETagConflictError) return error;
          throw error;
        }
      }),
    );
    this.groupCommits = options.groupCommits === true;
    this.deleteAll = this.db.transaction((keys: string[]) => {
      for (const key of keys) this.remove.run(key);
    });
    this.checkpointer =
      options.checkpointInBackground && file !== ':memory:' ? new WalCheckpointer(this.db, file) : undefined;
    if (options.rememberRows) {
      const dataVersion = this.db.prepare<[], number>('PRAGMA data_version').pluck();
      this.known = new KnownRows(() => dataVersion.get() ?? 0);
    }
  }

  /** The background checkpointer, when there is one (tests). */
  get walCheckpointer(): WalCheckpointer | undefined {
    return this.checkpointer;
  }

  /** True until {@link close} is called. */
  get isOpen(): boolean {
    return this.db.open;
  }

  read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    for (const key of keys) {
      let row = this.known?.get(key);
      if (row === undefined) {
        row = this.selectOne.get(key) ?? null;
        this.known?.set(key, row);
      }
      if (row) {
        // The parsed value is a fresh object, so the eTag is set on it rather than on a copy.
        const item = JSON.parse(row.value) as Record<string, unknown>;
        rememberStoredJson(item, row.value);
        item.eTag = row.etag;
        items[key] = item;
      }
    }
    return Promise.resolve(items);
  }

  /**
   * Writes `changes` atomically. With `groupCommits`, the write waits for the end of the
   * event-loop turn and every write of that turn is committed in one transaction, each under a
   * savepoint of its own, in the order they were asked: a transaction costs more than its rows
   * (one write alone took 70 µs of CPU, one of 16 in a transaction 24 µs, docs/performance.md),
   * and a turn writes its state once or twice. The promise still resolves only once the write
   * is committed, and an eTag conflict still rejects only the write it belongs to.
   */
  write(changes: StoreItems): Promise<void> {
    if (!changes) return Promise.reject(new ReferenceError('SqliteStorage.write(): changes are required'));
    // Offers are taken before anything can fail, so none is left for a later write of the item.
    const entries = (Object.entries(changes) as [string, Record<string, unknown>][]).map(
      ([key, item]): [string, Record<string, unknown>, string | undefined] => [
        key,
        item,
        takeJsonForWrite(item),
      ],
    );
    if (this.groupCommits) {
      return new Promise((resolve, reject) => {
        if (this.queued.push({ entries, resolve, reject }) === 1) setImmediate(() => this.commitQueued());
      });
    }
    try {
      this.remember(this.writeAll(entries, Date.now()));
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * Commits the queued writes, if any. NOTE: called first by everything else that reads or
   * changes rows the way a later write would not (delete, erase, expire, the records and the
   * count) and by close, so those see every write asked before them, in order. `read` does not
   * wait: a write whose promise has not resolved may or may not be seen, as with any store.
   */
  private commitQueued(): void {
    const batch = this.queued;
    if (batch.length === 0) return;
    this.queued = [];
    let outcomes: (Error | [string, StoredRow][])[];
    try {
      outcomes = this.writeGroup(batch, Date.now());
    } catch (error) {
      // Nothing of the group was written.
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const write of batch) write.reject(failure);
      return;
    }
    batch.forEach((write, i) => {
      const outcome = outcomes[i];
      if (outcome instanceof Error) return write.reject(outcome);
      if (outcome) this.remember(outcome);
      write.resolve();
    });
  }

  private remember(written: [string, StoredRow][]): void {
    if (this.known) for (const [key, row] of written) this.known.set(key, row);
  }

  delete(keys: string[]): Promise<void> {
    this.commitQueued();
    try {
      this.deleteAll(keys);
    } finally {
      // Forgotten also when the delete failed: the connection reads the rows again.
      for (const key of keys) this.known?.forget(key);
    }
    return Promise.resolve();
  }

  recordsOf(query: StateQuery): Promise<StateRecord[]> {
    this.commitQueued();
    const likes = [
      ...(query.keys ?? []).map((shape) => ({ column: 'key', pattern: shapePattern(shape) })),
      ...(query.mentions ?? []).map((text) => ({ column: 'lower(value)', pattern: mentionPattern(text) })),
    ];
    if (likes.length === 0) return Promise.resolve([]);
    const rows = this.db
      .prepare<string[], Row & { updated_at: number }>(
        `SELECT key, value, etag, updated_at FROM state WHERE ${likes.map((like) => `${like.column} LIKE ? ESCAPE '\\'`).join(' OR ')} ORDER BY key`,
      )
      .all(...likes.map((like) => like.pattern));
    return Promise.resolve(
      rows
        .filter((row) => answersQuery(row.key, row.value, query))
        .map((row) => ({ key: row.key, value: JSON.parse(row.value) as unknown, updatedAt: row.updated_at })),
    );
  }

  erase(keys: readonly string[]): Promise<number> {
    this.commitQueued();
    const run = this.db.transaction(() => keys.reduce((n, key) => n + this.remove.run(key).changes, 0));
    const erased = run();
    this.known?.clear();
    return Promise.resolve(erased);
  }

  expire(shape: KeyShape, before: number, keep: ReadonlySet<string> = new Set()): Promise<number> {
    this.commitQueued();
    const run = this.db.transaction(() => {
      const keys = this.db
        .prepare<[string, number], { key: string }>(
          `SELECT key FROM state WHERE key LIKE ? ESCAPE '\\' AND updated_at < ?`,
        )
        .all(shapePattern(shape), before)
        .map((row) => row.key)
        .filter((key) => hasShape(key, shape) && !keep.has(key));
      return keys.reduce((n, key) => n + this.remove.run(key).changes, 0);
    });
    const expired = run();
    this.known?.clear();
    return Promise.resolve(expired);
  }

  /** Number of stored items; used by readiness checks and the benchmark. */
  count(): number {
    this.commitQueued();
    return (this.db.prepare('SELECT COUNT(*) AS n FROM state').get() as { n: number }).n;
  }

  /** Closes the file; later calls fail. Safe to call twice. */
  close(): void {
    if (!this.db.open) return;
    this.commitQueued();
    this.known?.clear();
    void this.checkpointer?.stop();
    this.db.close();
  }
}
