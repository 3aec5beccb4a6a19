/**
 * Who is calling the console API. The console page logs in and holds the httpOnly cookie
 * `sb_console`; a state-changing request authenticated by that cookie must carry `X-CSRF-Token`
 * and, when it has an `Origin`, come from this host. Other help desks send
 * `Authorization: Bearer <token>` and are exempt from both checks. Failed logins are limited
 * per client address.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, Response } from 'restify';
import { RateLimiter } from '../bot/rateLimiter';
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

function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

const isChange = (method: string): boolean => !['GET', 'HEAD', 'OPTIONS'].includes(method);

/** The caller whose cookie or bearer value opens a live session of that kind, if any. */
function sessionCaller(
  agents: AgentDirectory,
  token: string | undefined,
  kind: Caller['kind'],
): Caller | undefined {
  const session = token ? agents.session(token, kind) : undefined;
  return token && session ? { agent: session.agent, session, kind, token } : undefined;
}

/** The caller of a request, or why not; cookie requests that change state pass CSRF checks. */
export function authenticate(req: Request, agents: AgentDirectory): Caller | HttpProblem {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) {
    return (
      sessionCaller(agents, bearer(authorization), 'bearer') ??
      new HttpProblem(401, 'Unauthorized', 'the bearer token is not valid or has expired')
    );
  }
  const caller = sessionCaller(agents, cookie(req, SESSION_COOKIE), 'cookie');
  if (!caller) return new HttpProblem(401, 'Unauthorized', 'log in at /console, or send a bearer token');
  if (isChange(req.method ?? 'GET')) {
    if (!sameOrigin(req)) return originRejected();
    const csrf = req.headers['x-csrf-token'];
    if (typeof csrf !== 'string' || !safeEqual(csrf, caller.session.csrfToken)) {
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
export function authenticateUpgrade(
  req: IncomingMessage,
  url: URL,
  agents: AgentDirectory,
): Caller | HttpProblem {
  const token = url.searchParams.get('token') ?? bearer(req.headers.authorization);
  if (token) {
    return (
      sessionCaller(agents, token, 'bearer') ??
      new HttpProblem(401, 'Unauthorized', 'the token is not valid or has expired')
    );
  }
  const caller = sessionCaller(agents, cookie(req, SESSION_COOKIE), 'cookie');
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
      const caller = authenticate(req, agents);
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

/**
 * Failed logins per client address. Only failures count, so a team behind one office address
 * is not locked out by its own successful logins; the attempt past the limit and every attempt
 * after it (even with the right password) wait until the window ends.
 */
export class LoginThrottle {
  private readonly failures: RateLimiter;
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    attempts: number,
    windowMs: number,
    private readonly now: () => number,
  ) {
    this.failures = new RateLimiter(attempts, windowMs, now);
  }

  /** `true` when the address may try to log in, else how long it must wait. */
  check(address: string): true | { retryAfterSeconds: number } {
    const now = this.now();
    for (const [key, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(key);
    const until = this.blockedUntil.get(address);
    return until === undefined ? true : { retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
  }

  /** Counts a failed login; past the limit, blocks the address until the window ends. */
  fail(address: string): true | { retryAfterSeconds: number } {
    const verdict = this.failures.take(address);
    if (verdict !== true) this.blockedUntil.set(address, this.now() + verdict.retryAfterSeconds * 1000);
    return verdict;
  }
}
