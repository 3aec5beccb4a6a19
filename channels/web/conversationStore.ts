import type Database from 'better-sqlite3';
import { openSqlite } from '../../bot/sqlite';
import type { Activity } from 'botbuilder';
import type { TrustedCustomer } from './tokens';

/** A Direct Line conversation as the endpoint keeps it. */
export interface StoredConversation {
  id: string;
  userId: string;
  locale: string | undefined;
  /** What the shop's server vouched for about the customer when the conversation started. */
  customer: TrustedCustomer | undefined;
  createdAt: number;
  lastActivityAt: number;
}

/** What `GET …/activities` answers: the activities after a watermark and the new watermark. */
export interface ActivitySet {
  activities: Activity[];
  watermark: string;
}

/** A file a customer uploaded, kept until the conversation expires. */
export interface StoredUpload {
  id: string;
  conversationId: string;
  name: string;
  contentType: string;
  data: Buffer;
}

/** Typing indicators older than this are not replayed: they would show a bot typing long ago. */
const TYPING_REPLAY_MS = 10_000;

/** Direct Line activity ids look like the service's own: `<conversation>|<7-digit sequence>`. */
export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${seq.toString().padStart(7, '0')}`;
}

/**
 * The Direct Line transcript store (SQLite): conversations, every activity in order with its
 * watermark, and uploads, kept for a retention window so a client that resumes with its
 * watermark, even after a restart, receives what it missed.
 */
export class ConversationStore {
  private readonly db: Database.Database;

  /** Opens `file` (created when missing), or an in-memory database for `':memory:'`. */
  constructor(
    file: string,
    private readonly now: () => number = Date.now,
  ) {
    this.db = openSqlite(file);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS conversations (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        locale TEXT,
        created_at INTEGER NOT NULL,
        last_activity_at INTEGER NOT NULL,
        last_seq INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS activities (
        conversation_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        client_activity_id TEXT,
        json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX IF NOT EXISTS activities_client_id
        ON activities (conversation_id, client_activity_id) WHERE client_activity_id IS NOT NULL;
      CREATE TABLE IF NOT EXISTS conversation_customers (
        conversation_id TEXT PRIMARY KEY,
        customer TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS uploads (
        id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        name TEXT NOT NULL,
        content_type TEXT NOT NULL,
        data BLOB NOT NULL,
        created_at INTEGER NOT NULL
      );
    `);
  }

  /** Starts a conversation; starting one that exists returns it unchanged. */
  createConversation(
    id: string,
    userId: string,
    locale: string | undefined,
    customer?: TrustedCustomer,
  ): StoredConversation {
    const now = this.now();
    const created = this.db
      .prepare(
        `INSERT INTO conversations (id, user_id, locale, created_at, last_activity_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO NOTHING`,
      )
      .run(id, userId, locale ?? null, now, now).changes;
    if (created === 1 && customer) {
      this.db
        .prepare('INSERT INTO conversation_customers (conversation_id, customer) VALUES (?, ?)')
        .run(id, JSON.stringify(customer));
    }
    const conversation = this.getConversation(id);
    if (!conversation) throw new Error(`ConversationStore.createConversation(): ${id} was not stored`);
    return conversation;
  }

  getConversation(id: string): StoredConversation | undefined {
    const row = this.db
      .prepare<
        [string],
        { id: string; user_id: string; locale: string | null; created_at: number; last_activity_at: number }
      >('SELECT id, user_id, locale, created_at, last_activity_at FROM conversations WHERE id = ?')
      .get(id);
    if (!row) return undefined;
    const customer = this.db
      .prepare<[string], { customer: string }>(
        'SELECT customer FROM conversation_customers WHERE conversation_id = ?',
      )
      .get(id);
    return {
      id: row.id,
      userId: row.user_id,
      locale: row.locale ?? undefined,
      customer: customer ? (JSON.parse(customer.customer) as TrustedCustomer) : undefined,
      createdAt: row.created_at,
      lastActivityAt: row.last_activity_at,
    };
  }

  /**
   * Appends an activity under the next watermark; `build` gets its sequence number to set the
   * id. An activity whose `clientActivityId` was already stored is not stored again: the first
   * one is returned with `duplicate: true` (a client retrying a post it thinks was lost).
   */
  append(
    conversationId: string,
    build: (seq: number) => Activity,
    clientActivityId?: string,
  ): { activity: Activity; seq: number; duplicate: boolean } {
    const run = this.db.transaction(() => {
      if (clientActivityId) {
        const existing = this.db
          .prepare<[string, string], { seq: number; json: string }>(
            'SELECT seq, json FROM activities WHERE conversation_id = ? AND client_activity_id = ?',
          )
          .get(conversationId, clientActivityId);
        if (existing) {
          return { activity: JSON.parse(existing.json) as Activity, seq: existing.seq, duplicate: true };
        }
      }
      const now = this.now();
      const updated = this.db
        .prepare<[number, string], { last_seq: number }>(
          'UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = ? WHERE id = ? RETURNING last_seq',
        )
        .get(now, conversationId);
      if (!updated) throw new Error(`ConversationStore.append(): unknown conversation ${conversationId}`);
      const activity = build(updated.last_seq);
      this.db
        .prepare(
          'INSERT INTO activities (conversation_id, seq, type, client_activity_id, json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          conversationId,
          updated.last_seq,
          activity.type,
          clientActivityId ?? null,
          JSON.stringify(activity),
          now,
        );
      return { activity, seq: updated.last_seq, duplicate: false };
    });
    return run();
  }

  /** Replaces a stored activity (an update from the bot) under a new watermark, keeping its id. */
  replace(conversationId: string, activity: Activity): number {
    return this.append(conversationId, () => activity).seq;
  }

  /** The activities after `watermark` (exclusive), oldest first, and the watermark to ask with next. */
  activitiesAfter(conversationId: string, watermark: number): ActivitySet {
    const rows = this.db
      .prepare<[string, number], { seq: number; type: string; json: string; created_at: number }>(
        'SELECT seq, type, json, created_at FROM activities WHERE conversation_id = ? AND seq > ? ORDER BY seq',
      )
      .all(conversationId, watermark);
    const staleTyping = this.now() - TYPING_REPLAY_MS;
    const activities = rows
      .filter((row) => row.type !== 'typing' || row.created_at >= staleTyping)
      .map((row) => JSON.parse(row.json) as Activity);
    const last = rows.at(-1)?.seq ?? Math.max(watermark, 0);
    return { activities, watermark: String(last) };
  }

  saveUpload(upload: StoredUpload): void {
    this.db
      .prepare(
        'INSERT INTO uploads (id, conversation_id, name, content_type, data, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(upload.id, upload.conversationId, upload.name, upload.contentType, upload.data, this.now());
  }

  getUpload(conversationId: string, id: string): StoredUpload | undefined {
    const row = this.db
      .prepare<[string, string], { id: string; name: string; content_type: string; data: Buffer }>(
        'SELECT id, name, content_type, data FROM uploads WHERE conversation_id = ? AND id = ?',
      )
      .get(conversationId, id);
    if (!row) return undefined;
    return { id: row.id, conversationId, name: row.name, contentType: row.content_type, data: row.data };
  }

  /** Forgets conversations idle for longer than `retentionMs`, with their activities and uploads. */
  prune(retentionMs: number): number {
    const cutoff = this.now() - retentionMs;
    const run = this.db.transaction(() => {
      const expired = this.db
        .prepare<[number], { id: string }>('SELECT id FROM conversations WHERE last_activity_at < ?')
        .all(cutoff);
      for (const { id } of expired) {
        this.db.prepare('DELETE FROM activities WHERE conversation_id = ?').run(id);
        this.db.prepare('DELETE FROM uploads WHERE conversation_id = ?').run(id);
        this.db.prepare('DELETE FROM conversation_customers WHERE conversation_id = ?').run(id);
        this.db.prepare('DELETE FROM conversations WHERE id = ?').run(id);
      }
      return expired.length;
    });
    return run();
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
