/**
 * The agent console API, everything under `/api/console/` (full reference: handoff/README.md).
 *
 * Authentication: the console page logs in with `POST /api/console/login` and gets the httpOnly
 * cookie `sb_console`; other help desks send `Authorization: Bearer <token>` (tokens from
 * `POST /api/console/tokens` or `cli agents token`). A state-changing request authenticated by
 * the cookie must carry `X-CSRF-Token` (from login or `GET /me`) and, when it has an `Origin`,
 * come from this host; bearer requests are exempt.
 *
 * | route                                   | body                          | answer                          |
 * | --------------------------------------- | ----------------------------- | ------------------------------- |
 * | `POST /api/console/login`               | `{username, password}`        | `{agent, csrfToken}` + cookie   |
 * | `POST /api/console/logout`              |                               | 204, cookie cleared             |
 * | `GET  /api/console/me`                  |                               | `{agent, csrfToken}`            |
 * | `POST /api/console/tokens`              |                               | `{token, expiresAt}`            |
 * | `GET  /api/console/queue`               |                               | `{cases}`                       |
 * | `GET  /api/console/cases/:id`           |                               | `{case, transcript, collected, sentiment, summary}` |
 * | `POST /api/console/cases/:id/claim`     |                               | `{case, delivered}`             |
 * | `POST /api/console/cases/:id/messages`  | `{text}`                      | `{case}`                        |
 * | `POST /api/console/cases/:id/typing`    |                               | 204                             |
 * | `POST /api/console/cases/:id/transfer`  | `{team}` or `{agent}`         | `{case, delivered}`             |
 * | `POST /api/console/cases/:id/end`       | `{disposition}`               | `{case, delivered}`             |
 * | `GET  /api/console/tickets?status=`     |                               | `{tickets}`                     |
 * | `POST /api/console/tickets/:id/close`   |                               | `{ticket}`                      |
 * | `GET  /api/console/teams`               |                               | `{teams}`                       |
 * | `GET  /api/console/audit?limit=`        |                               | `{entries}` (lead, admin)       |
 * | `GET  /api/console/events` (WebSocket)  |                               | `changed`, `customerMessage`, `ticket` |
 *
 * Errors are JSON `{code, message}`: 400 bad input, 401 not logged in, 403 CSRF / origin /
 * role / a case the agent may not see, 404 unknown, 409 the case moved on (`AlreadyClaimed`,
 * `ConversationEnded`), 415 not JSON, 429 too many failed logins, 502 the customer's channel
 * could not be reached.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import restify, { type Request, type Response } from 'restify';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../bot/logger';
import { RateLimiter } from '../bot/rateLimiter';
import type { AgentAccount, AgentDirectory, AgentSession } from './agentDirectory';
import type { ActionResult, AgentRef, HandoffDesk } from './handoffDesk';
import type { HandoffCase, Ticket, TranscriptLine } from './handoffStore';
import { isTeamOpen } from './teams';

const BASE = '/api/console';
/** Path of the event stream (WebSocket). */
export const CONSOLE_EVENTS_PATH = `${BASE}/events`;
/** Name of the console session cookie. */
export const SESSION_COOKIE = 'sb_console';
/** Longest agent reply, in characters. */
export const MAX_REPLY_CHARS = 4000;
/** How an agent may close a case. */
export const DISPOSITIONS = ['resolved', 'notResolved', 'spam', 'other'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** Largest JSON body the console sends (a 4000-character reply, escaped). */
const MAX_BODY_BYTES = 64 * 1024;
/** Event sockets one agent may hold open (tabs, other help desks). */
const MAX_SOCKETS_PER_AGENT = 10;
/** How often the server pings event sockets and re-checks their sessions. */
const HEARTBEAT_MS = 30_000;

export interface ConsoleApiDeps {
  desk: HandoffDesk;
  agents: AgentDirectory;
  logger: Logger;
  isClosing: () => boolean;
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  now?: () => number;
  /** Failed logins allowed per client address and window (default 10 per 15 minutes). */
  loginLimit?: { attempts: number; windowMs: number };
}

/** What {@link mountConsoleApi} leaves running. */
export interface ConsoleApi {
  /** Closes every event socket (server shutdown) and detaches from the desk. */
  close(): void;
  /** Open event sockets, for tests and readiness. */
  socketCount(): number;
}

/** An HTTP error answer: status and the JSON `{code, message}`. */
class HttpProblem {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
  ) {}
}

/** Who is calling, and with which credential. */
interface Caller {
  agent: AgentAccount;
  session: AgentSession;
  kind: 'cookie' | 'bearer';
  token: string;
}

// ---------------------------------------------------------------------------------------------
// Views: what the API shows of accounts, cases, tickets (never the conversation reference).

/** An account as the console shows it. */
export interface AgentView {
  id: string;
  username: string;
  name: string;
  role: AgentAccount['role'];
  teams: string[];
}

export interface CaseView {
  id: number;
  state: HandoffCase['state'];
  team: string;
  channel: string;
  locale: string;
  topic: string;
  reason: string;
  customerName: string | undefined;
  sentiment: number | undefined;
  tags: string[];
  agentId: string | undefined;
  agentName: string | undefined;
  queuedAt: string;
  assignedAt: string | undefined;
  endedAt: string | undefined;
  disposition: string | undefined;
  /** Seconds waited in the queue: until now while queued, else until pickup or the end. */
  waitingSeconds: number;
  /** 1-based place in the team's queue, while queued. */
  position: number | undefined;
}

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

function agentView(agent: AgentAccount): AgentView {
  return { id: agent.id, username: agent.username, name: agent.name, role: agent.role, teams: agent.teams };
}

function ticketView(ticket: Ticket) {
  return {
    id: ticket.id,
    team: ticket.team,
    // NOTE: the channel only, not the conversation key: on WhatsApp that key is a phone number.
    channel: ticket.conversationKey.split('/')[0] ?? '',
    locale: ticket.locale,
    text: ticket.text,
    collected: ticket.collected,
    createdAt: new Date(ticket.createdAt).toISOString(),
    status: ticket.status,
    closedBy: ticket.closedBy,
  };
}

// ---------------------------------------------------------------------------------------------
// The summary an agent reads before answering.

const REASONS: Record<string, string> = {
  customerAsked: 'the customer asked for a person',
  notUnderstood: 'the bot did not understand the customer after several tries',
  backendDown: "the shop's systems could not be reached",
  verificationLocked: 'the customer failed order verification too many times',
  notEligible: 'nothing the customer chose can be returned under the policy',
  returnRefused: 'the shop refused to create the return',
  noSlots: 'no appointment slot was free',
  negativeSentiment: 'the customer seemed upset',
};

const TOPICS: Record<string, string> = {
  orderStatus: 'order status',
  returnItem: 'a return',
  appointment: 'an appointment',
  humanAgent: 'talking to a person',
  none: 'no task in progress',
};

/** Collected facts worth a line of their own, in the order agents look for them. */
const KEY_FACTS: [key: string, label: string][] = [
  ['orderNumber', 'Order'],
  ['rma', 'Return (RMA)'],
  ['bookingReference', 'Booking'],
];
/** Internal bookkeeping of the dialogs, not facts about the customer's problem. */
const SKIPPED_FACTS = new Set(['orderVerified', 'verifiedBy', 'verifiedOrders', 'handoffReason']);
const MAX_QUOTE_CHARS = 300;

const minutes = (ms: number): string => {
  const whole = Math.floor(ms / 60_000);
  return whole < 1 ? 'less than a minute' : whole === 1 ? '1 minute' : `${whole} minutes`;
};

function factText(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) {
    return value.length === 0 ? undefined : value.join(', ');
  }
  return undefined;
}

/**
 * A few plain-English lines for the agent who opens a case: who, how long, why the bot handed
 * over, the task, the key facts the bot collected (order, RMA, booking), mood and the last
 * thing the customer said. English only: the console is for staff.
 */
export function summarizeCase(
  handoffCase: HandoffCase,
  transcript: readonly TranscriptLine[],
  now: number,
): string {
  const lines: string[] = [];
  const who = handoffCase.customerName ?? 'The customer';
  const where = `${handoffCase.channelId}, ${handoffCase.locale}`;
  if (handoffCase.state === 'queued') {
    lines.push(
      `${who} (${where}) has waited ${minutes(now - handoffCase.queuedAt)} in the ${handoffCase.team} queue.`,
    );
  } else if (handoffCase.state === 'withAgent') {
    lines.push(`${who} (${where}) is talking to an agent of ${handoffCase.team}.`);
  } else {
    lines.push(`${who} (${where}): the case ended (${handoffCase.disposition ?? 'no disposition'}).`);
  }
  lines.push(`Handed over because ${REASONS[handoffCase.reason] ?? `of "${handoffCase.reason}"`}.`);
  lines.push(`Topic: ${TOPICS[handoffCase.topic] ?? handoffCase.topic}.`);

  const collected = handoffCase.collected;
  for (const [key, label] of KEY_FACTS) {
    const text = factText(collected[key]);
    if (text === undefined) continue;
    const verified =
      key === 'orderNumber' && collected.orderVerified === true
        ? ` (ownership verified${typeof collected.verifiedBy === 'string' ? ` by ${collected.verifiedBy}` : ''})`
        : key === 'orderNumber'
          ? ' (ownership not verified)'
          : '';
    lines.push(`${label}: ${text}${verified}.`);
  }
  const others = Object.entries(collected)
    .filter(([key]) => !SKIPPED_FACTS.has(key) && !KEY_FACTS.some(([known]) => known === key))
    .map(([key, value]) => [key, factText(value)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
    .slice(0, 5);
  if (others.length > 0)
    lines.push(`Also collected: ${others.map(([key, text]) => `${key} ${text}`).join('; ')}.`);

  if (handoffCase.sentiment !== undefined && handoffCase.sentiment >= 0.5) {
    lines.push(`The customer seems upset (negative sentiment ${handoffCase.sentiment.toFixed(2)}).`);
  }
  if (handoffCase.tags.length > 0) lines.push(`Tags: ${handoffCase.tags.join(', ')}.`);
  const last = [...transcript].reverse().find((line) => line.role === 'customer');
  if (last) {
    const quote = last.text.length > MAX_QUOTE_CHARS ? `${last.text.slice(0, MAX_QUOTE_CHARS)}…` : last.text;
    lines.push(`Last customer message: "${quote}"`);
  } else {
    lines.push('The customer has not written anything yet.');
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Request helpers.

function send(res: Response, status: number, body?: unknown): void {
  if (body === undefined) res.send(status);
  else res.send(status, body);
}

function fail(res: Response, problem: HttpProblem): void {
  send(res, problem.status, { code: problem.code, message: problem.message });
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first?.split(',')[0]?.trim() || undefined;
}

function bearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** Whether the request came over https, directly or through a proxy that says so. */
function isSecure(req: IncomingMessage): boolean {
  return (
    (req.socket as { encrypted?: boolean }).encrypted === true ||
    firstHeader(req.headers['x-forwarded-proto']) === 'https'
  );
}

/**
 * A browser's `Origin`, when sent, must name this host. `X-Forwarded-Host` counts too, for
 * proxies that rewrite `Host`; a page on another site cannot set it without a CORS preflight,
 * which this API never grants.
 */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = firstHeader(req.headers.origin);
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return false; // `Origin: null` (sandboxed frames, file pages) is never ours
  }
  const hosts = [req.headers.host, firstHeader(req.headers['x-forwarded-host'])];
  return hosts.some((candidate) => candidate !== undefined && candidate.toLowerCase() === host);
}

function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/** The `:id` path parameter as written. */
function rawId(req: Request): string {
  const value = (req.params as Record<string, unknown> | undefined)?.id;
  return typeof value === 'string' ? value : '';
}

/** The `:id` path parameter as a number, or undefined when it is not a whole number. */
function idParam(req: Request): number | undefined {
  const value = rawId(req);
  return /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/** The JSON body as an object (empty when there is none); 415 for another content type. */
function jsonBody(req: Request): Record<string, unknown> | HttpProblem {
  const length = Number(req.headers['content-length'] ?? 0);
  if (req.body === undefined && length === 0 && req.headers['transfer-encoding'] === undefined) return {};
  if (!/^application\/([\w.+-]+\+)?json$/i.test(req.contentType())) {
    return new HttpProblem(415, 'UnsupportedMediaType', 'send a JSON body (Content-Type: application/json)');
  }
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    return new HttpProblem(400, 'BadArgument', 'the body must be a JSON object');
  }
  return req.body as Record<string, unknown>;
}

const isChange = (method: string): boolean => !['GET', 'HEAD', 'OPTIONS'].includes(method);

/** Answers a refused WebSocket upgrade with a plain HTTP error and closes the socket. */
function refuseUpgrade(socket: Duplex, problem: HttpProblem): void {
  const body = JSON.stringify({ code: problem.code, message: problem.message });
  const reason =
    { 401: 'Unauthorized', 403: 'Forbidden', 429: 'Too Many Requests', 503: 'Service Unavailable' }[
      problem.status
    ] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${problem.status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Failed logins per client address. Only failures count, so a team behind one office address
 * is not locked out by its own successful logins; the attempt past the limit and every attempt
 * after it (even with the right password) wait until the window ends.
 */
class LoginThrottle {
  private readonly failures: RateLimiter;
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    attempts: number,
    windowMs: number,
    private readonly now: () => number,
  ) {
    this.failures = new RateLimiter(attempts, windowMs, now);
  }

  check(address: string): true | { retryAfterSeconds: number } {
    const now = this.now();
    for (const [key, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(key);
    const until = this.blockedUntil.get(address);
    return until === undefined ? true : { retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
  }

  fail(address: string): true | { retryAfterSeconds: number } {
    const verdict = this.failures.take(address);
    if (verdict !== true) this.blockedUntil.set(address, this.now() + verdict.retryAfterSeconds * 1000);
    return verdict;
  }
}

// ---------------------------------------------------------------------------------------------
// The event stream.

interface EventClient {
  socket: WebSocket;
  caller: Caller;
  /** Cases this agent saw: a case that leaves their view still gets its last `changed`. */
  known: Set<number>;
  alive: boolean;
}

type ConsoleEvent =
  | { type: 'changed'; caseId: number }
  | { type: 'customerMessage'; caseId: number; text: string }
  | { type: 'ticket'; ticketId: number };

/**
 * Fans the desk's events out to the agents' sockets, each only what its agent may see. Desk
 * listeners and the heartbeat exist only while at least one socket is open.
 */
class ConsoleEvents {
  private readonly clients = new Set<EventClient>();
  private heartbeat: NodeJS.Timeout | undefined;

  private readonly onChanged = (caseId: number): void => {
    const handoffCase = this.deps.desk.store.getCase(caseId);
    for (const client of this.clients) {
      const visible = handoffCase !== undefined && this.deps.desk.canSee(client.caller.agent, handoffCase);
      // NOTE: a case claimed by a colleague leaves this agent's view; they still need to hear
      // about it, or their queue would keep showing it as waiting.
      if (visible || client.known.has(caseId)) this.push(client, { type: 'changed', caseId });
      if (visible) client.known.add(caseId);
      else client.known.delete(caseId);
    }
  };

  private readonly onCustomerMessage = (event: { caseId: number; text: string }): void => {
    const handoffCase = this.deps.desk.store.getCase(event.caseId);
    if (!handoffCase) return;
    for (const client of this.clients) {
      if (this.deps.desk.canSee(client.caller.agent, handoffCase)) {
        this.push(client, { type: 'customerMessage', caseId: event.caseId, text: event.text });
      }
    }
  };

  private readonly onTicket = (ticketId: number): void => {
    const ticket = this.deps.desk.store.tickets().find((t) => t.id === ticketId);
    if (!ticket) return;
    for (const client of this.clients) {
      const { agent } = client.caller;
      if (agent.role !== 'agent' || agent.teams.includes(ticket.team))
        this.push(client, { type: 'ticket', ticketId });
    }
  };

  constructor(private readonly deps: ConsoleApiDeps) {}

  hasRoom(agentId: string): boolean {
    let count = 0;
    for (const client of this.clients) if (client.caller.agent.id === agentId) count += 1;
    return count < MAX_SOCKETS_PER_AGENT;
  }

  attach(socket: WebSocket, caller: Caller): void {
    if (this.clients.size === 0) this.start();
    const known = new Set(this.deps.desk.visibleCases(caller.agent).map((c) => c.id));
    const client: EventClient = { socket, caller, known, alive: true };
    this.clients.add(client);
    socket.on('pong', () => {
      client.alive = true;
    });
    // Nothing a client sends is acted on.
    socket.on('message', () => undefined);
    socket.on('error', (error) => this.deps.logger.debug({ err: error }, 'console event socket error'));
    socket.on('close', () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.stop();
    });
  }

  /** A ticket was created or closed. */
  ticket(ticketId: number): void {
    this.onTicket(ticketId);
  }

  /** Closes the sockets of one session (logout). */
  endSession(token: string): void {
    for (const client of this.clients) {
      if (client.caller.token === token) client.socket.close(4401, 'logged out');
    }
  }

  count(): number {
    return this.clients.size;
  }

  closeAll(): void {
    for (const client of this.clients) client.socket.close(1001, 'server shutting down');
    this.clients.clear();
    this.stop();
  }

  private push(client: EventClient, event: ConsoleEvent): void {
    if (client.socket.readyState !== client.socket.OPEN) return;
    // NOTE: pushes run inside the desk's emit(); a failing socket must not fail the agent action.
    client.socket.send(JSON.stringify(event), (error) => {
      if (error) this.deps.logger.debug({ err: error }, 'console event not sent');
    });
  }

  private start(): void {
    this.deps.desk.on('changed', this.onChanged);
    this.deps.desk.on('customerMessage', this.onCustomerMessage);
    this.deps.desk.on('ticket', this.onTicket);
    this.heartbeat = setInterval(() => {
      try {
        this.checkClients();
      } catch (error) {
        // NOTE: a throw in a timer would end the process (e.g. the database closed first).
        this.deps.logger.error({ err: error }, 'console event heartbeat failed');
      }
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private stop(): void {
    this.deps.desk.off('changed', this.onChanged);
    this.deps.desk.off('customerMessage', this.onCustomerMessage);
    this.deps.desk.off('ticket', this.onTicket);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Drops dead sockets and those whose session ended (logout, expiry, disabled account, new password). */
  private checkClients(): void {
    for (const client of this.clients) {
      const session = this.deps.agents.session(client.caller.token, client.caller.kind);
      if (!session) {
        client.socket.close(4401, 'session ended');
        continue;
      }
      client.caller = { ...client.caller, agent: session.agent, session };
      if (!client.alive) {
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Routes.

/**
 * Mounts the agent console API under `/api/console/` and its event WebSocket at
 * `/api/console/events`. The server must use `restify.plugins.queryParser({ mapParams: false })`.
 * Returns a handle whose `close()` ends every event socket, for shutdown.
 */
export function mountConsoleApi(server: restify.Server, deps: ConsoleApiDeps): ConsoleApi {
  const { desk, agents, logger } = deps;
  const { store } = desk;
  const now = deps.now ?? Date.now;
  const throttle = new LoginThrottle(
    deps.loginLimit?.attempts ?? 10,
    deps.loginLimit?.windowMs ?? 15 * 60 * 1000,
    now,
  );
  const events = new ConsoleEvents(deps);
  const body = restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, mapFiles: false });

  const agentName = (id: string | undefined): string | undefined =>
    id === undefined ? undefined : agents.find(id)?.name;

  const caseView = (handoffCase: HandoffCase): CaseView => {
    const waitedUntil =
      handoffCase.state === 'queued' ? now() : (handoffCase.assignedAt ?? handoffCase.endedAt ?? now());
    return {
      id: handoffCase.id,
      state: handoffCase.state,
      team: handoffCase.team,
      channel: handoffCase.channelId,
      locale: handoffCase.locale,
      topic: handoffCase.topic,
      reason: handoffCase.reason,
      customerName: handoffCase.customerName,
      sentiment: handoffCase.sentiment,
      tags: handoffCase.tags,
      agentId: handoffCase.agentId,
      agentName: agentName(handoffCase.agentId),
      queuedAt: new Date(handoffCase.queuedAt).toISOString(),
      assignedAt: iso(handoffCase.assignedAt),
      endedAt: iso(handoffCase.endedAt),
      disposition: handoffCase.disposition,
      waitingSeconds: Math.max(0, Math.round((waitedUntil - handoffCase.queuedAt) / 1000)),
      position: handoffCase.state === 'queued' ? store.position(handoffCase) : undefined,
    };
  };

  /** The caller of a request, or why not; cookie requests that change state pass CSRF checks. */
  const authenticate = (req: Request): Caller | HttpProblem => {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const token = bearer(authorization);
      const session = token === undefined ? undefined : agents.session(token, 'bearer');
      if (!token || !session)
        return new HttpProblem(401, 'Unauthorized', 'the bearer token is not valid or has expired');
      return { agent: session.agent, session, kind: 'bearer', token };
    }
    const token = cookie(req, SESSION_COOKIE);
    const session = token === undefined ? undefined : agents.session(token, 'cookie');
    if (!token || !session) {
      return new HttpProblem(401, 'Unauthorized', 'log in at /console, or send a bearer token');
    }
    if (isChange(req.method ?? 'GET')) {
      if (!sameOrigin(req))
        return new HttpProblem(403, 'OriginRejected', 'the request comes from another site');
      const csrf = req.headers['x-csrf-token'];
      if (typeof csrf !== 'string' || !safeEqual(csrf, session.csrfToken)) {
        return new HttpProblem(
          403,
          'CsrfRejected',
          'send the X-CSRF-Token header from login or GET /api/console/me',
        );
      }
    }
    return { agent: session.agent, session, kind: 'cookie', token };
  };

  type Handler = (req: Request, res: Response, caller: Caller) => Promise<void>;
  /** Wraps a handler that needs a logged-in agent (optionally of some roles). */
  const authed =
    (handler: Handler, roles?: readonly AgentAccount['role'][]) =>
    async (req: Request, res: Response): Promise<void> => {
      const caller = authenticate(req);
      if (caller instanceof HttpProblem) return fail(res, caller);
      if (roles && !roles.includes(caller.agent.role)) {
        return fail(
          res,
          new HttpProblem(403, 'Forbidden', `only ${roles.join(' and ')} accounts may do this`),
        );
      }
      await handler(req, res, caller);
    };

  /** The case named in the path, when the agent may see it (or held it). */
  const openCase = (req: Request, agent: AgentRef): HandoffCase | HttpProblem => {
    const id = idParam(req);
    const handoffCase = id === undefined ? undefined : store.getCase(id);
    if (!handoffCase) return new HttpProblem(404, 'NotFound', `case ${rawId(req)} does not exist`);
    if (!desk.canSee(agent, handoffCase) && handoffCase.agentId !== agent.id) {
      return new HttpProblem(403, 'Forbidden', 'this case belongs to another team or agent');
    }
    return handoffCase;
  };

  const ended = (): HttpProblem =>
    new HttpProblem(
      409,
      'ConversationEnded',
      'the conversation has ended; the customer is back with the bot',
    );
  const notYours = (): HttpProblem =>
    new HttpProblem(403, 'NotYours', 'claim the case first: another agent holds it or nobody does');

  /**
   * Runs a desk action that changes the case before telling the customer. When the telling
   * fails (the channel is down) the change stands: the answer says `delivered: false`.
   */
  const perform = async (
    handoffCase: HandoffCase,
    action: () => Promise<ActionResult>,
    happened: (after: HandoffCase) => boolean,
  ): Promise<{ result: ActionResult; delivered: boolean }> => {
    try {
      return { result: await action(), delivered: true };
    } catch (error) {
      const after = store.getCase(handoffCase.id);
      if (!after || !happened(after)) throw error;
      logger.warn(
        { err: error, caseId: handoffCase.id },
        'console action done, but the customer could not be told',
      );
      return { result: 'ok', delivered: false };
    }
  };

  const currentCase = (id: number): CaseView | undefined => {
    const found = store.getCase(id);
    return found ? caseView(found) : undefined;
  };

  // --- sessions ------------------------------------------------------------------------------

  server.post(`${BASE}/login`, body, async (req: Request, res: Response) => {
    if (!sameOrigin(req))
      return fail(res, new HttpProblem(403, 'OriginRejected', 'the request comes from another site'));
    const address = req.socket.remoteAddress ?? 'unknown';
    const tooMany = (retryAfterSeconds: number) => {
      res.header('Retry-After', String(retryAfterSeconds));
      fail(
        res,
        new HttpProblem(429, 'TooManyRequests', 'too many failed logins from this address; try again later'),
      );
    };
    const allowed = throttle.check(address);
    if (allowed !== true) return tooMany(allowed.retryAfterSeconds);
    const input = jsonBody(req);
    if (input instanceof HttpProblem) return fail(res, input);
    const { username, password } = input;
    if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '') {
      return fail(res, new HttpProblem(400, 'BadArgument', 'send {"username": "…", "password": "…"}'));
    }
    if (username.length > 100 || password.length > 1000) {
      return fail(res, new HttpProblem(400, 'BadArgument', 'username or password too long'));
    }
    const account = await agents.authenticate(username, password);
    if (!account) {
      // NOTE: the typed username is not logged: people type passwords into that field too.
      store.audit(agents.find(username)?.id ?? 'anonymous', 'loginFailed', undefined, { address });
      const verdict = throttle.fail(address);
      if (verdict !== true) return tooMany(verdict.retryAfterSeconds);
      return fail(
        res,
        new HttpProblem(401, 'InvalidCredentials', 'wrong username or password, or the account is disabled'),
      );
    }
    const { token, session } = agents.startSession(account, 'cookie');
    const maxAge = Math.max(0, Math.floor((session.expiresAt - now()) / 1000));
    res.header(
      'Set-Cookie',
      `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${isSecure(req) ? '; Secure' : ''}`,
    );
    res.header('Cache-Control', 'no-store');
    store.audit(account.id, 'login', undefined, { address });
    send(res, 200, { agent: agentView(account), csrfToken: session.csrfToken });
  });

  server.post(
    `${BASE}/logout`,
    authed(async (req, res, caller) => {
      agents.endSession(caller.token);
      events.endSession(caller.token);
      store.audit(caller.agent.id, caller.kind === 'cookie' ? 'logout' : 'tokenRevoked');
      if (caller.kind === 'cookie') {
        res.header(
          'Set-Cookie',
          `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${isSecure(req) ? '; Secure' : ''}`,
        );
      }
      send(res, 204);
    }),
  );

  server.get(
    `${BASE}/me`,
    authed(async (_req, res, caller) => {
      res.header('Cache-Control', 'no-store');
      send(res, 200, {
        agent: agentView(caller.agent),
        csrfToken: caller.kind === 'cookie' ? caller.session.csrfToken : undefined,
        expiresAt: new Date(caller.session.expiresAt).toISOString(),
      });
    }),
  );

  server.post(
    `${BASE}/tokens`,
    authed(async (_req, res, caller) => {
      // NOTE: a token cannot mint tokens, or one leaked token would live forever.
      if (caller.kind !== 'cookie') {
        return fail(
          res,
          new HttpProblem(403, 'Forbidden', 'tokens are issued to a logged-in console session only'),
        );
      }
      const { token, session } = agents.startSession(caller.agent, 'bearer');
      store.audit(caller.agent.id, 'tokenIssued', undefined, { expiresAt: session.expiresAt });
      res.header('Cache-Control', 'no-store');
      send(res, 200, { token, expiresAt: new Date(session.expiresAt).toISOString() });
    }),
  );

  // --- cases ---------------------------------------------------------------------------------

  server.get(
    `${BASE}/queue`,
    authed(async (_req, res, caller) => {
      send(res, 200, { cases: desk.visibleCases(caller.agent).map(caseView) });
    }),
  );

  server.get(
    `${BASE}/cases/:id`,
    authed(async (req, res, caller) => {
      const handoffCase = openCase(req, caller.agent);
      if (handoffCase instanceof HttpProblem) return fail(res, handoffCase);
      const transcript = store.transcript(handoffCase.conversationKey);
      res.header('Cache-Control', 'no-store');
      send(res, 200, {
        case: caseView(handoffCase),
        transcript: transcript.map((line) => ({
          id: line.id,
          at: new Date(line.at).toISOString(),
          role: line.role,
          agentId: line.agentId,
          agentName: agentName(line.agentId),
          text: line.text,
        })),
        collected: handoffCase.collected,
        sentiment: handoffCase.sentiment,
        summary: summarizeCase(handoffCase, transcript, now()),
      });
    }),
  );

  server.post(
    `${BASE}/cases/:id/claim`,
    authed(async (req, res, caller) => {
      const { agent } = caller;
      const id = idParam(req);
      const handoffCase = id === undefined ? undefined : store.getCase(id);
      if (!handoffCase)
        return fail(res, new HttpProblem(404, 'NotFound', `case ${rawId(req)} does not exist`));
      // NOTE: checked here, not only by desk.canSee: a case a colleague just claimed is no
      // longer visible to this agent, but losing the race is a 409, not a 403.
      const eligible =
        agent.role !== 'agent' || agent.teams.includes(handoffCase.team) || handoffCase.agentId === agent.id;
      if (!eligible) return fail(res, new HttpProblem(403, 'Forbidden', 'this case belongs to another team'));
      const lost = (latest: HandoffCase | undefined): HttpProblem =>
        latest?.state === 'ended'
          ? ended()
          : new HttpProblem(
              409,
              'AlreadyClaimed',
              latest?.agentId === agent.id
                ? 'you already hold this case'
                : 'another agent has taken this case',
            );
      if (handoffCase.state !== 'queued') return fail(res, lost(handoffCase));
      const { result, delivered } = await perform(
        handoffCase,
        () => desk.claim(handoffCase.id, agent),
        (after) => after.state === 'withAgent' && after.agentId === agent.id,
      );
      if (result === 'ok') return send(res, 200, { case: currentCase(handoffCase.id), delivered });
      if (result === 'notFound')
        return fail(res, new HttpProblem(404, 'NotFound', `case ${handoffCase.id} does not exist`));
      fail(res, lost(store.getCase(handoffCase.id)));
    }),
  );

  server.post(
    `${BASE}/cases/:id/messages`,
    body,
    authed(async (req, res, caller) => {
      const handoffCase = openCase(req, caller.agent);
      if (handoffCase instanceof HttpProblem) return fail(res, handoffCase);
      const input = jsonBody(req);
      if (input instanceof HttpProblem) return fail(res, input);
      const text = typeof input.text === 'string' ? input.text.trim() : '';
      if (text === '')
        return fail(res, new HttpProblem(400, 'BadArgument', 'send {"text": "…"} with the reply'));
      if (text.length > MAX_REPLY_CHARS) {
        return fail(
          res,
          new HttpProblem(400, 'BadArgument', `a reply has at most ${MAX_REPLY_CHARS} characters`),
        );
      }
      if (handoffCase.state === 'ended') return fail(res, ended());
      let result: ActionResult;
      try {
        result = await desk.reply(handoffCase.id, caller.agent, text);
      } catch (error) {
        logger.warn({ err: error, caseId: handoffCase.id }, 'agent reply not delivered');
        return fail(
          res,
          new HttpProblem(
            502,
            'DeliveryFailed',
            `the customer's channel (${handoffCase.channelId}) could not be reached; try again`,
          ),
        );
      }
      if (result === 'conflict') return fail(res, ended());
      if (result === 'forbidden') return fail(res, notYours());
      if (result === 'notFound')
        return fail(res, new HttpProblem(404, 'NotFound', `case ${handoffCase.id} does not exist`));
      send(res, 200, { case: currentCase(handoffCase.id) });
    }),
  );

  server.post(
    `${BASE}/cases/:id/typing`,
    authed(async (req, res, caller) => {
      const handoffCase = openCase(req, caller.agent);
      if (handoffCase instanceof HttpProblem) return fail(res, handoffCase);
      if (handoffCase.state === 'ended') return fail(res, ended());
      let result: ActionResult;
      try {
        result = await desk.typing(handoffCase.id, caller.agent);
      } catch (error) {
        logger.debug({ err: error, caseId: handoffCase.id }, 'typing indicator not delivered');
        return fail(
          res,
          new HttpProblem(
            502,
            'DeliveryFailed',
            `the customer's channel (${handoffCase.channelId}) could not be reached`,
          ),
        );
      }
      if (result === 'conflict') return fail(res, ended());
      if (result === 'forbidden') return fail(res, notYours());
      send(res, 204);
    }),
  );

  server.post(
    `${BASE}/cases/:id/transfer`,
    body,
    authed(async (req, res, caller) => {
      const { agent } = caller;
      const handoffCase = openCase(req, agent);
      if (handoffCase instanceof HttpProblem) return fail(res, handoffCase);
      const input = jsonBody(req);
      if (input instanceof HttpProblem) return fail(res, input);
      const { team, agent: username } = input;
      const toTeam = typeof team === 'string' && team !== '';
      const toAgent = typeof username === 'string' && username !== '';
      if (toTeam === toAgent) {
        return fail(
          res,
          new HttpProblem(400, 'BadArgument', 'send {"team": "<team id>"} or {"agent": "<username>"}'),
        );
      }
      let target: { team: string } | { agent: AgentRef };
      if (toTeam) {
        if (!desk.teams.teams.some((known) => known.id === team)) {
          return fail(res, new HttpProblem(400, 'UnknownTeam', `there is no team "${team}"`));
        }
        target = { team };
      } else {
        const account = agents.find(username as string);
        if (!account || account.disabled) {
          return fail(
            res,
            new HttpProblem(400, 'UnknownAgent', `there is no active agent "${username as string}"`),
          );
        }
        if (account.id === agent.id)
          return fail(res, new HttpProblem(400, 'BadArgument', 'the case is already yours'));
        target = { agent: account };
      }
      if (handoffCase.state === 'ended') return fail(res, ended());
      if (handoffCase.state !== 'withAgent' || handoffCase.agentId !== agent.id) return fail(res, notYours());
      const { result, delivered } = await perform(
        handoffCase,
        () => desk.transfer(handoffCase.id, agent, target),
        (after) => after.agentId !== agent.id,
      );
      if (result === 'ok') return send(res, 200, { case: currentCase(handoffCase.id), delivered });
      if (result === 'forbidden') return fail(res, notYours());
      const latest = store.getCase(handoffCase.id);
      fail(
        res,
        latest?.state === 'ended'
          ? ended()
          : new HttpProblem(409, 'Conflict', 'the case changed meanwhile; reload it'),
      );
    }),
  );

  server.post(
    `${BASE}/cases/:id/end`,
    body,
    authed(async (req, res, caller) => {
      const handoffCase = openCase(req, caller.agent);
      if (handoffCase instanceof HttpProblem) return fail(res, handoffCase);
      const input = jsonBody(req);
      if (input instanceof HttpProblem) return fail(res, input);
      const disposition = input.disposition;
      if (typeof disposition !== 'string' || !(DISPOSITIONS as readonly string[]).includes(disposition)) {
        return fail(
          res,
          new HttpProblem(400, 'BadArgument', `disposition must be one of ${DISPOSITIONS.join(', ')}`),
        );
      }
      if (handoffCase.state === 'ended') return fail(res, ended());
      const { result, delivered } = await perform(
        handoffCase,
        () => desk.end(handoffCase.id, caller.agent, disposition),
        (after) => after.state === 'ended',
      );
      if (result === 'ok') return send(res, 200, { case: currentCase(handoffCase.id), delivered });
      if (result === 'forbidden') return fail(res, notYours());
      fail(res, ended());
    }),
  );

  // --- tickets, teams, audit -----------------------------------------------------------------

  const ticketTeams = (agent: AgentRef): string[] | undefined =>
    agent.role === 'agent' ? agent.teams : undefined;

  server.get(
    `${BASE}/tickets`,
    authed(async (req, res, caller) => {
      const raw = (req.query as Record<string, unknown> | undefined)?.status;
      const status = raw === 'open' || raw === 'closed' ? raw : undefined;
      if (raw !== undefined && status === undefined) {
        return fail(res, new HttpProblem(400, 'BadArgument', 'status must be open or closed'));
      }
      send(res, 200, { tickets: store.tickets(status, ticketTeams(caller.agent)).map(ticketView) });
    }),
  );

  server.post(
    `${BASE}/tickets/:id/close`,
    authed(async (req, res, caller) => {
      const id = idParam(req);
      const ticket = id === undefined ? undefined : store.tickets().find((t) => t.id === id);
      if (!ticket) return fail(res, new HttpProblem(404, 'NotFound', `ticket ${rawId(req)} does not exist`));
      const teams = ticketTeams(caller.agent);
      if (teams && !teams.includes(ticket.team)) {
        return fail(res, new HttpProblem(403, 'Forbidden', 'this ticket belongs to another team'));
      }
      if (!store.closeTicket(ticket.id, caller.agent.id)) {
        return fail(res, new HttpProblem(409, 'AlreadyClosed', 'the ticket is already closed'));
      }
      store.audit(caller.agent.id, 'ticketClosed', undefined, { ticket: ticket.id, team: ticket.team });
      events.ticket(ticket.id);
      const closed = store.tickets().find((t) => t.id === ticket.id) ?? ticket;
      send(res, 200, { ticket: ticketView(closed) });
    }),
  );

  server.get(
    `${BASE}/teams`,
    authed(async (_req, res) => {
      const at = new Date(now());
      send(res, 200, {
        teams: desk.teams.teams.map((team) => ({
          id: team.id,
          name: team.name,
          locales: team.locales,
          topics: team.topics,
          timezone: team.timezone,
          open: isTeamOpen(team, at),
        })),
      });
    }),
  );

  server.get(
    `${BASE}/audit`,
    authed(
      async (req, res) => {
        const raw = (req.query as Record<string, unknown> | undefined)?.limit;
        const limit =
          raw === undefined ? 100 : typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
        if (!(limit >= 1 && limit <= 1000)) {
          return fail(
            res,
            new HttpProblem(400, 'BadArgument', 'limit must be a whole number from 1 to 1000'),
          );
        }
        const entries = store.auditLog(limit).map((entry) => ({
          at: new Date(entry.at).toISOString(),
          actor: entry.actor,
          actorName: agentName(entry.actor),
          action: entry.action,
          caseId: entry.caseId,
          detail: entry.detail,
        }));
        send(res, 200, { entries });
      },
      ['lead', 'admin'],
    ),
  );

  // --- event stream --------------------------------------------------------------------------

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  server.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // NOTE: other endpoints (Direct Line streams) listen for upgrades too: leave their sockets alone.
    if (url.pathname !== CONSOLE_EVENTS_PATH) return;
    // Another listener already answered this socket.
    if (!socket.writable) return;
    if (deps.isClosing()) {
      return refuseUpgrade(socket, new HttpProblem(503, 'ShuttingDown', 'the server is shutting down'));
    }
    let caller: Caller | HttpProblem;
    const token = url.searchParams.get('token') ?? bearer(req.headers.authorization);
    if (token) {
      const session = agents.session(token, 'bearer');
      caller = session
        ? { agent: session.agent, session, kind: 'bearer', token }
        : new HttpProblem(401, 'Unauthorized', 'the token is not valid or has expired');
    } else {
      const value = cookie(req, SESSION_COOKIE);
      const session = value === undefined ? undefined : agents.session(value, 'cookie');
      caller =
        value === undefined || !session
          ? new HttpProblem(401, 'Unauthorized', 'log in at /console, or pass ?token=<bearer token>')
          : // A page on another site must not open a socket with the agent's cookie.
            !sameOrigin(req)
            ? new HttpProblem(403, 'OriginRejected', 'the request comes from another site')
            : { agent: session.agent, session, kind: 'cookie', token: value };
    }
    if (caller instanceof HttpProblem) return refuseUpgrade(socket, caller);
    if (!events.hasRoom(caller.agent.id)) {
      return refuseUpgrade(
        socket,
        new HttpProblem(429, 'TooManySockets', `at most ${MAX_SOCKETS_PER_AGENT} event sockets per agent`),
      );
    }
    const authenticated = caller;
    wss.handleUpgrade(req, socket, head, (ws) => events.attach(ws, authenticated));
  });

  return {
    close: () => {
      events.closeAll();
      wss.close();
    },
    socketCount: () => events.count(),
  };
}
