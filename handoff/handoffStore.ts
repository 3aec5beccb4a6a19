import { sql, type Insertable, type Kysely, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { ConversationReference } from 'botbuilder';
import { BatchedWriter } from '../bot/batchedWriter';
import type { SharedDatabase, Tables } from '../bot/database';
import { ReusableQuery } from '../bot/database/reusableQuery';
import type {
  HandoffAuditTable,
  HandoffCannedReplyTable,
  HandoffCaseTable,
  HandoffTicketTable,
  HandoffTranscriptTable,
} from '../bot/database/schema';
import { handoffSchemaReady } from './migrations';
import type { TextSeal } from './sealedText';

/** Where a conversation stands with the humans: waiting in the queue, or talking to an agent. */
export type CaseState = 'queued' | 'withAgent' | 'ended';

/** Who wrote a transcript line. */
export type TranscriptRole = 'customer' | 'bot' | 'agent' | 'system';

/** One handoff of one conversation to the human team, from queueing to its end. */
export interface HandoffCase {
  id: number;
  /** `channelId/conversationId`, as turns are keyed. */
  conversationKey: string;
  state: CaseState;
  channelId: string;
  /** How to reach the customer on their channel (continueConversation). */
  reference: Partial<ConversationReference>;
  locale: string;
  customerName: string | undefined;
  /** Why the bot handed over: customerAsked, notUnderstood, backendDown, negativeSentiment, … */
  reason: string;
  /** Intent of the task the customer was in, or `none`. */
  topic: string;
  /** Negative-sentiment score 0..1 when known. */
  sentiment: number | undefined;
  tags: string[];
  team: string;
  agentId: string | undefined;
  /** Extra waiting time credited for priority (negative sentiment, tags). */
  boostMs: number;
  /** What the bot had collected: order number, RMA, booking… */
  collected: Record<string, unknown>;
  queuedAt: number;
  assignedAt: number | undefined;
  endedAt: number | undefined;
  disposition: string | undefined;
  satisfaction: number | undefined;
  /** Last queue position told to the customer, and when. */
  positionSent: number | undefined;
  positionSentAt: number | undefined;
}

export interface TranscriptLine {
  id: number;
  at: number;
  role: TranscriptRole;
  agentId: string | undefined;
  /** As agents see it: redacted. */
  text: string;
  /** Whether the original was kept (sealed) because redaction changed it; see {@link HandoffStore.originalText}. */
  redacted: boolean;
}

/** A transcript line to append. */
export interface NewTranscriptLine {
  role: TranscriptRole;
  /** Already redacted. */
  text: string;
  agentId?: string;
  /**
   * What the customer wrote before redaction, when it differs from `text`: kept encrypted so
   * the agent holding the case can reveal it for this one message (never logged, never listed).
   */
  original?: string;
}

export interface Ticket {
  id: number;
  conversationKey: string;
  team: string;
  locale: string;
  text: string;
  collected: Record<string, unknown>;
  createdAt: number;
  status: 'open' | 'closed';
  closedBy: string | undefined;
}

/**
 * What the handoff store lets everyone read. Only {@link HandoffDesk} holds the whole store and
 * writes to it; the console API, the event stream and the dialogs read through this.
 */
export type HandoffRecords = Pick<
  HandoffStore,
  | 'getCase'
  | 'activeCase'
  | 'queued'
  | 'withAgent'
  | 'position'
  | 'lastEndedCase'
  | 'averagePickupMs'
  | 'transcript'
  | 'transcriptLine'
  | 'originalText'
  | 'tickets'
  | 'ticket'
  | 'auditLog'
  | 'caseHistory'
  | 'cannedReplies'
  | 'cannedReply'
>;

/** What the case history is searched by; every field is optional and they combine with AND. */
export interface HistoryQuery {
  /** Part of the customer's name, an order number, RMA or booking reference (case-insensitive). */
  text?: string;
  channelId?: string;
  agentId?: string;
  disposition?: string;
  /** Ended at or after, ms since the epoch. */
  endedFrom?: number;
  /** Ended before, ms since the epoch. */
  endedBefore?: number;
  /** Only cases of these teams, or held by `orHeldBy` (an agent's own view); all when undefined. */
  teams?: readonly string[];
  orHeldBy?: string;
}

/** A reply a lead wrote once for agents to insert: per locale and team, with `{{placeholders}}`. */
export interface CannedReply {
  id: number;
  /** Short name typed after `/` in the reply box (letters, digits, `-`, `_`). */
  name: string;
  locale: string;
  team: string;
  text: string;
  updatedAt: number;
  updatedBy: string;
}

/** What is needed to put a conversation in the queue. */
export type NewCase = Pick<
  HandoffCase,
  | 'conversationKey'
  | 'channelId'
  | 'reference'
  | 'locale'
  | 'customerName'
  | 'reason'
  | 'topic'
  | 'sentiment'
  | 'tags'
  | 'team'
  | 'boostMs'
  | 'collected'
>;

type CaseRow = Selectable<HandoffCaseTable>;
type Db = Kysely<Tables>;

const orUndefined = <T>(value: T | null): T | undefined => (value === null ? undefined : value);
/** A number PostgreSQL may return as a string (`bigint` columns, counts, averages). */
const numberOrUndefined = (value: number | string | null): number | undefined =>
  value === null ? undefined : Number(value);

function toCase(row: CaseRow): HandoffCase {
  return {
    id: row.id,
    conversationKey: row.conversation_key,
    state: row.state as CaseState,
    channelId: row.channel_id,
    reference: JSON.parse(row.reference) as Partial<ConversationReference>,
    locale: row.locale,
    customerName: orUndefined(row.customer_name),
    reason: row.reason,
    topic: row.topic,
    sentiment: numberOrUndefined(row.sentiment),
    tags: JSON.parse(row.tags) as string[],
    team: row.team,
    agentId: orUndefined(row.agent_id),
    boostMs: Number(row.boost_ms),
    collected: JSON.parse(row.collected) as Record<string, unknown>,
    queuedAt: Number(row.queued_at),
    assignedAt: numberOrUndefined(row.assigned_at),
    endedAt: numberOrUndefined(row.ended_at),
    disposition: orUndefined(row.disposition),
    satisfaction: numberOrUndefined(row.satisfaction),
    positionSent: numberOrUndefined(row.position_sent),
    positionSentAt: numberOrUndefined(row.position_sent_at),
  };
}

function toCannedReply(row: Selectable<HandoffCannedReplyTable>): CannedReply {
  return {
    id: row.id,
    name: row.name,
    locale: row.locale,
    team: row.team,
    text: row.text,
    updatedAt: Number(row.updated_at),
    updatedBy: row.updated_by,
  };
}

function toTicket(row: Selectable<HandoffTicketTable>): Ticket {
  return {
    id: row.id,
    conversationKey: row.conversation_key,
    team: row.team,
    locale: row.locale,
    text: row.text,
    collected: JSON.parse(row.collected) as Record<string, unknown>,
    createdAt: Number(row.created_at),
    status: row.status as Ticket['status'],
    closedBy: orUndefined(row.closed_by),
  };
}

interface TranscriptRow {
  id: number;
  at: number | string;
  role: string;
  agent_id: string | null;
  text: string;
  /** 1 when an original was sealed (an integer in both dialects). */
  redacted: number | string;
}

function toTranscriptLine(row: TranscriptRow): TranscriptLine {
  return {
    id: row.id,
    at: Number(row.at),
    role: row.role as TranscriptRole,
    agentId: orUndefined(row.agent_id),
    text: row.text,
    redacted: Number(row.redacted) === 1,
  };
}

/** The columns of a transcript line as agents see it: whether it was redacted, never the original. */
const transcriptColumns = [
  'id',
  'at',
  'role',
  'agent_id',
  'text',
  sql<number>`case when original is null then 0 else 1 end`.as('redacted'),
] as const;

/**
 * A case still open (queued or with an agent). NOTE: written out with literals, as the partial
 * index `cases_one_active` is: only then can SQLite and PostgreSQL see that a query of one
 * conversation's open case is answered by that index (with parameters they cannot).
 */
const isOpenCase = sql<SqlBool>`state in ('queued', 'withAgent')`;

/** The conversation's open case: every turn asks, so the query is compiled once (see ReusableQuery). */
const ACTIVE_CASE = new ReusableQuery<Tables, CaseRow, { conversationKey: string }>((db, param) =>
  db
    .selectFrom('cases')
    .selectAll()
    .where('conversation_key', '=', param('conversationKey'))
    .where(isOpenCase),
);

/** Queue order: longest (credited) wait first, then first come. */
const credited = sql<number>`(queued_at - boost_ms)`;

/** A `LIKE … ESCAPE '\'` pattern for text that contains `text`. */
const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Rows per INSERT of a batch (well below either dialect's limit of parameters per statement). */
const ROWS_PER_INSERT = 500;
/** Sealed originals opened per query when searching them. */
const SEALED_PAGE = 1000;

/** A unique index refused a row (a canned reply renamed to a name its locale and team already have). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** A transcript line or an audit entry waiting for the next batch. */
type QueuedAppend =
  | { table: 'transcript'; row: Insertable<HandoffTranscriptTable> }
  | { table: 'audit'; row: Insertable<HandoffAuditTable> };

/**
 * The persisted side of human handoff, on the shared database layer (a SQLite file,
 * `DATA_DIR/handoff.sqlite`, by default; the shared PostgreSQL database with
 * `STORAGE=postgres`, so instances share one queue): cases and their queue, the transcript of
 * every conversation (redacted; the originals of redacted customer lines sealed with a key
 * from the secrets, when a {@link TextSeal} is given), tickets left outside business hours,
 * pickup times for wait estimates, canned replies, and the audit log. Every state change is a
 * single conditional UPDATE, so two agents racing for one case cannot both win, in one process
 * or across instances.
 */
export class HandoffStore {
  /** Transcript lines and audit entries, committed once per event-loop turn (see {@link flushWrites}). */
  private readonly writes: BatchedWriter<QueuedAppend>;
  private readonly schema: Promise<void>;
  private closed = false;

  /**
   * Without `seal`, originals are not kept and nothing can be revealed. `onWriteError` hears of
   * a queued transcript line or audit entry that could not be written (the database closed or
   * the disk is full); by default it becomes a process warning.
   */
  constructor(
    private readonly database: SharedDatabase,
    private readonly now: () => number = Date.now,
    private readonly seal?: TextSeal,
    options: { onWriteError?: (error: unknown) => void } = {},
  ) {
    this.schema = handoffSchemaReady(database);
    this.writes = new BatchedWriter((appends) => this.commitAppends(appends), {
      onError:
        options.onWriteError ??
        ((error) =>
          process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'HandoffStore')),
    });
  }

  /** The query builder, once the handoff tables exist. */
  private async db(): Promise<Db> {
    await this.schema;
    return this.database.db;
  }

  /**
   * Puts a conversation in the queue. A conversation already queued or with an agent keeps its
   * case: that one is returned with `created: false`. Race-safe across instances: of two at
   * once, the loser returns the winner's case.
   */
  async enqueue(newCase: NewCase): Promise<{ handoffCase: HandoffCase; created: boolean }> {
    const db = await this.db();
    // A case ending between the refused insert and the read leaves no open case: try again.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      // NOTE: insert first (one query when the conversation has no open case, the usual path);
      // the unique index refuses a second open case, also from another instance at the same
      // moment, and then the open case is read.
      const row = await db
        .insertInto('cases')
        .values({
          conversation_key: newCase.conversationKey,
          state: 'queued',
          channel_id: newCase.channelId,
          reference: JSON.stringify(newCase.reference),
          locale: newCase.locale,
          customer_name: newCase.customerName ?? null,
          reason: newCase.reason,
          topic: newCase.topic,
          sentiment: newCase.sentiment ?? null,
          tags: JSON.stringify(newCase.tags),
          team: newCase.team,
          boost_ms: newCase.boostMs,
          collected: JSON.stringify(newCase.collected),
          queued_at: this.now(),
        })
        .onConflict((conflict) => conflict.column('conversation_key').where(isOpenCase).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row) return { handoffCase: toCase(row), created: true };
      const active = await this.activeCase(newCase.conversationKey);
      if (active) return { handoffCase: active, created: false };
    }
    throw new Error(`HandoffStore.enqueue(): ${newCase.conversationKey} kept changing; try again`);
  }

  async getCase(id: number): Promise<HandoffCase | undefined> {
    const db = await this.db();
    const row = await db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toCase(row) : undefined;
  }

  /** The conversation's open case (queued or with an agent), if any: one indexed query, as every turn asks. */
  async activeCase(conversationKey: string): Promise<HandoffCase | undefined> {
    const row = await ACTIVE_CASE.executeTakeFirst(await this.db(), { conversationKey });
    return row ? toCase(row) : undefined;
  }

  /** Queued cases in queue order, of some teams or all. */
  async queued(teams?: readonly string[]): Promise<HandoffCase[]> {
    if (teams?.length === 0) return [];
    const db = await this.db();
    let query = db.selectFrom('cases').selectAll().where('state', '=', 'queued');
    if (teams !== undefined) query = query.where('team', 'in', teams);
    const rows = await query.orderBy(credited).orderBy('id').execute();
    return rows.map(toCase);
  }

  /** Cases with an agent, of one agent or all. */
  async withAgent(agentId?: string): Promise<HandoffCase[]> {
    const db = await this.db();
    let query = db.selectFrom('cases').selectAll().where('state', '=', 'withAgent');
    if (agentId !== undefined) query = query.where('agent_id', '=', agentId);
    const rows = await query.orderBy('assigned_at').orderBy('id').execute();
    return rows.map(toCase);
  }

  /** 1-based place of a queued case within its team's queue. */
  async position(handoffCase: HandoffCase): Promise<number> {
    const db = await this.db();
    const waited = handoffCase.queuedAt - handoffCase.boostMs;
    const row = await db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('state', '=', 'queued')
      .where('team', '=', handoffCase.team)
      .where((eb) =>
        eb.or([
          eb(credited, '<', waited),
          eb.and([eb(credited, '=', waited), eb('id', '<', handoffCase.id)]),
        ]),
      )
      .executeTakeFirstOrThrow();
    return Number(row.n) + 1;
  }

  /** Assigns a queued case to an agent; false when it is no longer queued (someone else won). */
  async claim(id: number, agentId: string, only: { team?: string } = {}): Promise<boolean> {
    const db = await this.db();
    return db.transaction().execute(async (trx) => {
      const now = this.now();
      // NOTE: one conditional UPDATE: of two claims at once (two processes on PostgreSQL
      // included), the second finds the row no longer queued and changes nothing. `team`: only
      // while the case is still in the queue the caller checked (it may have been transferred).
      let query = trx
        .updateTable('cases')
        .set({ state: 'withAgent', agent_id: agentId, assigned_at: now })
        .where('id', '=', id)
        .where('state', '=', 'queued');
      if (only.team !== undefined) query = query.where('team', '=', only.team);
      const claimed = await query.returning('queued_at').executeTakeFirst();
      if (!claimed) return false;
      await trx
        .insertInto('pickups')
        .values({ at: now, wait_ms: now - Number(claimed.queued_at) })
        .execute();
      return true;
    });
  }

  /** Hands a case to another agent directly; false unless it is with `fromAgent` now. */
  async reassign(id: number, fromAgent: string, toAgent: string): Promise<boolean> {
    const db = await this.db();
    const result = await db
      .updateTable('cases')
      .set({ agent_id: toAgent, assigned_at: this.now() })
      .where('id', '=', id)
      .where('state', '=', 'withAgent')
      .where('agent_id', '=', fromAgent)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Puts a case back in the queue of a team, keeping its place by original waiting time. */
  async requeue(id: number, fromAgent: string, team: string): Promise<boolean> {
    const db = await this.db();
    const result = await db
      .updateTable('cases')
      .set({ state: 'queued', team, agent_id: null, assigned_at: null })
      .where('id', '=', id)
      .where('state', '=', 'withAgent')
      .where('agent_id', '=', fromAgent)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Ends an open case; false when it had already ended. `agentId`, when given, must hold it. */
  async end(id: number, disposition: string, agentId?: string): Promise<boolean> {
    const db = await this.db();
    let query = db
      .updateTable('cases')
      .set({ state: 'ended', ended_at: this.now(), disposition })
      .where('id', '=', id)
      .where(isOpenCase);
    if (agentId !== undefined) query = query.where('agent_id', '=', agentId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Records the customer's 1–5 answer to the satisfaction question. */
  async recordSatisfaction(id: number, rating: number): Promise<void> {
    const db = await this.db();
    await db.updateTable('cases').set({ satisfaction: rating }).where('id', '=', id).execute();
  }

  /** The last ended case of a conversation (for the satisfaction answer). */
  async lastEndedCase(conversationKey: string): Promise<HandoffCase | undefined> {
    const db = await this.db();
    const row = await db
      .selectFrom('cases')
      .selectAll()
      .where('conversation_key', '=', conversationKey)
      .where('state', '=', 'ended')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toCase(row) : undefined;
  }

  async markPositionSent(id: number, position: number): Promise<void> {
    const db = await this.db();
    await db
      .updateTable('cases')
      .set({ position_sent: position, position_sent_at: this.now() })
      .where('id', '=', id)
      .execute();
  }

  /** Average wait before pickup over the last `sample` pickups, or undefined with none yet. */
  async averagePickupMs(sample = 20): Promise<number | undefined> {
    const db = await this.db();
    const recent = db
      .selectFrom('pickups')
      .select('wait_ms')
      .orderBy('at', 'desc')
      .limit(sample)
      .as('recent');
    const row = await db
      .selectFrom(recent)
      .select((eb) => eb.fn.avg<number | string | null>('wait_ms').as('average'))
      .executeTakeFirst();
    return numberOrUndefined(row?.average ?? null);
  }

  /** Appends one line (batched; see {@link appendTranscriptLines}). */
  appendTranscript(conversationKey: string, role: TranscriptRole, text: string, agentId?: string): void {
    this.appendTranscriptLines(conversationKey, [{ role, text, agentId }]);
  }

  /**
   * Appends the lines of one turn. NOTE: synchronous on purpose, off the reply path: they are
   * committed with every other line and audit entry queued in the same event-loop turn, after
   * the replies went out (see {@link flushWrites}); every read of the transcript here awaits
   * them first. Each line gets the time of this call.
   */
  appendTranscriptLines(conversationKey: string, lines: readonly NewTranscriptLine[]): void {
    if (lines.length === 0) return;
    const at = this.now();
    for (const line of lines) {
      this.writes.add({
        table: 'transcript',
        row: {
          conversation_key: conversationKey,
          at,
          role: line.role,
          agent_id: line.agentId ?? null,
          text: line.text,
          // Sealed now, so a seal that cannot be made fails the caller, as before batching.
          original:
            this.seal && line.original !== undefined && line.original !== line.text
              ? this.seal.seal(line.original, conversationKey)
              : null,
        },
      });
    }
  }

  /**
   * Commits the queued transcript lines and audit entries now. The store does it by itself
   * once per event-loop turn, before any of its own reads of those tables and on {@link close}.
   */
  flushWrites(): Promise<void> {
    return this.writes.flush();
  }

  /** Transcript lines and audit entries not committed yet (for tests). */
  get pendingWrites(): number {
    return this.writes.pending;
  }

  /** One batch of appends, in one transaction. */
  private async commitAppends(appends: readonly QueuedAppend[]): Promise<void> {
    if (this.closed)
      throw new Error('HandoffStore: closed; a transcript line or audit entry was not written');
    const db = await this.db();
    const lines = appends.flatMap((append) => (append.table === 'transcript' ? [append.row] : []));
    const entries = appends.flatMap((append) => (append.table === 'audit' ? [append.row] : []));
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < lines.length; i += ROWS_PER_INSERT)
        await trx
          .insertInto('transcript')
          .values(lines.slice(i, i + ROWS_PER_INSERT))
          .execute();
      for (let i = 0; i < entries.length; i += ROWS_PER_INSERT)
        await trx
          .insertInto('audit')
          .values(entries.slice(i, i + ROWS_PER_INSERT))
          .execute();
    });
  }

  /** The query builder once this process's queued appends are committed, for reads of those tables. */
  private async flushedDb(): Promise<Db> {
    await this.writes.flush();
    return this.db();
  }

  /**
   * The conversation's transcript, oldest first (the last `limit` lines), redacted; with
   * `until` (ms), only the lines written until then (an ended case's own transcript).
   */
  async transcript(
    conversationKey: string,
    limit = 200,
    until = Number.MAX_SAFE_INTEGER,
  ): Promise<TranscriptLine[]> {
    const db = await this.flushedDb();
    const rows = await db
      .selectFrom('transcript')
      .select(transcriptColumns)
      .where('conversation_key', '=', conversationKey)
      .where('at', '<=', until)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.reverse().map(toTranscriptLine);
  }

  /** One line of a conversation's transcript, redacted; undefined when it is not in that conversation. */
  async transcriptLine(conversationKey: string, id: number): Promise<TranscriptLine | undefined> {
    const db = await this.flushedDb();
    const row = await db
      .selectFrom('transcript')
      .select(transcriptColumns)
      .where('conversation_key', '=', conversationKey)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toTranscriptLine(row) : undefined;
  }

  /**
   * What the customer wrote in a redacted line, unsealed; undefined when nothing was redacted
   * in it. Only the reveal route calls this, and it audits every call.
   */
  async originalText(conversationKey: string, id: number): Promise<string | undefined> {
    const db = await this.flushedDb();
    const row = await db
      .selectFrom('transcript')
      .select('original')
      .where('conversation_key', '=', conversationKey)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row?.original || !this.seal) return undefined;
    return this.seal.open(row.original, conversationKey);
  }

  async createTicket(
    ticket: Pick<Ticket, 'conversationKey' | 'team' | 'locale' | 'text' | 'collected'>,
  ): Promise<Ticket> {
    const db = await this.db();
    const row = await db
      .insertInto('tickets')
      .values({
        conversation_key: ticket.conversationKey,
        team: ticket.team,
        locale: ticket.locale,
        text: ticket.text,
        collected: JSON.stringify(ticket.collected),
        created_at: this.now(),
        status: 'open',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTicket(row);
  }

  async tickets(status?: Ticket['status'], teams?: readonly string[]): Promise<Ticket[]> {
    if (teams?.length === 0) return [];
    const db = await this.db();
    let query = db.selectFrom('tickets').selectAll();
    if (status !== undefined) query = query.where('status', '=', status);
    if (teams !== undefined) query = query.where('team', 'in', teams);
    const rows = await query.orderBy('id').execute();
    return rows.map(toTicket);
  }

  /** One ticket, or undefined. */
  async ticket(id: number): Promise<Ticket | undefined> {
    const db = await this.db();
    const row = await db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toTicket(row) : undefined;
  }

  async closeTicket(id: number, agentId: string): Promise<boolean> {
    const db = await this.db();
    const result = await db
      .updateTable('tickets')
      .set({ status: 'closed', closed_by: agentId, closed_at: this.now() })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** A JSON text field of a column holding JSON, as text, in either dialect (`path` is fixed, never input). */
  private jsonText(column: 'collected' | 'reference', path: readonly string[]): RawBuilder<string | null> {
    return this.database.dialect === 'sqlite'
      ? sql<string | null>`json_extract(${sql.ref(column)}, ${sql.lit(`$.${path.join('.')}`)})`
      : sql<string | null>`(${sql.ref(column)}::json #>> ${sql.lit(`{${path.join(',')}}`)})`;
  }

  /** Case-insensitive LIKE: SQLite's LIKE ignores case (ASCII); PostgreSQL's does not, ILIKE does. */
  private get likeAnyCase(): 'like' | 'ilike' {
    return this.database.dialect === 'sqlite' ? 'like' : 'ilike';
  }

  /**
   * Ended cases matching `query`, most recently ended first, one page of them, and how many
   * match in all. The text matches the customer's name and the order number, RMA and booking
   * reference the bot collected.
   */
  async caseHistory(
    query: HistoryQuery,
    page: { limit: number; offset: number },
  ): Promise<{ cases: HandoffCase[]; total: number }> {
    if (query.teams?.length === 0 && query.orHeldBy === undefined) return { cases: [], total: 0 };
    const db = await this.db();
    let matching = db.selectFrom('cases').where('state', '=', 'ended');
    if (query.text !== undefined && query.text !== '') {
      const pattern = sql<string>`${containsPattern(query.text)} escape '\\'`;
      const like = this.likeAnyCase;
      const fields = [
        sql.ref<string | null>('customer_name'),
        this.jsonText('collected', ['orderNumber']),
        this.jsonText('collected', ['rma']),
        this.jsonText('collected', ['bookingReference']),
      ];
      matching = matching.where((eb) => eb.or(fields.map((field) => eb(field, like, pattern))));
    }
    if (query.channelId !== undefined) matching = matching.where('channel_id', '=', query.channelId);
    if (query.agentId !== undefined) matching = matching.where('agent_id', '=', query.agentId);
    if (query.disposition !== undefined) matching = matching.where('disposition', '=', query.disposition);
    if (query.endedFrom !== undefined) matching = matching.where('ended_at', '>=', query.endedFrom);
    if (query.endedBefore !== undefined) matching = matching.where('ended_at', '<', query.endedBefore);
    const { teams, orHeldBy } = query;
    if (teams !== undefined)
      matching = matching.where((eb) => {
        const ofTeams = teams.length > 0 ? [eb('team', 'in', teams)] : [];
        const held = orHeldBy === undefined ? [] : [eb('agent_id', '=', orHeldBy)];
        return eb.or([...ofTeams, ...held]);
      });
    const [count, rows] = await Promise.all([
      matching.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
      matching
        .selectAll()
        .orderBy('ended_at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.limit)
        .offset(page.offset)
        .execute(),
    ]);
    return { cases: rows.map(toCase), total: Number(count.n) };
  }

  /** The canned replies of some locales and teams (all when undefined), by name. */
  async cannedReplies(filter: { locale?: string; teams?: readonly string[] } = {}): Promise<CannedReply[]> {
    if (filter.teams?.length === 0) return [];
    const db = await this.db();
    let query = db.selectFrom('canned_replies').selectAll();
    if (filter.locale !== undefined) query = query.where('locale', '=', filter.locale);
    if (filter.teams !== undefined) query = query.where('team', 'in', filter.teams);
    const rows = await query.orderBy('name').orderBy('locale').orderBy('team').execute();
    return rows.map(toCannedReply);
  }

  async cannedReply(id: number): Promise<CannedReply | undefined> {
    const db = await this.db();
    const row = await db.selectFrom('canned_replies').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toCannedReply(row) : undefined;
  }

  /** Adds a canned reply; undefined when one of that name exists already for the locale and team. */
  async createCannedReply(
    reply: Pick<CannedReply, 'name' | 'locale' | 'team' | 'text' | 'updatedBy'>,
  ): Promise<CannedReply | undefined> {
    const db = await this.db();
    const row = await db
      .insertInto('canned_replies')
      .values({
        name: reply.name,
        locale: reply.locale,
        team: reply.team,
        text: reply.text,
        updated_at: this.now(),
        updated_by: reply.updatedBy,
      })
      .onConflict((conflict) => conflict.columns(['name', 'locale', 'team']).doNothing())
      .returningAll()
      .executeTakeFirst();
    return row ? toCannedReply(row) : undefined;
  }

  /** Changes a canned reply; `conflict` when another one has that name for the locale and team. */
  async updateCannedReply(
    id: number,
    reply: Pick<CannedReply, 'name' | 'locale' | 'team' | 'text' | 'updatedBy'>,
  ): Promise<CannedReply | 'notFound' | 'conflict'> {
    const db = await this.db();
    try {
      const row = await db
        .updateTable('canned_replies')
        .set({
          name: reply.name,
          locale: reply.locale,
          team: reply.team,
          text: reply.text,
          updated_at: this.now(),
          updated_by: reply.updatedBy,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? toCannedReply(row) : 'notFound';
    } catch (error) {
      // The unique index on (name, locale, team): another reply has that name.
      if (isUniqueViolation(error)) return 'conflict';
      throw error;
    }
  }

  async deleteCannedReply(id: number): Promise<boolean> {
    const db = await this.db();
    const result = await db.deleteFrom('canned_replies').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Appends to the audit log: who did what to which case (batched as transcript lines are). */
  audit(actor: string, action: string, caseId?: number, detail?: Record<string, unknown>): void {
    this.writes.add({
      table: 'audit',
      row: {
        at: this.now(),
        actor,
        action,
        case_id: caseId ?? null,
        detail: detail ? JSON.stringify(detail) : null,
      },
    });
  }

  async auditLog(
    limit = 100,
  ): Promise<{ at: number; actor: string; action: string; caseId: number | undefined; detail: unknown }[]> {
    const db = await this.flushedDb();
    const rows = await db
      .selectFrom('audit')
      .select(['at', 'actor', 'action', 'case_id', 'detail'])
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      at: Number(row.at),
      actor: row.actor,
      action: row.action,
      caseId: orUndefined(row.case_id),
      detail: row.detail ? (JSON.parse(row.detail) as unknown) : undefined,
    }));
  }

  // --- privacy: one customer's records, their erasure, and retention -------------------------

  /**
   * Keys of the conversations with a case of one of `users` (`channelId/userId`, as the case's
   * conversation reference names the customer), or whose case, ticket or transcript mentions
   * one of `mentions` (any case; the sealed originals of redacted lines are opened and searched
   * too, since redaction removed exactly such addresses from the text).
   */
  async conversationsOf(match: {
    users?: readonly string[];
    mentions?: readonly string[];
  }): Promise<string[]> {
    const db = await this.flushedDb();
    const found = new Set<string>();
    for (const user of match.users ?? []) {
      const slash = user.indexOf('/');
      const rows = await db
        .selectFrom('cases')
        .select('conversation_key')
        .distinct()
        .where('channel_id', '=', user.slice(0, slash))
        .where(this.jsonText('reference', ['user', 'id']), '=', user.slice(slash + 1))
        .execute();
      for (const row of rows) found.add(row.conversation_key);
    }
    const mentions = (match.mentions ?? []).map((text) => text.toLowerCase()).filter(Boolean);
    for (const text of mentions) {
      const pattern = sql<string>`${containsPattern(text)} escape '\\'`;
      const rows = await db
        .selectFrom('cases')
        .select('conversation_key')
        .where(sql<string>`lower(coalesce(customer_name, '') || collected)`, 'like', pattern)
        .union(
          db
            .selectFrom('tickets')
            .select('conversation_key')
            .where(sql<string>`lower(text || collected)`, 'like', pattern),
        )
        .union(
          db
            .selectFrom('transcript')
            .select('conversation_key')
            .where(sql<string>`lower(text)`, 'like', pattern),
        )
        .execute();
      for (const row of rows) found.add(row.conversation_key);
    }
    if (mentions.length > 0 && this.seal) {
      // A page at a time, by id: every sealed original is opened, and there may be many.
      for (let after = 0; ;) {
        const sealed = await db
          .selectFrom('transcript')
          .select(['id', 'conversation_key', 'original'])
          .where('original', 'is not', null)
          .where('id', '>', after)
          .orderBy('id')
          .limit(SEALED_PAGE)
          .execute();
        for (const row of sealed) {
          if (row.original === null || found.has(row.conversation_key)) continue;
          const original = this.openOriginal(row.original, row.conversation_key)?.toLowerCase();
          if (original !== undefined && mentions.some((text) => original.includes(text)))
            found.add(row.conversation_key);
        }
        const last = sealed.at(-1);
        if (last === undefined || sealed.length < SEALED_PAGE) break;
        after = last.id;
      }
    }
    return [...found].sort();
  }

  /** The customers (`channelId/userId`) that cases of these conversations name. */
  async usersOf(conversationKeys: readonly string[]): Promise<string[]> {
    if (conversationKeys.length === 0) return [];
    const db = await this.db();
    const rows = await db
      .selectFrom('cases')
      .select(['channel_id', this.jsonText('reference', ['user', 'id']).as('user_id')])
      .distinct()
      .where('conversation_key', 'in', conversationKeys)
      .execute();
    const users = new Set<string>();
    for (const row of rows) if (row.user_id) users.add(`${row.channel_id}/${row.user_id}`);
    return [...users].sort();
  }

  /** Everything kept of some conversations: cases, transcript lines (originals opened) and tickets. */
  async recordsOf(conversationKeys: readonly string[]): Promise<{
    cases: HandoffCase[];
    transcript: (TranscriptLine & { conversationKey: string; original: string | undefined })[];
    tickets: Ticket[];
  }> {
    const keys = [...new Set(conversationKeys)];
    const db = await this.flushedDb();
    const cases: HandoffCase[] = [];
    const transcript: (TranscriptLine & { conversationKey: string; original: string | undefined })[] = [];
    const tickets: Ticket[] = [];
    for (const key of keys) {
      const caseRows = await db
        .selectFrom('cases')
        .selectAll()
        .where('conversation_key', '=', key)
        .orderBy('id')
        .execute();
      cases.push(...caseRows.map(toCase));
      const lines = await db
        .selectFrom('transcript')
        .select([...transcriptColumns, 'original as sealed'])
        .where('conversation_key', '=', key)
        .orderBy('id')
        .execute();
      for (const row of lines) {
        transcript.push({
          ...toTranscriptLine(row),
          conversationKey: key,
          original: row.sealed === null ? undefined : this.openOriginal(row.sealed, key),
        });
      }
    }
    if (keys.length > 0) {
      const ticketRows = await db
        .selectFrom('tickets')
        .selectAll()
        .where('conversation_key', 'in', keys)
        .orderBy('id')
        .execute();
      tickets.push(...ticketRows.map(toTicket));
    }
    return { cases, transcript, tickets };
  }

  /** Deletes the cases, transcripts and tickets of some conversations; returns how many of each. */
  async erase(
    conversationKeys: readonly string[],
  ): Promise<{ cases: number; transcriptLines: number; tickets: number }> {
    const counts = { cases: 0, transcriptLines: 0, tickets: 0 };
    if (conversationKeys.length === 0) return counts;
    const db = await this.flushedDb();
    return db.transaction().execute(async (trx) => {
      const keys = [...conversationKeys];
      const deleted = async (table: 'transcript' | 'tickets' | 'cases'): Promise<number> =>
        Number(
          (await trx.deleteFrom(table).where('conversation_key', 'in', keys).executeTakeFirst())
            .numDeletedRows,
        );
      counts.transcriptLines = await deleted('transcript');
      counts.tickets = await deleted('tickets');
      counts.cases = await deleted('cases');
      return counts;
    });
  }

  /**
   * Retention: deletes transcript lines written before `transcriptsBefore` (except those of
   * conversations with an open case, which an agent may be reading), ended cases ended and
   * tickets created before `recordsBefore`. Times in ms.
   */
  async expire(cutoffs: { transcriptsBefore: number; recordsBefore: number }): Promise<{
    transcriptLines: number;
    cases: number;
    tickets: number;
  }> {
    const db = await this.flushedDb();
    return db.transaction().execute(async (trx) => {
      const lines = await trx
        .deleteFrom('transcript')
        .where('at', '<', cutoffs.transcriptsBefore)
        .where('conversation_key', 'not in', (eb) =>
          eb.selectFrom('cases').select('conversation_key').where(isOpenCase),
        )
        .executeTakeFirst();
      const cases = await trx
        .deleteFrom('cases')
        .where('state', '=', 'ended')
        .where('ended_at', '<', cutoffs.recordsBefore)
        .executeTakeFirst();
      const tickets = await trx
        .deleteFrom('tickets')
        .where('created_at', '<', cutoffs.recordsBefore)
        .executeTakeFirst();
      return {
        transcriptLines: Number(lines.numDeletedRows),
        cases: Number(cases.numDeletedRows),
        tickets: Number(tickets.numDeletedRows),
      };
    });
  }

  /** Conversations with an open case (queued or with an agent). */
  async activeConversationKeys(): Promise<string[]> {
    const db = await this.db();
    const rows = await db.selectFrom('cases').select('conversation_key').where(isOpenCase).execute();
    return rows.map((row) => row.conversation_key);
  }

  /** A sealed original opened, or undefined when there is no seal or it no longer opens. */
  private openOriginal(sealed: string, conversationKey: string): string | undefined {
    if (!this.seal) return undefined;
    try {
      return this.seal.open(sealed, conversationKey);
    } catch {
      return undefined;
    }
  }

  /** False after {@link close}, or while the database is unreachable. */
  get isOpen(): boolean {
    return !this.closed && this.database.isOpen;
  }

  /**
   * Commits what is queued; after it the store writes nothing more. Safe to call twice. The
   * database is not closed here: whoever opened it closes it (see `openHandoffDatabase`).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.writes.flush();
    this.closed = true;
  }
}
