import { sql } from 'kysely';
import type { SharedDatabase } from '../database';
import { normalizeUtterance } from '../language/recognizer';
import { MAX_PHRASE_CHARS } from './contentValidation';

/** A message the bot did not understand, as the studio's inbox lists it. */
export interface UnrecognizedItem {
  id: number;
  /** Redacted: no personal data reaches the inbox. */
  text: string;
  locale: string;
  /** How many times customers wrote it (told apart only by case, accents and punctuation). */
  count: number;
  /** Milliseconds since the epoch. */
  lastSeen: number;
  status: 'open' | 'assigned' | 'dismissed';
}

/** Longest message kept (as long as an example may be); longer ones are cut. */
const MAX_TEXT_CHARS = MAX_PHRASE_CHARS;

/**
 * Messages the bot scored `None` or could only guess at, grouped by their normalized text, so a
 * lead sees the most frequent first and turns each into an example with one click. Texts arrive
 * redacted. A dismissed message stays dismissed when it comes again (only its count grows); one
 * assigned to an intent that still is not understood opens again.
 */
export class UnrecognizedInbox {
  constructor(private readonly database: SharedDatabase) {}

  private get db(): SharedDatabase['db'] {
    return this.database.db;
  }

  /** Counts one message (already redacted). Blank messages are not kept. */
  async record(redactedText: string, locale: string, now: number): Promise<void> {
    const text = redactedText.trim().slice(0, MAX_TEXT_CHARS);
    const normalized = normalizeUtterance(text);
    if (!normalized) return;
    await this.database.ready;
    await this.db
      .insertInto('content_unrecognized')
      .values({ locale, normalized, text, count: 1, first_seen: now, last_seen: now, status: 'open' })
      .onConflict((conflict) =>
        conflict.columns(['locale', 'normalized']).doUpdateSet({
          text,
          last_seen: now,
          count: sql`content_unrecognized.count + 1`,
          status: sql`case when content_unrecognized.status = 'dismissed' then 'dismissed' else 'open' end`,
        }),
      )
      .execute();
  }

  /** Open messages, most frequent first, of one locale or all. */
  async open(options: { locale?: string; limit: number }): Promise<UnrecognizedItem[]> {
    await this.database.ready;
    let query = this.db
      .selectFrom('content_unrecognized')
      .selectAll()
      .where('status', '=', 'open')
      .orderBy('count', 'desc')
      .orderBy('last_seen', 'desc')
      .limit(options.limit);
    if (options.locale) query = query.where('locale', '=', options.locale);
    return (await query.execute()).map(itemOf);
  }

  async get(id: number): Promise<UnrecognizedItem | undefined> {
    await this.database.ready;
    const row = await this.db
      .selectFrom('content_unrecognized')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && itemOf(row);
  }

  /** Removes messages last written before `before` (ms), whatever their status; how many went. */
  async expire(before: number): Promise<number> {
    await this.database.ready;
    const result = await this.db
      .deleteFrom('content_unrecognized')
      .where('last_seen', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Marks a message assigned (it became an example) or dismissed. */
  async close(id: number, status: 'assigned' | 'dismissed'): Promise<void> {
    await this.database.ready;
    await this.db.updateTable('content_unrecognized').set({ status }).where('id', '=', id).execute();
  }
}

function itemOf(row: {
  id: number;
  text: string;
  locale: string;
  count: number;
  last_seen: number;
  status: string;
}): UnrecognizedItem {
  return {
    id: Number(row.id),
    text: row.text,
    locale: row.locale,
    count: Number(row.count),
    lastSeen: Number(row.last_seen),
    status: row.status as UnrecognizedItem['status'],
  };
}
