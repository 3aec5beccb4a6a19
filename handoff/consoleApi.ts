/**
 * The agent console API, everything under `/api/console/` (full reference: handoff/README.md).
 *
 * Authentication (consoleAuth.ts): the console page logs in with `POST /api/console/login` and
 * gets the httpOnly cookie `sb_console`; other help desks send `Authorization: Bearer <token>`
 * (tokens from `POST /api/console/tokens` or `cli agents token`). A state-changing request
 * authenticated by the cookie must carry `X-CSRF-Token` (from login or `GET /me`) and, when it
 * has an `Origin`, come from this host; bearer requests are exempt.
 *
 * | route                                   | body                          | answer                          |
 * | --------------------------------------- | ----------------------------- | ------------------------------- |
 * | `POST /api/console/login`               | `{username, password}`        | `{agent, csrfToken}` + cookie   |
 * | `POST /api/console/logout`              |                               | 204, cookie cleared             |
 * | `GET  /api/console/me`                  |                               | `{agent, csrfToken}`            |
 * | `POST /api/console/tokens`              |                               | `{token, expiresAt}`            |
 * | `GET  /api/console/queue`               |                               | `{cases}`                       |
 * | `GET  /api/console/cases/history?q=&channel=&agent=&outcome=&from=&to=&page=&pageSize=` | | `{cases, total, page, pageSize}` |
 * | `GET  /api/console/canned-replies?locale=&team=` |                      | `{cannedReplies, placeholders}` |
 * | `POST /api/console/canned-replies`, `PUT\|DELETE …/:id` | `{name, locale, team, text}` | `{cannedReply}` (lead, admin) |
 * | `GET  /api/console/cases/:id/canned-replies` |                          | `{cannedReplies}` filled for the case |
 * | `GET  /api/console/cases/:id`           |                               | `{case, transcript, collected, sentiment, summary}` |
 * | `POST /api/console/cases/:id/claim`     |                               | `{case, delivered}`             |
 * | `POST /api/console/cases/:id/messages`  | `{text}`                      | `{case}`                        |
 * | `POST /api/console/cases/:id/messages/:messageId/reveal` |              | `{messageId, text, expiresAt}` (holder) |
 * | `POST /api/console/cases/:id/typing`    |                               | 204                             |
 * | `POST /api/console/cases/:id/transfer`  | `{team}` or `{agent}`         | `{case, delivered}`             |
 * | `POST /api/console/cases/:id/end`       | `{disposition}`               | `{case, delivered}`             |
 * | `GET  /api/console/tickets?status=`     |                               | `{tickets}`                     |
 * | `POST /api/console/tickets/:id/close`   |                               | `{ticket}`                      |
 * | `GET  /api/console/teams`               |                               | `{teams}`                       |
 * | `GET  /api/console/audit?limit=`        |                               | `{entries}` (lead, admin)       |
 * | `GET  /api/console/channels`            |                               | `{channels}` (admin)            |
 * | `GET  /api/console/events` (WebSocket)  |                               | `changed`, `customerMessage`, `ticket` |
 *
 * The case routes live in caseRoutes.ts, the history in historyRoutes.ts, canned replies in
 * cannedReplyRoutes.ts, the event stream in consoleEvents.ts; this file
 * mounts everything and holds the session, ticket, team and audit routes.
 *
 * Errors are JSON `{code, message}`: 400 bad input, 401 not logged in, 403 CSRF / origin /
 * role / a case the agent may not see, 404 unknown, 409 the case moved on (`AlreadyClaimed`,
 * `ConversationEnded`, `NothingToReveal`), 415 not JSON, 429 too many failed logins (per username and client
 * address, and per address), 502 the customer's channel
 * could not be reached.
 */
import QRCode from 'qrcode';
import type restify from 'restify';
import { clientAddressOf, type ClientAddress } from '../bot/clientAddress';
import type { Logger } from '../bot/logger';
import type { AgentDirectory } from './agentDirectory';
import { mountCannedReplyRoutes } from './cannedReplyRoutes';
import { mountCaseRoutes, type CaseRouteDeps } from './caseRoutes';
import {
  LoginThrottle,
  originRejected,
  requireAgent,
  sameOrigin,
  sessionCookie,
  type LoginLimit,
  type LoginWait,
} from './consoleAuth';
import { mountConsoleEvents, type ConsoleEventsDeps } from './consoleEvents';
import {
  answerProblems,
  CONSOLE_API_BASE as BASE,
  HttpProblem,
  idParam,
  jsonBody,
  jsonBodyParser,
  queryParam,
  rawId,
  send,
} from './consoleHttp';
import {
  agentView,
  auditEntryView,
  canSeeTicket,
  findTicket,
  teamView,
  ticketTeams,
  ticketView,
  type ViewContext,
} from './consoleViews';
import type { HandoffDesk } from './handoffDesk';
import { mountHistoryRoute } from './historyRoutes';

// Callers import the console API's names from this module, wherever they are defined.
export { summarizeCase } from './caseSummary';
export { DISPOSITIONS, MAX_REPLY_CHARS, REVEAL_SECONDS, type Disposition } from './caseRoutes';
export { SESSION_COOKIE } from './consoleAuth';
export { CONSOLE_EVENTS_PATH } from './consoleEvents';
export type { AgentView, CaseView } from './consoleViews';

export interface ConsoleApiDeps {
  desk: HandoffDesk;
  agents: AgentDirectory;
  logger: Logger;
  isClosing: () => boolean;
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  now?: () => number;
  /** Failed logins allowed per window ({@link DEFAULT_LOGIN_LIMIT} for what is not given). */
  loginLimit?: Partial<LoginLimit>;
  /** Whose address a request is, for the login limit and the audit log; the socket's peer by default. */
  clientAddress?: ClientAddress;
  /** The enabled channels' state, for admins (`GET /api/console/channels`); none by default. */
  channels?: () => ChannelStatus[];
  /** Delivery statuses the customer's channel reported, shown with a case where there are any. */
  deliveryReports?: CaseRouteDeps['deliveryReports'];
  /** Ended sessions to and from the other instances (see {@link ConsoleEventsDeps}). */
  sessionsFanOut?: ConsoleEventsDeps['sessionsFanOut'];
}

/** What admins see of one channel: its readiness checks and a code to scan to link it, if any. */
export interface ChannelStatus {
  name: string;
  ready: boolean;
  checks: Record<string, unknown>;
  /** The text of a QR code an admin scans to link the channel's account (WhatsApp Web). */
  linkCode?: string;
}

/**
 * 10 failed logins per username and address in 15 minutes, 50 per address across usernames:
 * an agent who mistypes never reaches the second, a stranger spraying one password over many
 * usernames does.
 */
export const DEFAULT_LOGIN_LIMIT: LoginLimit = {
  attempts: 10,
  attemptsPerAddress: 50,
  windowMs: 15 * 60 * 1000,
};

/** What {@link mountConsoleApi} leaves running. */
export interface ConsoleApi {
  /** Closes every event socket (server shutdown) and detaches from the desk. */
  close(): void;
  /** Open event sockets, for tests and readiness. */
  socketCount(): number;
  /** Agents with the console open, for metrics. */
  agentsOnline(): number;
}

/**
 * Mounts the agent console API under `/api/console/` and its event WebSocket at
 * `/api/console/events`. The server must use `restify.plugins.queryParser({ mapParams: false })`.
 * Returns a handle whose `close()` ends every event socket, for shutdown.
 */
export function mountConsoleApi(server: restify.Server, deps: ConsoleApiDeps): ConsoleApi {
  const { desk, agents, logger } = deps;
  const store = desk.records;
  const now = deps.now ?? Date.now;
  const throttle = new LoginThrottle({ ...DEFAULT_LOGIN_LIMIT, ...deps.loginLimit }, now);
  const clientAddress = deps.clientAddress ?? clientAddressOf([]);
  const events = mountConsoleEvents(server, deps);
  const authed = requireAgent(agents);
  const body = jsonBodyParser();

  // --- sessions ------------------------------------------------------------------------------

  server.post(
    `${BASE}/login`,
    body,
    answerProblems(async (req, res) => {
      if (!sameOrigin(req)) return originRejected();
      const input = jsonBody(req);
      if (input instanceof HttpProblem) return input;
      const { username, password } = input;
      if (
        typeof username !== 'string' ||
        typeof password !== 'string' ||
        username === '' ||
        password === ''
      ) {
        return new HttpProblem(400, 'BadArgument', 'send {"username": "…", "password": "…"}');
      }
      if (username.length > 100 || password.length > 1000) {
        return new HttpProblem(400, 'BadArgument', 'username or password too long');
      }
      const address = clientAddress(req);
      const tooMany = (wait: LoginWait): HttpProblem => {
        res.header('Retry-After', String(wait.retryAfterSeconds));
        const whose = wait.scope === 'account' ? 'for this account from this address' : 'from this address';
        return new HttpProblem(429, 'TooManyRequests', `too many failed logins ${whose}; try again later`);
      };
      const allowed = throttle.attempt(username, address);
      if (allowed !== true) return tooMany(allowed);
      const account = await agents.authenticate(username, password);
      if (!account) {
        // NOTE: the typed username is not logged: people type passwords into that field too.
        desk.audit((await agents.find(username))?.id ?? 'anonymous', 'loginFailed', undefined, { address });
        return new HttpProblem(
          401,
          'InvalidCredentials',
          'wrong username or password, or the account is disabled',
        );
      }
      throttle.succeeded(username, address);
      const { token, session } = await agents.startSession(account, 'cookie');
      const maxAge = Math.max(0, Math.floor((session.expiresAt - now()) / 1000));
      res.header('Set-Cookie', sessionCookie(req, token, maxAge));
      res.header('Cache-Control', 'no-store');
      desk.audit(account.id, 'login', undefined, { address });
      send(res, 200, { agent: agentView(account), csrfToken: session.csrfToken });
    }),
  );

  server.post(
    `${BASE}/logout`,
    authed(async (req, res, caller) => {
      await agents.endSession(caller.token);
      events.endSession(caller.token);
      desk.audit(caller.agent.id, caller.kind === 'cookie' ? 'logout' : 'tokenRevoked');
      if (caller.kind === 'cookie') res.header('Set-Cookie', sessionCookie(req, '', 0));
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
        return new HttpProblem(403, 'Forbidden', 'tokens are issued to a logged-in console session only');
      }
      const { token, session } = await agents.startSession(caller.agent, 'bearer');
      desk.audit(caller.agent.id, 'tokenIssued', undefined, { expiresAt: session.expiresAt });
      res.header('Cache-Control', 'no-store');
      send(res, 200, { token, expiresAt: new Date(session.expiresAt).toISOString() });
    }),
  );

  // --- cases ---------------------------------------------------------------------------------

  mountHistoryRoute(server, { desk, agents, now });
  mountCannedReplyRoutes(server, { desk, agents });
  mountCaseRoutes(server, {
    desk,
    agents,
    logger,
    now,
    ...(deps.deliveryReports ? { deliveryReports: deps.deliveryReports } : {}),
  });

  // --- tickets, teams, audit -----------------------------------------------------------------

  server.get(
    `${BASE}/tickets`,
    authed(async (req, res, caller) => {
      const raw = queryParam(req, 'status');
      const status = raw === 'open' || raw === 'closed' ? raw : undefined;
      if (raw !== undefined && status === undefined) {
        return new HttpProblem(400, 'BadArgument', 'status must be open or closed');
      }
      send(res, 200, { tickets: (await store.tickets(status, ticketTeams(caller.agent))).map(ticketView) });
    }),
  );

  server.post(
    `${BASE}/tickets/:id/close`,
    authed(async (req, res, caller) => {
      const id = idParam(req);
      const ticket = id === undefined ? undefined : await findTicket(store, id);
      if (!ticket) return new HttpProblem(404, 'NotFound', `ticket ${rawId(req)} does not exist`);
      if (!canSeeTicket(caller.agent, ticket)) {
        return new HttpProblem(403, 'Forbidden', 'this ticket belongs to another team');
      }
      const closed = await desk.closeTicket(ticket, caller.agent);
      if (closed === 'conflict') {
        return new HttpProblem(409, 'AlreadyClosed', 'the ticket is already closed');
      }
      send(res, 200, { ticket: ticketView(closed) });
    }),
  );

  server.get(
    `${BASE}/teams`,
    authed(async (_req, res) => {
      const at = new Date(now());
      send(res, 200, { teams: desk.teams.teams.map((team) => teamView(team, at)) });
    }),
  );

  server.get(
    `${BASE}/audit`,
    authed(
      async (req, res) => {
        const raw = queryParam(req, 'limit');
        const limit =
          raw === undefined ? 100 : typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
        if (!(limit >= 1 && limit <= 1000)) {
          return new HttpProblem(400, 'BadArgument', 'limit must be a whole number from 1 to 1000');
        }
        const views: ViewContext = { store, agentNames: await agents.names(), now };
        send(res, 200, {
          entries: (await store.auditLog(limit)).map((entry) => auditEntryView(entry, views)),
        });
      },
      ['lead', 'admin'],
    ),
  );

  server.get(
    `${BASE}/channels`,
    authed(
      async (_req, res) => {
        const channels = await Promise.all(
          (deps.channels?.() ?? []).map(async ({ linkCode, ...channel }) => ({
            ...channel,
            // An SVG drawn here, so the page needs no QR library and the code is never a link.
            ...(linkCode ? { linkQrSvg: await QRCode.toString(linkCode, { type: 'svg', margin: 1 }) } : {}),
          })),
        );
        res.header('Cache-Control', 'no-store');
        send(res, 200, { channels });
      },
      ['admin'],
    ),
  );

  return {
    close: () => events.close(),
    socketCount: () => events.count(),
    agentsOnline: () => events.agentsOnline(),
  };
}
