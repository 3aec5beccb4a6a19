/**
 * Who is calling the console API. The console page logs in and holds the httpOnly cookie
 * `sb_console`; a state-changing request authenticated by that cookie must carry `X-CSRF-Token`
 * and, when it has an `Origin`, come from this host. Other help desks send
 * `Authorization: Bearer <token>` and are exempt from both checks. Failed logins are limited
 * per username and client address, and more loosely per client address.
 */
import { createHash } from 'node:crypto';
import { rateLimitKey } from '../bot/clientAddress';
import { bearer } from '../bot/httpAnswers';
import { secretsEqual } from '../bot/secretsEqual';
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'restify';
import type { AgentAccount, AgentDirectory, AgentSession } from './agentDirectory';
import { answerProblems, HttpProblem } from './consoleHttp';

/** Name of the console session cookie. */
export const SESSION_COOKIE = 'sb_console';

/** Who is calling, and with which credential. */
export interface Caller {
  agent: AgentAccount;
  session: AgentSession;
  kind: 'cookie' | 'bearer';
  token: string;
}

/** The answer to a cookie request (or event socket) opened by a page on another site. */
export const originRejected = (): HttpProblem =>
  new HttpProblem(403, 'OriginRejected', 'the request comes from another site');

function firstHeader(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first?.split(',')[0]?.trim() || undefined;
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
export function sameOrigin(req: IncomingMessage): boolean {
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

const isChange = (method: string): boolean => !['GET', 'HEAD', 'OPTIONS'].includes(method);

/** The caller whose cookie or bearer value opens a live session of that kind, if any. */
async function sessionCaller(
  agents: AgentDirectory,
  token: string | undefined,
  kind: Caller['kind'],
): Promise<Caller | undefined> {
  const session = token ? await agents.session(token, kind) : undefined;
  return token && session ? { agent: session.agent, session, kind, token } : undefined;
}

/** The caller of a request, or why not; cookie requests that change state pass CSRF checks. */
export async function authenticate(req: Request, agents: AgentDirectory): Promise<Caller | HttpProblem> {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    return (
      (await sessionCaller(agents, bearer(authorization), 'bearer')) ??
      new HttpProblem(401, 'Unauthorized', 'the bearer token is not valid or has expired')
    );
  }
  const caller = await sessionCaller(agents, cookie(req, SESSION_COOKIE), 'cookie');
  if (!caller) return new HttpProblem(401, 'Unauthorized', 'log in at /console, or send a bearer token');
  if (isChange(req.method ?? 'GET')) {
    if (!sameOrigin(req)) return originRejected();
    const csrf = req.headers['x-csrf-token'];
    if (typeof csrf !== 'string' || !secretsEqual(csrf, caller.session.csrfToken)) {
      return new HttpProblem(
        403,
        'CsrfRejected',
        'send the X-CSRF-Token header from login or GET /api/console/me',
      );
    }
  }
  return caller;
}

/**
 * The caller opening an event socket: `?token=` or a bearer header, else the console cookie.
 * Browsers cannot set headers on a WebSocket, hence the token in the query.
 */
export async function authenticateUpgrade(
  req: IncomingMessage,
  url: URL,
  agents: AgentDirectory,
): Promise<Caller | HttpProblem> {
  const token = url.searchParams.get('token') ?? bearer(req.headers.authorization);
  if (token) {
    return (
      (await sessionCaller(agents, token, 'bearer')) ??
      new HttpProblem(401, 'Unauthorized', 'the token is not valid or has expired')
    );
  }
  const caller = await sessionCaller(agents, cookie(req, SESSION_COOKIE), 'cookie');
  if (!caller)
    return new HttpProblem(401, 'Unauthorized', 'log in at /console, or pass ?token=<bearer token>');
  // A page on another site must not open a socket with the agent's cookie.
  return sameOrigin(req) ? caller : originRejected();
}

/** A route handler for a logged-in agent; like a `ProblemHandler`, it returns its problem. */
export type AgentHandler = (req: Request, res: Response, caller: Caller) => Promise<HttpProblem | void>;

/**
 * Wraps route handlers that need a logged-in agent (optionally of some roles): 401 or 403
 * before the handler runs, and the problem a handler returns answered as JSON.
 */
export function requireAgent(agents: AgentDirectory) {
  return (handler: AgentHandler, roles?: readonly AgentAccount['role'][]) =>
    answerProblems(async (req, res) => {
      const caller = await authenticate(req, agents);
      if (caller instanceof HttpProblem) return caller;
      if (roles && !roles.includes(caller.agent.role)) {
        return new HttpProblem(403, 'Forbidden', `only ${roles.join(' and ')} accounts may do this`);
      }
      return handler(req, res, caller);
    });
}

/** The `Set-Cookie` value of a console session; an empty value with `maxAgeSeconds` 0 clears it. */
export function sessionCookie(req: IncomingMessage, value: string, maxAgeSeconds: number): string {
  const secure = isSecure(req) ? '; Secure' : '';
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

/** How many failed logins a window allows, and how long the window is. */
export interface LoginLimit {
  /** Failed logins allowed per username and client address. */
  attempts: number;
  /**
   * Failed logins allowed per client address across every username: looser, so it only slows
   * a stranger trying one password on many accounts (password spraying).
   */
  attemptsPerAddress: number;
  windowMs: number;
}

/**
 * Failures counted per key in fixed windows; a key with `attempts` failures in its window is
 * blocked until the window ends. Passed windows are forgotten as new failures come in.
 */
class FailureLimit {
  private readonly windows = new Map<string, { started: number; count: number }>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly attempts: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Milliseconds `key` must still wait (0 when it may try). */
  waitMs(key: string): number {
    const now = this.now();
    this.forgetPassedWindows(now);
    const window = this.live(key, now);
    return window && window.count >= this.attempts ? window.started + this.windowMs - now : 0;
  }

  count(key: string): void {
    const now = this.now();
    this.forgetPassedWindows(now);
    const window = this.live(key, now);
    if (window) window.count += 1;
    else this.windows.set(key, { started: now, count: 1 });
  }

  uncount(key: string): void {
    const window = this.windows.get(key);
    if (window && window.count > 0) window.count -= 1;
  }

  /** The key's window if it has not passed yet. */
  private live(key: string, now: number): { started: number; count: number } | undefined {
    const window = this.windows.get(key);
    return window && now - window.started < this.windowMs ? window : undefined;
  }

  /**
   * NOTE: at most once a second: sweeping on every request made each login walk the whole map,
   * which a stranger can fill with addresses.
   */
  private forgetPassedWindows(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) {
      if (now - window.started >= this.windowMs) this.windows.delete(key);
    }
  }
}

/** How often passed windows are swept from a limit's map. */
const SWEEP_EVERY_MS = 1000;

/** Why a login must wait, and for how long. */
export interface LoginWait {
  retryAfterSeconds: number;
  /** `account`: this username from this address; `address`: every username from this address. */
  scope: 'account' | 'address';
}

/**
 * Failed logins per username and client address, plus a looser cap per address. Only failures
 * count, so a team behind one office address is not locked out by its own successful logins;
 * and since a username is limited per address, a stranger's wrong passwords lock out neither
 * other agents nor the same agent at another address. Once a limit is reached, every attempt
 * (even with the right password) waits until the window ends, without checking the password.
 */
export class LoginThrottle {
  private readonly perAccount: FailureLimit;
  private readonly perAddress: FailureLimit;

  constructor(limit: LoginLimit, now: () => number) {
    this.perAccount = new FailureLimit(limit.attempts, limit.windowMs, now);
    this.perAddress = new FailureLimit(limit.attemptsPerAddress, limit.windowMs, now);
  }

  /**
   * Starts a login attempt: `true` when `username` may try from `address`, else how long it
   * must wait. An allowed attempt counts as failed until {@link succeeded} says otherwise.
   * NOTE: counting before the password is checked (it takes tens of milliseconds) is what
   * stops a burst of parallel guesses from all passing the check before any failure counts.
   */
  attempt(username: string, address: string): true | LoginWait {
    const client = rateLimitKey(address);
    const key = accountKey(username, client);
    const verdict = this.verdict(this.perAccount.waitMs(key), this.perAddress.waitMs(client));
    if (verdict !== true) return verdict;
    this.perAccount.count(key);
    this.perAddress.count(client);
    return true;
  }

  /** The attempt had the right password: it does not count. */
  succeeded(username: string, address: string): void {
    const client = rateLimitKey(address);
    this.perAccount.uncount(accountKey(username, client));
    this.perAddress.uncount(client);
  }

  private verdict(accountMs: number, addressMs: number): true | LoginWait {
    if (accountMs <= 0 && addressMs <= 0) return true;
    const scope = addressMs >= accountMs ? 'address' : 'account';
    return { retryAfterSeconds: Math.max(1, Math.ceil(Math.max(accountMs, addressMs) / 1000)), scope };
  }
}

/**
 * One key per username and address, unambiguous whatever characters the username has; hashed,
 * because people type passwords into the username field too.
 */
function accountKey(username: string, address: string): string {
  // NOTE: usernames match case-insensitively at login, so `Ana` and `ana` are one account here too.
  return createHash('sha256')
    .update(JSON.stringify([address, username.normalize('NFKC').trim().toLowerCase()]))
    .digest('base64url');
}
