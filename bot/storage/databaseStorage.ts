import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import { sql } from 'kysely';
import type { SharedDatabase } from '../database';
import { ETagConflictError } from './etagConflict';
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

/** Thrown inside the write transaction to roll back every key of the call. */
class RolledBack extends Error {
  constructor(readonly conflict: ETagConflictError) {
    super(conflict.message);
  }
}

/**
 * Bot Framework {@link Storage} on the shared database (SQLite or PostgreSQL), so several
 * instances see one state. Semantics match {@link SqliteStorage} and botbuilder's MemoryStorage:
 * - `read` returns only the keys it finds, each with its current `eTag`;
 * - `write` with no eTag or `'*'` overwrites; with a stale eTag it rejects with
 *   {@link ETagConflictError} and, being one transaction, changes none of the call's keys;
 * - `delete` of a missing key is not an error.
 *
 * NOTE: the eTag check is the upsert's own `WHERE` (`ON CONFLICT … DO UPDATE … WHERE etag =`),
 * so two instances writing the same key at once cannot both pass it: the row lock PostgreSQL
 * takes for the update makes the second see the first's new eTag and update nothing.
 */
export class DatabaseStorage implements Storage, StateRecords {
  constructor(private readonly database: SharedDatabase) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    await this.database.ready;
    const rows = await this.database.db
      .selectFrom('state')
      .select(['key', 'value', 'etag'])
      .where('key', 'in', [...new Set(keys)])
      .execute();
    for (const row of rows) {
      const item = JSON.parse(row.value) as Record<string, unknown>;
      item.eTag = row.etag;
      items[row.key] = item;
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('DatabaseStorage.write(): changes are required');
    const entries = Object.entries(changes) as [string, Record<string, unknown>][];
    if (entries.length === 0) return;
    await this.database.ready;
    const now = Date.now();
    try {
      await this.database.db.transaction().execute(async (trx) => {
        for (const [key, item] of entries) {
          const { eTag: expected, ...value } = item;
          const row = { key, value: JSON.stringify(value), etag: randomUUID(), updated_at: now };
          const conditional = typeof expected === 'string' && expected !== '*';
          const result = await trx
            .insertInto('state')
            .values(row)
            .onConflict((conflict) => {
              const update = conflict
                .column('key')
                .doUpdateSet({ value: row.value, etag: row.etag, updated_at: row.updated_at });
              return conditional ? update.where('state.etag', '=', expected) : update;
            })
            .executeTakeFirst();
          if (conditional && Number(result.numInsertedOrUpdatedRows ?? 0) === 0) {
            throw new RolledBack(new ETagConflictError(key));
          }
        }
      });
    } catch (error) {
      throw error instanceof RolledBack ? error.conflict : error;
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.database.ready;
    await this.database.db.deleteFrom('state').where('key', 'in', keys).execute();
  }

  async recordsOf(query: StateQuery): Promise<StateRecord[]> {
    const shapes = query.keys ?? [];
    const mentions = query.mentions ?? [];
    if (shapes.length + mentions.length === 0) return [];
    await this.database.ready;
    const rows = await this.database.db
      .selectFrom('state')
      .select(['key', 'value', 'updated_at'])
      .where((eb) =>
        eb.or([
          ...shapes.map((shape) => eb('key', 'like', sql<string>`${shapePattern(shape)} escape '\\'`)),
          ...mentions.map((text) =>
            eb(eb.fn('lower', ['value']), 'like', sql<string>`${mentionPattern(text)} escape '\\'`),
          ),
        ]),
      )
      .orderBy('key')
      .execute();
    return rows
      .filter((row) => answersQuery(row.key, row.value, query))
      .map((row) => ({
        key: row.key,
        value: JSON.parse(row.value) as unknown,
        updatedAt: Number(row.updated_at),
      }));
  }

  async erase(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    await this.database.ready;
    const result = await this.database.db
      .deleteFrom('state')
      .where('key', 'in', [...keys])
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async expire(shape: KeyShape, before: number, keep: ReadonlySet<string> = new Set()): Promise<number> {
    await this.database.ready;
    const rows = await this.database.db
      .selectFrom('state')
      .select('key')
      .where('key', 'like', sql<string>`${shapePattern(shape)} escape '\\'`)
      .where('updated_at', '<', before)
      .execute();
    const keys = rows.map((row) => row.key).filter((key) => hasShape(key, shape) && !keep.has(key));
    // NOTE: the age is checked again in the delete, so an item written meanwhile stays.
    let removed = 0;
    for (let at = 0; at < keys.length; at += 500) {
      const result = await this.database.db
        .deleteFrom('state')
        .where('key', 'in', keys.slice(at, at + 500))
        .where('updated_at', '<', before)
        .executeTakeFirst();
      removed += Number(result.numDeletedRows);
    }
    return removed;
  }

  /** Number of stored items; used by the benchmark. */
  async count(): Promise<number> {
    await this.database.ready;
    const row = await this.database.db
      .selectFrom('state')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
