import type { Transaction } from 'kysely';
import type { SharedDatabase, Tables } from '../database';
import type { ContentKind, ContentOverride, ContentValue } from './localeContent';

/** One change a lead (or an import) made, as the history shows it. */
export interface ContentChange {
  id: number;
  /** Milliseconds since the epoch. */
  at: number;
  actor: string;
  locale: string;
  kind: ContentKind;
  key: string;
  /** The value before and after the change; null where there was none. */
  before: ContentValue | null;
  after: ContentValue | null;
  /** The change this one undid. */
  revertOf?: number;
}

/** What a change records; the store numbers and stamps it. */
export interface NewContentChange {
  actor: string;
  locale: string;
  kind: ContentKind;
  key: string;
  before: ContentValue | null;
  after: ContentValue | null;
  /** The shipped value of the key: a change back to it removes the override instead of storing one. */
  shipped: ContentValue | null;
  revertOf?: number;
}

const json = (value: ContentValue | null): string => JSON.stringify(value);
const parsed = (text: string | null): ContentValue | null =>
  text === null ? null : (JSON.parse(text) as ContentValue | null);

/**
 * The leads' edits of the shipped locale files: one override per changed key (the shipped files
 * stay the base) and the history of every change (who, when, before, after), in the state
 * database (SQLite by default, the shared database when instances share one), so every
 * instance reads the same content. The number of changes is the content's version.
 */
export class ContentStore {
  constructor(private readonly database: SharedDatabase) {}

  private get db(): SharedDatabase['db'] {
    return this.database.db;
  }

  /** Every override, oldest change first. */
  async overrides(): Promise<ContentOverride[]> {
    await this.database.ready;
    const rows = await this.db.selectFrom('content_override').selectAll().orderBy('updated_at').execute();
    return rows.map((row) => ({
      locale: row.locale,
      kind: row.kind as ContentKind,
      key: row.key,
      value: parsed(row.value),
    }));
  }

  /**
   * How many changes were ever committed; 0 before the first. Instances compare it to know they
   * are behind. NOTE: a count, not the newest id: PostgreSQL hands out ids when a change starts,
   * so a change with a lower id can commit after one with a higher id; changes are never deleted,
   * so every commit raises the count.
   */
  async version(): Promise<number> {
    await this.database.ready;
    const row = await this.db
      .selectFrom('content_change')
      .select((eb) => eb.fn.countAll().as('changes'))
      .executeTakeFirst();
    return Number(row?.changes ?? 0);
  }

  /** Records a change and sets (or, back at the shipped value, removes) the key's override, at once. */
  async change(change: NewContentChange, now: number): Promise<ContentChange> {
    const [done] = await this.changeAll([change], now);
    return done!;
  }

  /** Records several changes in one transaction: all of them or none (an import). */
  async changeAll(changes: readonly NewContentChange[], now: number): Promise<ContentChange[]> {
    await this.database.ready;
    return this.db.transaction().execute(async (trx) => {
      const done: ContentChange[] = [];
      for (const change of changes) done.push(await recordChange(trx, change, now));
      return done;
    });
  }

  /** Changes, newest first, of one locale or all. */
  async history(options: { locale?: string; limit: number }): Promise<ContentChange[]> {
    await this.database.ready;
    let query = this.db.selectFrom('content_change').selectAll().orderBy('id', 'desc').limit(options.limit);
    if (options.locale) query = query.where('locale', '=', options.locale);
    return (await query.execute()).map(changeOf);
  }

  /** One change, or undefined. */
  async changeById(id: number): Promise<ContentChange | undefined> {
    await this.database.ready;
    const row = await this.db
      .selectFrom('content_change')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && changeOf(row);
  }
}

function changeOf(row: {
  id: number;
  at: number;
  actor: string;
  locale: string;
  kind: string;
  key: string;
  before: string | null;
  after: string | null;
  revert_of: number | null;
}): ContentChange {
  return {
    id: Number(row.id),
    at: Number(row.at),
    actor: row.actor,
    locale: row.locale,
    kind: row.kind as ContentKind,
    key: row.key,
    before: parsed(row.before),
    after: parsed(row.after),
    ...(row.revert_of !== null ? { revertOf: Number(row.revert_of) } : {}),
  };
}

/** One change inside a transaction: the override set or removed, and the history entry. */
async function recordChange(
  trx: Transaction<Tables>,
  change: NewContentChange,
  now: number,
): Promise<ContentChange> {
  const where = { locale: change.locale, kind: change.kind, key: change.key };
  if (json(change.after) === json(change.shipped)) {
    await trx
      .deleteFrom('content_override')
      .where('locale', '=', where.locale)
      .where('kind', '=', where.kind)
      .where('key', '=', where.key)
      .execute();
  } else {
    const value = json(change.after);
    await trx
      .insertInto('content_override')
      .values({ ...where, value, updated_at: now, updated_by: change.actor })
      .onConflict((conflict) =>
        conflict
          .columns(['locale', 'kind', 'key'])
          .doUpdateSet({ value, updated_at: now, updated_by: change.actor }),
      )
      .execute();
  }
  const inserted = await trx
    .insertInto('content_change')
    .values({
      at: now,
      actor: change.actor,
      ...where,
      before: json(change.before),
      after: json(change.after),
      revert_of: change.revertOf ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    id: Number(inserted.id),
    at: now,
    actor: change.actor,
    ...where,
    before: change.before,
    after: change.after,
    ...(change.revertOf !== undefined ? { revertOf: change.revertOf } : {}),
  };
}
