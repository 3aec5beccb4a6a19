import type Database from 'better-sqlite3';
import { BatchedWriter } from '../bot/batchedWriter';
import { WalCheckpointer } from '../bot/storage/walCheckpointer';
import { openSqlite } from '../bot/sqlite';
import type { ConversationReference } from 'botbuilder';
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

interface CaseRow {
  id: number;
  conversation_key: string;
  state: CaseState;
  channel_id: string;
  reference: string;
  locale: string;
  customer_name: string | null;
  reason: string;
  topic: string;
  sentiment: number | null;
  tags: string;
  team: string;
  agent_id: string | null;
  boost_ms: number;
  collected: string;
  queued_at: number;
  assigned_at: number | null;
  ended_at: number | null;
  disposition: string | null;
  satisfaction: number | null;
  position_sent: number | null;
  position_sent_at: number | null;
}

const orUndefined = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

function toCase(row: CaseRow): HandoffCase {
  return {
    id: row.id,
    conversationKey: row.conversation_key,
    state: row.state,
    channelId: row.channel_id,
    reference: JSON.parse(row.reference) as Partial<ConversationReference>,
    locale: row.locale,
    customerName: orUndefined(row.customer_name),
    reason: row.reason,
    topic: row.topic,
    sentiment: orUndefined(row.sentiment),
    tags: JSON.parse(row.tags) as string[],
    team: row.team,
    agentId: orUndefined(row.agent_id),
    boostMs: row.boost_ms,
    collected: JSON.parse(row.collected) as Record<string, unknown>,
    queuedAt: row.queued_at,
    assignedAt: orUndefined(row.assigned_at),
    endedAt: orUndefined(row.ended_at),
    disposition: orUndefined(row.disposition),
    satisfaction: orUndefined(row.satisfaction),
    positionSent: orUndefined(row.position_sent),
    positionSentAt: orUndefined(row.position_sent_at),
  };
}

interface CannedReplyRow {
  id: number;
  name: string;
  locale: string;
  team: string;
  text: string;
  updated_at: number;
  updated_by: string;
}

function toCannedReply(row: CannedReplyRow): CannedReply {
  return {
    id: row.id,
    name: row.name,
    locale: row.locale,
    team: row.team,
    text: row.text,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

/** Queue order: longest (credited) wait first, then first come. */
const QUEUE_ORDER = '(queued_at - boost_ms) ASC, id ASC';

interface TranscriptRow {
  id: number;
  at: number;
  role: TranscriptRole;
  agent_id: string | null;
  text: string;
  redacted: number;
}

const TRANSCRIPT_COLUMNS = 'id, at, role, agent_id, text, original IS NOT NULL AS redacted';

function toTranscriptLine(row: TranscriptRow): TranscriptLine {
  return {
    id: row.id,
    at: row.at,
    role: row.role,
    agentId: orUndefined(row.agent_id),
    text: row.text,
    redacted: row.redacted === 1,
  };
}

/** Statements on the tables whose appends are batched: they commit the queue first. */
const BATCHED_TABLES = /\b(transcript|audit)\b/i;

/**
 * The persisted side of human handoff (SQLite, `DATA_DIR/handoff.sqlite`): cases and their
 * queue, the transcript of every conversation (redacted; the originals of redacted customer
 * lines sealed with a key from `secrets.json`, when a {@link TextSeal} is given), tickets left outside
 * business hours, pickup times for wait estimates, and the audit log. Every state change is a
 * single conditional UPDATE, so two agents racing for one case cannot both win.
 */
export class HandoffStore {
  /** The connection; {@link db} is how code outside the store reaches it. */
  private readonly connection: Database.Database;
  /**
   * Statements prepared once: preparing on every call was the largest cost of a turn. Those that
   * touch the transcript or the audit log commit the queued appends first (`flushFirst`).
   */
  private readonly statements = new Map<string, { statement: Database.Statement; flushFirst: boolean }>();
  /** Transcript lines and audit entries, committed once per event-loop turn (see {@link flushWrites}). */
  private readonly writes: BatchedWriter;
  private readonly checkpointer: WalCheckpointer | undefined;

  /**
   * Without `seal`, originals are not kept and nothing can be revealed. `onWriteError` hears of
   * a queued transcript line or audit entry that could not be written (the database closed or
   * the disk is full); by default it becomes a process warning. `checkpointInBackground` (the
   * server's store) checkpoints the write-ahead log in a worker thread on a timer.
   */
  constructor(
    file: string,
    private readonly now: () => number = Date.now,
    private readonly seal?: TextSeal,
    options: { onWriteError?: (error: unknown) => void; checkpointInBackground?: boolean } = {},
  ) {
    this.connection = openSqlite(file);
    this.writes = new BatchedWriter(this.connection, {
      onError:
        options.onWriteError ??
        ((error) =>
          process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'HandoffStore')),
    });
    this.connection.exec(`
      CREATE TABLE IF NOT EXISTS cases (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_key TEXT NOT NULL,
        state TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        reference TEXT NOT NULL,
        locale TEXT NOT NULL,
        customer_name TEXT,
        reason TEXT NOT NULL,
        topic TEXT NOT NULL,
        sentiment REAL,
        tags TEXT NOT NULL,
        team TEXT NOT NULL,
        agent_id TEXT,
        boost_ms INTEGER NOT NULL,
        collected TEXT NOT NULL,
        queued_at INTEGER NOT NULL,
        assigned_at INTEGER,
        ended_at INTEGER,
        disposition TEXT,
        satisfaction INTEGER,
        position_sent INTEGER,
        position_sent_at INTEGER
      );
      CREATE UNIQUE INDEX IF NOT EXISTS cases_one_active ON cases (conversation_key) WHERE state IN ('queued', 'withAgent');
      CREATE INDEX IF NOT EXISTS cases_queue ON cases (state, team);
      CREATE TABLE IF NOT EXISTS transcript (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_key TEXT NOT NULL,
        at INTEGER NOT NULL,
        role TEXT NOT NULL,
        agent_id TEXT,
        text TEXT NOT NULL,
        original TEXT
      );
      CREATE INDEX IF NOT EXISTS transcript_by_conversation ON transcript (conversation_key, id);
      CREATE TABLE IF NOT EXISTS pickups (at INTEGER NOT NULL, wait_ms INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS tickets (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        conversation_key TEXT NOT NULL,
        team TEXT NOT NULL,
        locale TEXT NOT NULL,
        text TEXT NOT NULL,
        collected TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        status TEXT NOT NULL,
        closed_by TEXT,
        closed_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS cases_history ON cases (state, ended_at);
      CREATE TABLE IF NOT EXISTS canned_replies (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        locale TEXT NOT NULL,
        team TEXT NOT NULL,
        text TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS canned_replies_unique ON canned_replies (name, locale, team);
      CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        case_id INTEGER,
        detail TEXT
      );
    `);
    this.addMissingColumns();
    this.checkpointer =
      options.checkpointInBackground && file !== ':memory:'
        ? new WalCheckpointer(this.connection, file)
        : undefined;
  }

  /**
   * Puts a conversation in the queue. A conversation already queued or with an agent keeps its
   * case: that one is returned with `created: false`.
   */
  enqueue(newCase: NewCase): { handoffCase: HandoffCase; created: boolean } {
    const run = this.connection.transaction(() => {
      const active = this.activeCase(newCase.conversationKey);
      if (active) return { handoffCase: active, created: false };
      const info = this.stmt(
        `INSERT INTO cases (conversation_key, state, channel_id, reference, locale, customer_name, reason, topic,
             sentiment, tags, team, boost_ms, collected, queued_at)
           VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        newCase.conversationKey,
        newCase.channelId,
        JSON.stringify(newCase.reference),
        newCase.locale,
        newCase.customerName ?? null,
        newCase.reason,
        newCase.topic,
        newCase.sentiment ?? null,
        JSON.stringify(newCase.tags),
        newCase.team,
        newCase.boostMs,
        JSON.stringify(newCase.collected),
        this.now(),
      );
      return { handoffCase: this.requireCase(Number(info.lastInsertRowid)), created: true };
    });
    return run();
  }

  getCase(id: number): HandoffCase | undefined {
    const row = this.stmt<[number], CaseRow>('SELECT * FROM cases WHERE id = ?').get(id);
    return row ? toCase(row) : undefined;
  }

  /** The conversation's open case (queued or with an agent), if any. */
  activeCase(conversationKey: string): HandoffCase | undefined {
    const row = this.stmt<[string], CaseRow>(
      `SELECT * FROM cases WHERE conversation_key = ? AND state IN ('queued', 'withAgent')`,
    ).get(conversationKey);
    return row ? toCase(row) : undefined;
  }

  /** Queued cases in queue order, of some teams or all. */
  queued(teams?: readonly string[]): HandoffCase[] {
    const rows = this.stmt<[], CaseRow>(
      `SELECT * FROM cases WHERE state = 'queued' ORDER BY ${QUEUE_ORDER}`,
    ).all();
    return rows.map(toCase).filter((c) => teams === undefined || teams.includes(c.team));
  }

  /** Cases with an agent, of one agent or all. */
  withAgent(agentId?: string): HandoffCase[] {
    const rows = this.stmt<[], CaseRow>(
      `SELECT * FROM cases WHERE state = 'withAgent' ORDER BY assigned_at`,
    ).all();
    return rows.map(toCase).filter((c) => agentId === undefined || c.agentId === agentId);
  }

  /** 1-based place of a queued case within its team's queue. */
  position(handoffCase: HandoffCase): number {
    const ahead = this.stmt<[string, number, number, number], { n: number }>(
      `SELECT COUNT(*) AS n FROM cases WHERE state = 'queued' AND team = ?
           AND ((queued_at - boost_ms) < ? OR ((queued_at - boost_ms) = ? AND id < ?))`,
    ).get(
      handoffCase.team,
      handoffCase.queuedAt - handoffCase.boostMs,
      handoffCase.queuedAt - handoffCase.boostMs,
      handoffCase.id,
    );
    return (ahead?.n ?? 0) + 1;
  }

  /** Assigns a queued case to an agent; false when it is no longer queued (someone else won). */
  claim(id: number, agentId: string): boolean {
    const run = this.connection.transaction(() => {
      const now = this.now();
      const changed = this.stmt(
        `UPDATE cases SET state = 'withAgent', agent_id = ?, assigned_at = ? WHERE id = ? AND state = 'queued'`,
      ).run(agentId, now, id).changes;
      if (changed === 1) {
        const queuedAt = this.requireCase(id).queuedAt;
        this.stmt('INSERT INTO pickups (at, wait_ms) VALUES (?, ?)').run(now, now - queuedAt);
      }
      return changed === 1;
    });
    return run();
  }

  /** Hands a case to another agent directly; false unless it is with `fromAgent` now. */
  reassign(id: number, fromAgent: string, toAgent: string): boolean {
    return (
      this.stmt(
        `UPDATE cases SET agent_id = ?, assigned_at = ? WHERE id = ? AND state = 'withAgent' AND agent_id = ?`,
      ).run(toAgent, this.now(), id, fromAgent).changes === 1
    );
  }

  /** Puts a case back in the queue of a team, keeping its place by original waiting time. */
  requeue(id: number, fromAgent: string, team: string): boolean {
    return (
      this.stmt(
        `UPDATE cases SET state = 'queued', team = ?, agent_id = NULL, assigned_at = NULL
           WHERE id = ? AND state = 'withAgent' AND agent_id = ?`,
      ).run(team, id, fromAgent).changes === 1
    );
  }

  /** Ends an open case; false when it had already ended. `agentId`, when given, must hold it. */
  end(id: number, disposition: string, agentId?: string): boolean {
    const condition = agentId === undefined ? '' : ' AND agent_id = ?';
    const params: (string | number)[] = [this.now(), disposition, id];
    if (agentId !== undefined) params.push(agentId);
    return (
      this.stmt(
        `UPDATE cases SET state = 'ended', ended_at = ?, disposition = ? WHERE id = ? AND state IN ('queued', 'withAgent')${condition}`,
      ).run(...params).changes === 1
    );
  }

  /** Records the customer's 1–5 answer to the satisfaction question. */
  recordSatisfaction(id: number, rating: number): void {
    this.stmt('UPDATE cases SET satisfaction = ? WHERE id = ?').run(rating, id);
  }

  /** The last ended case of a conversation (for the satisfaction answer). */
  lastEndedCase(conversationKey: string): HandoffCase | undefined {
    const row = this.stmt<[string], CaseRow>(
      `SELECT * FROM cases WHERE conversation_key = ? AND state = 'ended' ORDER BY id DESC LIMIT 1`,
    ).get(conversationKey);
    return row ? toCase(row) : undefined;
  }

  markPositionSent(id: number, position: number): void {
    this.stmt('UPDATE cases SET position_sent = ?, position_sent_at = ? WHERE id = ?').run(
      position,
      this.now(),
      id,
    );
  }

  /** Average wait before pickup over the last `sample` pickups, or undefined with none yet. */
  averagePickupMs(sample = 20): number | undefined {
    const row = this.stmt<[number], { avg: number | null }>(
      'SELECT AVG(wait_ms) AS avg FROM (SELECT wait_ms FROM pickups ORDER BY at DESC LIMIT ?)',
    ).get(sample);
    return row?.avg ?? undefined;
  }

  appendTranscript(conversationKey: string, role: TranscriptRole, text: string, agentId?: string): void {
    this.appendTranscriptLines(conversationKey, [{ role, text, agentId }]);
  }

  /**
   * Appends the lines of one turn. NOTE: they are committed with every other line and audit
   * entry queued in the same event-loop turn, after the replies went out (see
   * {@link flushWrites}); every read of the transcript here commits them first. Each line gets
   * the time of this call.
   */
  appendTranscriptLines(conversationKey: string, lines: readonly NewTranscriptLine[]): void {
    if (lines.length === 0) return;
    const at = this.now();
    // Sealed now, so a seal that cannot be made fails the caller, as before batching.
    const rows = lines.map((line) => ({
      role: line.role,
      agentId: line.agentId ?? null,
      text: line.text,
      sealed:
        this.seal && line.original !== undefined && line.original !== line.text
          ? this.seal.seal(line.original, conversationKey)
          : null,
    }));
    this.writes.add(() => {
      const insert = this.stmt(
        'INSERT INTO transcript (conversation_key, at, role, agent_id, text, original) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const row of rows) insert.run(conversationKey, at, row.role, row.agentId, row.text, row.sealed);
    });
  }

  /**
   * The database, for code that works on it directly (the agent directory shares it). Queued
   * transcript lines and audit entries are committed first, so that code sees them.
   */
  get db(): Database.Database {
    this.writes.flush();
    return this.connection;
  }

  /**
   * Commits the queued transcript lines and audit entries now. The store does it by itself
   * once per event-loop turn, before any of its own reads of those tables and on {@link close};
   * code that holds on to {@link db} and reads those tables later calls it first.
   */
  flushWrites(): void {
    this.writes.flush();
  }

  /** Transcript lines and audit entries not committed yet (for tests). */
  get pendingWrites(): number {
    return this.writes.pending;
  }

  /**
   * The conversation's transcript, oldest first (the last `limit` lines), redacted; with
   * `until` (ms), only the lines written until then (an ended case's own transcript).
   */
  transcript(conversationKey: string, limit = 200, until = Number.MAX_SAFE_INTEGER): TranscriptLine[] {
    const rows = this.stmt<[string, number, number], TranscriptRow>(
      `SELECT ${TRANSCRIPT_COLUMNS} FROM transcript WHERE conversation_key = ? AND at <= ? ORDER BY id DESC LIMIT ?`,
    ).all(conversationKey, until, limit);
    return rows.reverse().map(toTranscriptLine);
  }

  /** One line of a conversation's transcript, redacted; undefined when it is not in that conversation. */
  transcriptLine(conversationKey: string, id: number): TranscriptLine | undefined {
    const row = this.stmt<[string, number], TranscriptRow>(
      `SELECT ${TRANSCRIPT_COLUMNS} FROM transcript WHERE conversation_key = ? AND id = ?`,
    ).get(conversationKey, id);
    return row ? toTranscriptLine(row) : undefined;
  }

  /**
   * What the customer wrote in a redacted line, unsealed; undefined when nothing was redacted
   * in it. Only the reveal route calls this, and it audits every call.
   */
  originalText(conversationKey: string, id: number): string | undefined {
    const row = this.stmt<[string, number], { original: string | null }>(
      'SELECT original FROM transcript WHERE conversation_key = ? AND id = ?',
    ).get(conversationKey, id);
    if (!row?.original || !this.seal) return undefined;
    return this.seal.open(row.original, conversationKey);
  }

  createTicket(ticket: Pick<Ticket, 'conversationKey' | 'team' | 'locale' | 'text' | 'collected'>): Ticket {
    const info = this.stmt(
      `INSERT INTO tickets (conversation_key, team, locale, text, collected, created_at, status) VALUES (?, ?, ?, ?, ?, ?, 'open')`,
    ).run(
      ticket.conversationKey,
      ticket.team,
      ticket.locale,
      ticket.text,
      JSON.stringify(ticket.collected),
      this.now(),
    );
    const created = this.tickets().find((t) => t.id === Number(info.lastInsertRowid));
    if (!created) throw new Error('HandoffStore.createTicket(): the ticket was not stored');
    return created;
  }

  tickets(status?: Ticket['status'], teams?: readonly string[]): Ticket[] {
    const rows = this.stmt<
      [],
      {
        id: number;
        conversation_key: string;
        team: string;
        locale: string;
        text: string;
        collected: string;
        created_at: number;
        status: Ticket['status'];
        closed_by: string | null;
      }
    >('SELECT * FROM tickets ORDER BY id').all();
    return rows
      .map((row) => ({
        id: row.id,
        conversationKey: row.conversation_key,
        team: row.team,
        locale: row.locale,
        text: row.text,
        collected: JSON.parse(row.collected) as Record<string, unknown>,
        createdAt: row.created_at,
        status: row.status,
        closedBy: orUndefined(row.closed_by),
      }))
      .filter(
        (t) =>
          (status === undefined || t.status === status) && (teams === undefined || teams.includes(t.team)),
      );
  }

  closeTicket(id: number, agentId: string): boolean {
    return (
      this.stmt(
        `UPDATE tickets SET status = 'closed', closed_by = ?, closed_at = ? WHERE id = ? AND status = 'open'`,
      ).run(agentId, this.now(), id).changes === 1
    );
  }

  /**
   * Ended cases matching `query`, most recently ended first, one page of them, and how many
   * match in all. The text matches the customer's name and the order number, RMA and booking
   * reference the bot collected.
   */
  caseHistory(
    query: HistoryQuery,
    page: { limit: number; offset: number },
  ): { cases: HandoffCase[]; total: number } {
    const where: string[] = ["state = 'ended'"];
    const params: (string | number)[] = [];
    if (query.text !== undefined && query.text !== '') {
      const pattern = `%${query.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const fields = [
        'customer_name',
        "json_extract(collected, '$.orderNumber')",
        "json_extract(collected, '$.rma')",
        "json_extract(collected, '$.bookingReference')",
      ];
      where.push(`(${fields.map((field) => `${field} LIKE ? ESCAPE '\\'`).join(' OR ')})`);
      params.push(...fields.map(() => pattern));
    }
    const equal = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = ?`);
      params.push(value);
    };
    equal('channel_id', query.channelId);
    equal('agent_id', query.agentId);
    equal('disposition', query.disposition);
    if (query.endedFrom !== undefined) {
      where.push('ended_at >= ?');
      params.push(query.endedFrom);
    }
    if (query.endedBefore !== undefined) {
      where.push('ended_at < ?');
      params.push(query.endedBefore);
    }
    if (query.teams !== undefined) {
      const teams = query.teams.map(() => '?').join(', ');
      const held = query.orHeldBy === undefined ? '' : ' OR agent_id = ?';
      where.push(`(team IN (${teams || 'NULL'})${held})`);
      params.push(...query.teams, ...(query.orHeldBy === undefined ? [] : [query.orHeldBy]));
    }
    // NOTE: built from fixed fragments only; every value the caller gave is a parameter. The
    // few combinations of filters are prepared once each, as every other statement.
    const clause = where.join(' AND ');
    const total =
      this.stmt<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM cases WHERE ${clause}`).get(...params)
        ?.n ?? 0;
    const rows = this.stmt<unknown[], CaseRow>(
      `SELECT * FROM cases WHERE ${clause} ORDER BY ended_at DESC, id DESC LIMIT ? OFFSET ?`,
    ).all(...params, page.limit, page.offset);
    return { cases: rows.map(toCase), total };
  }

  /** The canned replies of some locales and teams (all when undefined), by name. */
  cannedReplies(filter: { locale?: string; teams?: readonly string[] } = {}): CannedReply[] {
    return this.stmt<[], CannedReplyRow>('SELECT * FROM canned_replies ORDER BY name, locale, team')
      .all()
      .map(toCannedReply)
      .filter(
        (reply) =>
          (filter.locale === undefined || reply.locale === filter.locale) &&
          (filter.teams === undefined || filter.teams.includes(reply.team)),
      );
  }

  cannedReply(id: number): CannedReply | undefined {
    const row = this.stmt<[number], CannedReplyRow>('SELECT * FROM canned_replies WHERE id = ?').get(id);
    return row ? toCannedReply(row) : undefined;
  }

  /** Adds a canned reply; undefined when one of that name exists already for the locale and team. */
  createCannedReply(
    reply: Pick<CannedReply, 'name' | 'locale' | 'team' | 'text' | 'updatedBy'>,
  ): CannedReply | undefined {
    const info = this.stmt(
      `INSERT INTO canned_replies (name, locale, team, text, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (name, locale, team) DO NOTHING`,
    ).run(reply.name, reply.locale, reply.team, reply.text, this.now(), reply.updatedBy);
    return info.changes === 1 ? this.cannedReply(Number(info.lastInsertRowid)) : undefined;
  }

  /** Changes a canned reply; `conflict` when another one has that name for the locale and team. */
  updateCannedReply(
    id: number,
    reply: Pick<CannedReply, 'name' | 'locale' | 'team' | 'text' | 'updatedBy'>,
  ): CannedReply | 'notFound' | 'conflict' {
    const clash = this.stmt<[string, string, string, number], { id: number }>(
      'SELECT id FROM canned_replies WHERE name = ? AND locale = ? AND team = ? AND id <> ?',
    ).get(reply.name, reply.locale, reply.team, id);
    if (clash) return 'conflict';
    const changed = this.stmt(
      'UPDATE canned_replies SET name = ?, locale = ?, team = ?, text = ?, updated_at = ?, updated_by = ? WHERE id = ?',
    ).run(reply.name, reply.locale, reply.team, reply.text, this.now(), reply.updatedBy, id).changes;
    return changed === 1 ? (this.cannedReply(id) ?? 'notFound') : 'notFound';
  }

  deleteCannedReply(id: number): boolean {
    return this.stmt('DELETE FROM canned_replies WHERE id = ?').run(id).changes === 1;
  }

  /** Appends to the audit log: who did what to which case (committed as transcript lines are). */
  audit(actor: string, action: string, caseId?: number, detail?: Record<string, unknown>): void {
    const at = this.now();
    const detailJson = detail ? JSON.stringify(detail) : null;
    this.writes.add(() => {
      this.stmt('INSERT INTO audit (at, actor, action, case_id, detail) VALUES (?, ?, ?, ?, ?)').run(
        at,
        actor,
        action,
        caseId ?? null,
        detailJson,
      );
    });
  }

  auditLog(
    limit = 100,
  ): { at: number; actor: string; action: string; caseId: number | undefined; detail: unknown }[] {
    return this.stmt<
      [number],
      { at: number; actor: string; action: string; case_id: number | null; detail: string | null }
    >('SELECT at, actor, action, case_id, detail FROM audit ORDER BY id DESC LIMIT ?')
      .all(limit)
      .map((row) => ({
        at: row.at,
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
  conversationsOf(match: { users?: readonly string[]; mentions?: readonly string[] }): string[] {
    const found = new Set<string>();
    for (const user of match.users ?? []) {
      const slash = user.indexOf('/');
      const rows = this.stmt<[string, string], { conversation_key: string }>(
        `SELECT DISTINCT conversation_key FROM cases WHERE channel_id = ? AND json_extract(reference, '$.user.id') = ?`,
      ).all(user.slice(0, slash), user.slice(slash + 1));
      for (const row of rows) found.add(row.conversation_key);
    }
    const mentions = (match.mentions ?? []).map((text) => text.toLowerCase()).filter(Boolean);
    for (const text of mentions) {
      const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const rows = this.stmt<string[], { conversation_key: string }>(
        `SELECT conversation_key FROM cases WHERE lower(coalesce(customer_name, '') || collected) LIKE ? ESCAPE '\\'
         UNION SELECT conversation_key FROM tickets WHERE lower(text || collected) LIKE ? ESCAPE '\\'
         UNION SELECT conversation_key FROM transcript WHERE lower(text) LIKE ? ESCAPE '\\'`,
      ).all(pattern, pattern, pattern);
      for (const row of rows) found.add(row.conversation_key);
    }
    if (mentions.length > 0 && this.seal) {
      const sealed = this.stmt<[], { conversation_key: string; original: string }>(
        'SELECT conversation_key, original FROM transcript WHERE original IS NOT NULL',
      ).iterate();
      for (const row of sealed) {
        if (found.has(row.conversation_key)) continue;
        const original = this.openOriginal(row.original, row.conversation_key)?.toLowerCase();
        if (original !== undefined && mentions.some((text) => original.includes(text)))
          found.add(row.conversation_key);
      }
    }
    return [...found].sort();
  }

  /** The customers (`channelId/userId`) that cases of these conversations name. */
  usersOf(conversationKeys: readonly string[]): string[] {
    const users = new Set<string>();
    for (const key of conversationKeys) {
      const rows = this.stmt<[string], { channel_id: string; user_id: string | null }>(
        `SELECT DISTINCT channel_id, json_extract(reference, '$.user.id') AS user_id FROM cases WHERE conversation_key = ?`,
      ).all(key);
      for (const row of rows) if (row.user_id) users.add(`${row.channel_id}/${row.user_id}`);
    }
    return [...users].sort();
  }

  /** Everything kept of some conversations: cases, transcript lines (originals opened) and tickets. */
  recordsOf(conversationKeys: readonly string[]): {
    cases: HandoffCase[];
    transcript: (TranscriptLine & { conversationKey: string; original: string | undefined })[];
    tickets: Ticket[];
  } {
    const keys = new Set(conversationKeys);
    const cases: HandoffCase[] = [];
    const transcript: (TranscriptLine & { conversationKey: string; original: string | undefined })[] = [];
    for (const key of keys) {
      cases.push(
        ...this.stmt<[string], CaseRow>('SELECT * FROM cases WHERE conversation_key = ? ORDER BY id')
          .all(key)
          .map(toCase),
      );
      const lines = this.stmt<[string], TranscriptRow & { sealed: string | null }>(
        `SELECT ${TRANSCRIPT_COLUMNS}, original AS sealed FROM transcript WHERE conversation_key = ? ORDER BY id`,
      ).all(key);
      for (const row of lines) {
        transcript.push({
          ...toTranscriptLine(row),
          conversationKey: key,
          original: row.sealed === null ? undefined : this.openOriginal(row.sealed, key),
        });
      }
    }
    return {
      cases,
      transcript,
      tickets: this.tickets().filter((ticket) => keys.has(ticket.conversationKey)),
    };
  }

  /** Deletes the cases, transcripts and tickets of some conversations; returns how many of each. */
  erase(conversationKeys: readonly string[]): { cases: number; transcriptLines: number; tickets: number } {
    const run = this.db.transaction(() => {
      const counts = { cases: 0, transcriptLines: 0, tickets: 0 };
      for (const key of conversationKeys) {
        counts.transcriptLines += this.stmt('DELETE FROM transcript WHERE conversation_key = ?').run(
          key,
        ).changes;
        counts.tickets += this.stmt('DELETE FROM tickets WHERE conversation_key = ?').run(key).changes;
        counts.cases += this.stmt('DELETE FROM cases WHERE conversation_key = ?').run(key).changes;
      }
      return counts;
    });
    return run();
  }

  /**
   * Retention: deletes transcript lines written before `transcriptsBefore` (except those of
   * conversations with an open case, which an agent may be reading), ended cases ended and
   * tickets created before `recordsBefore`. Times in ms.
   */
  expire(cutoffs: { transcriptsBefore: number; recordsBefore: number }): {
    transcriptLines: number;
    cases: number;
    tickets: number;
  } {
    const run = this.db.transaction(() => ({
      transcriptLines: this.stmt(
        `DELETE FROM transcript WHERE at < ? AND conversation_key NOT IN
           (SELECT conversation_key FROM cases WHERE state IN ('queued', 'withAgent'))`,
      ).run(cutoffs.transcriptsBefore).changes,
      cases: this.stmt(`DELETE FROM cases WHERE state = 'ended' AND ended_at < ?`).run(cutoffs.recordsBefore)
        .changes,
      tickets: this.stmt('DELETE FROM tickets WHERE created_at < ?').run(cutoffs.recordsBefore).changes,
    }));
    return run();
  }

  /** Conversations with an open case (queued or with an agent). */
  activeConversationKeys(): string[] {
    return this.stmt<[], { conversation_key: string }>(
      `SELECT conversation_key FROM cases WHERE state IN ('queued', 'withAgent')`,
    )
      .all()
      .map((row) => row.conversation_key);
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

  get isOpen(): boolean {
    return this.connection.open;
  }

  /** Commits what is queued, then closes the database. Safe to call twice. */
  close(): void {
    if (!this.connection.open) return;
    this.writes.flush();
    void this.checkpointer?.stop();
    this.connection.close();
  }

  /** Columns added after the first release, for databases created before them. */
  private addMissingColumns(): void {
    const columns = this.connection.prepare<[], { name: string }>('PRAGMA table_info(transcript)').all();
    if (!columns.some((column) => column.name === 'original')) {
      this.connection.exec('ALTER TABLE transcript ADD COLUMN original TEXT');
    }
  }

  private stmt<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = { statement: this.connection.prepare(sql), flushFirst: BATCHED_TABLES.test(sql) };
      this.statements.set(sql, prepared);
    }
    // Read what this process wrote: queued appends go first (a no-op inside the batch itself).
    if (prepared.flushFirst) this.writes.flush();
    return prepared.statement as unknown as Database.Statement<P, R>;
  }

  private requireCase(id: number): HandoffCase {
    const found = this.getCase(id);
    if (!found) throw new Error(`HandoffStore: case ${id} does not exist`);
    return found;
  }
}
