import type { Activity } from 'botbuilder';
import type { SharedDatabase } from '../../bot/database';
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

/** A unique index refused a row (the same clientActivityId posted twice at once). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * The Direct Line transcript store: conversations, every activity in order with its watermark,
 * and uploads, kept for a retention window so a client that resumes with its watermark, even
 * after a restart or on another instance, receives what it missed. One implementation on the
 * shared database layer: a SQLite file by default, PostgreSQL with `STORAGE=postgres`.
 */
export class ConversationStore {
  /** `database` must hold the Direct Line schema (`DIRECT_LINE_MIGRATIONS`). */
  constructor(
    private readonly database: SharedDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  private get db(): SharedDatabase['db'] {
    return this.database.db;
  }

  /** Starts a conversation; starting one that exists returns it unchanged. */
  async createConversation(
    id: string,
    userId: string,
    locale: string | undefined,
    customer?: TrustedCustomer,
  ): Promise<StoredConversation> {
    await this.database.ready;
    const now = this.now();
    await this.db
      .insertInto('dl_conversations')
      .values({
        id,
        user_id: userId,
        locale: locale ?? null,
        customer: customer ? JSON.stringify(customer) : null,
        created_at: now,
        last_activity_at: now,
        last_seq: 0,
      })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute();
    const conversation = await this.getConversation(id);
    if (!conversation) throw new Error(`ConversationStore.createConversation(): ${id} was not stored`);
    return conversation;
  }

  async getConversation(id: string): Promise<StoredConversation | undefined> {
    await this.database.ready;
    const row = await this.db
      .selectFrom('dl_conversations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      userId: row.user_id,
      locale: row.locale ?? undefined,
      customer: row.customer === null ? undefined : (JSON.parse(row.customer) as TrustedCustomer),
      createdAt: Number(row.created_at),
      lastActivityAt: Number(row.last_activity_at),
    };
  }

  /**
   * Appends an activity under the next watermark; `build` gets its sequence number to set the
   * id. An activity whose `clientActivityId` was already stored is not stored again: the first
   * one is returned with `duplicate: true` (a client retrying a post it thinks was lost).
   * NOTE: the watermark comes from `UPDATE … last_seq = last_seq + 1 RETURNING`, whose row lock
   * orders concurrent appends of one conversation, also from several instances.
   */
  async append(
    conversationId: string,
    build: (seq: number) => Activity,
    clientActivityId?: string,
  ): Promise<{ activity: Activity; seq: number; duplicate: boolean }> {
    await this.database.ready;
    const existing = async (): Promise<
      { activity: Activity; seq: number; duplicate: boolean } | undefined
    > => {
      if (!clientActivityId) return undefined;
      const row = await this.db
        .selectFrom('dl_activities')
        .select(['seq', 'json'])
        .where('conversation_id', '=', conversationId)
        .where('client_activity_id', '=', clientActivityId)
        .executeTakeFirst();
      return row
        ? { activity: JSON.parse(row.json) as Activity, seq: Number(row.seq), duplicate: true }
        : undefined;
    };
    const already = await existing();
    if (already) return already;
    try {
      return await this.db.transaction().execute(async (trx) => {
        const now = this.now();
        const updated = await trx
          .updateTable('dl_conversations')
          .set((eb) => ({ last_seq: eb('last_seq', '+', 1), last_activity_at: now }))
          .where('id', '=', conversationId)
          .returning('last_seq')
          .executeTakeFirst();
        if (!updated) throw new Error(`ConversationStore.append(): unknown conversation ${conversationId}`);
        const seq = Number(updated.last_seq);
        const activity = build(seq);
        await trx
          .insertInto('dl_activities')
          .values({
            conversation_id: conversationId,
            seq,
            type: activity.type,
            client_activity_id: clientActivityId ?? null,
            json: JSON.stringify(activity),
            created_at: now,
          })
          .execute();
        return { activity, seq, duplicate: false };
      });
    } catch (error) {
      // The same post arrived twice at once (two instances): the one stored first is the answer.
      const stored = isUniqueViolation(error) ? await existing() : undefined;
      if (stored) return stored;
      throw error;
    }
  }

  /** Replaces a stored activity (an update from the bot) under a new watermark, keeping its id. */
  async replace(conversationId: string, activity: Activity): Promise<number> {
    return (await this.append(conversationId, () => activity)).seq;
  }

  /** The activities after `watermark` (exclusive), oldest first, and the watermark to ask with next. */
  async activitiesAfter(conversationId: string, watermark: number): Promise<ActivitySet> {
    await this.database.ready;
    const rows = await this.db
      .selectFrom('dl_activities')
      .select(['seq', 'type', 'json', 'created_at'])
      .where('conversation_id', '=', conversationId)
      .where('seq', '>', watermark)
      .orderBy('seq')
      .execute();
    const staleTyping = this.now() - TYPING_REPLAY_MS;
    const activities = rows
      .filter((row) => row.type !== 'typing' || Number(row.created_at) >= staleTyping)
      .map((row) => JSON.parse(row.json) as Activity);
    const last = rows.at(-1)?.seq;
    return { activities, watermark: String(last === undefined ? Math.max(watermark, 0) : Number(last)) };
  }

  async saveUpload(upload: StoredUpload): Promise<void> {
    await this.database.ready;
    await this.db
      .insertInto('dl_uploads')
      .values({
        id: upload.id,
        conversation_id: upload.conversationId,
        name: upload.name,
        content_type: upload.contentType,
        data: upload.data,
        created_at: this.now(),
      })
      .execute();
  }

  async getUpload(conversationId: string, id: string): Promise<StoredUpload | undefined> {
    await this.database.ready;
    const row = await this.db
      .selectFrom('dl_uploads')
      .select(['id', 'name', 'content_type', 'data'])
      .where('conversation_id', '=', conversationId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      conversationId,
      name: row.name,
      contentType: row.content_type,
      data: Buffer.from(row.data),
    };
  }

  /** Forgets conversations idle for longer than `retentionMs`, with their activities and uploads. */
  async prune(retentionMs: number): Promise<number> {
    await this.database.ready;
    const cutoff = this.now() - retentionMs;
    return this.db.transaction().execute(async (trx) => {
      const expired = trx.selectFrom('dl_conversations').select('id').where('last_activity_at', '<', cutoff);
      await trx.deleteFrom('dl_activities').where('conversation_id', 'in', expired).execute();
      await trx.deleteFrom('dl_uploads').where('conversation_id', 'in', expired).execute();
      const removed = await trx
        .deleteFrom('dl_conversations')
        .where('last_activity_at', '<', cutoff)
        .executeTakeFirst();
      return Number(removed.numDeletedRows);
    });
  }

  /**
   * Ids of the conversations of some users, or whose customer the shop vouched for with one
   * of `emails` or `phones` (phones compared by their digits), for the privacy tools.
   */
  async conversationsOf(match: {
    userIds?: readonly string[];
    emails?: readonly string[];
    phones?: readonly string[];
  }): Promise<string[]> {
    await this.database.ready;
    const found = new Set<string>();
    const userIds = [...(match.userIds ?? [])];
    if (userIds.length > 0) {
      const rows = await this.db
        .selectFrom('dl_conversations')
        .select('id')
        .where('user_id', 'in', userIds)
        .execute();
      for (const row of rows) found.add(row.id);
    }
    const emails = new Set((match.emails ?? []).map((email) => email.toLowerCase()));
    const phones = new Set((match.phones ?? []).map((phone) => phone.replace(/\D/g, '')));
    if (emails.size + phones.size > 0) {
      const rows = await this.db
        .selectFrom('dl_conversations')
        .select(['id', 'customer'])
        .where('customer', 'is not', null)
        .execute();
      for (const row of rows) {
        const verified = (JSON.parse(row.customer ?? '{}') as TrustedCustomer).verified;
        if (
          (verified?.email !== undefined && emails.has(verified.email.toLowerCase())) ||
          (verified?.phone !== undefined && phones.has(verified.phone.replace(/\D/g, '')))
        )
          found.add(row.id);
      }
    }
    return [...found].sort();
  }

  /** Everything stored of some conversations: the conversations, their activities and uploads. */
  async recordsOf(conversationIds: readonly string[]): Promise<{
    conversations: StoredConversation[];
    activities: { conversationId: string; seq: number; createdAt: number; activity: Activity }[];
    uploads: (Omit<StoredUpload, 'data'> & { createdAt: number; dataBase64: string })[];
  }> {
    const ids = [...conversationIds];
    if (ids.length === 0) return { conversations: [], activities: [], uploads: [] };
    await this.database.ready;
    const conversations: StoredConversation[] = [];
    for (const id of ids) {
      const conversation = await this.getConversation(id);
      if (conversation) conversations.push(conversation);
    }
    const activities = await this.db
      .selectFrom('dl_activities')
      .select(['conversation_id', 'seq', 'json', 'created_at'])
      .where('conversation_id', 'in', ids)
      .orderBy('conversation_id')
      .orderBy('seq')
      .execute();
    const uploads = await this.db
      .selectFrom('dl_uploads')
      .selectAll()
      .where('conversation_id', 'in', ids)
      .orderBy('created_at')
      .execute();
    return {
      conversations,
      activities: activities.map((row) => ({
        conversationId: row.conversation_id,
        seq: Number(row.seq),
        createdAt: Number(row.created_at),
        activity: JSON.parse(row.json) as Activity,
      })),
      uploads: uploads.map((row) => ({
        id: row.id,
        conversationId: row.conversation_id,
        name: row.name,
        contentType: row.content_type,
        createdAt: Number(row.created_at),
        dataBase64: Buffer.from(row.data).toString('base64'),
      })),
    };
  }

  /** Deletes some conversations with their activities and uploads; resolves with what went. */
  async erase(
    conversationIds: readonly string[],
  ): Promise<{ conversations: number; activities: number; uploads: number }> {
    const ids = [...conversationIds];
    if (ids.length === 0) return { conversations: 0, activities: 0, uploads: 0 };
    await this.database.ready;
    return this.db.transaction().execute(async (trx) => {
      const activities = await trx
        .deleteFrom('dl_activities')
        .where('conversation_id', 'in', ids)
        .executeTakeFirst();
      const uploads = await trx
        .deleteFrom('dl_uploads')
        .where('conversation_id', 'in', ids)
        .executeTakeFirst();
      const conversations = await trx
        .deleteFrom('dl_conversations')
        .where('id', 'in', ids)
        .executeTakeFirst();
      return {
        conversations: Number(conversations.numDeletedRows),
        activities: Number(activities.numDeletedRows),
        uploads: Number(uploads.numDeletedRows),
      };
    });
  }

  /**
   * Deletes activities and uploads stored before `before` (ms), and conversations idle since
   * then, whatever the Direct Line retention window: the transcript retention of the privacy
   * policy (`TRANSCRIPT_RETENTION_DAYS`).
   */
  async expire(before: number): Promise<{ conversations: number; activities: number; uploads: number }> {
    await this.database.ready;
    return this.db.transaction().execute(async (trx) => {
      const activities = await trx
        .deleteFrom('dl_activities')
        .where('created_at', '<', before)
        .executeTakeFirst();
      const uploads = await trx.deleteFrom('dl_uploads').where('created_at', '<', before).executeTakeFirst();
      const idle = trx.selectFrom('dl_conversations').select('id').where('last_activity_at', '<', before);
      await trx.deleteFrom('dl_activities').where('conversation_id', 'in', idle).execute();
      await trx.deleteFrom('dl_uploads').where('conversation_id', 'in', idle).execute();
      const conversations = await trx
        .deleteFrom('dl_conversations')
        .where('last_activity_at', '<', before)
        .executeTakeFirst();
      return {
        conversations: Number(conversations.numDeletedRows),
        activities: Number(activities.numDeletedRows),
        uploads: Number(uploads.numDeletedRows),
      };
    });
  }

  get isOpen(): boolean {
    return this.database.isOpen;
  }
}
