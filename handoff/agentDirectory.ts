import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type Database from 'better-sqlite3';
import type { AgentRef } from './handoffDesk';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export type AgentRole = AgentRef['role'];
export const AGENT_ROLES: readonly AgentRole[] = ['agent', 'lead', 'admin'];

/** An agent account as the console and the CLI see it (never the password hash). */
export interface AgentAccount extends AgentRef {
  username: string;
  disabled: boolean;
  createdAt: number;
}

/** A logged-in session: the cookie or bearer value is never stored, only its hash. */
export interface AgentSession {
  agent: AgentAccount;
  /** Double-submit token the console sends back in `X-CSRF-Token` on every change. */
  csrfToken: string;
  expiresAt: number;
}

/** Sessions and API tokens last this long. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const KEY_LENGTH = 64;

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LENGTH);
  return `scrypt$${salt.toString('base64')}$${key.toString('base64')}`;
}

async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, saltText, keyText] = stored.split('$');
  if (scheme !== 'scrypt' || !saltText || !keyText) return false;
  const expected = Buffer.from(keyText, 'base64');
  const actual = await scryptAsync(password, Buffer.from(saltText, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

/** A readable one-time password for new accounts. */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

interface AgentRow {
  id: string;
  username: string;
  name: string;
  role: AgentRole;
  teams: string;
  password_hash: string;
  disabled: number;
  created_at: number;
}

function toAccount(row: AgentRow): AgentAccount {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    role: row.role,
    teams: JSON.parse(row.teams) as string[],
    disabled: row.disabled === 1,
    createdAt: row.created_at,
  };
}

/**
 * Agent and lead accounts (passwords hashed with scrypt) and their sessions, in the handoff
 * database. Used by the console login, bearer tokens for other help desks, and
 * `npm run --silent cli -- agents …`.
 */
export class AgentDirectory {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS agents (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        teams TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS agent_sessions (
        token_hash TEXT PRIMARY KEY,
        agent_id TEXT NOT NULL,
        csrf_token TEXT NOT NULL,
        kind TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM agents').get() as { n: number }).n;
  }

  list(): AgentAccount[] {
    return this.db.prepare<[], AgentRow>('SELECT * FROM agents ORDER BY username').all().map(toAccount);
  }

  find(idOrUsername: string): AgentAccount | undefined {
    const row = this.db
      .prepare<[string, string], AgentRow>('SELECT * FROM agents WHERE id = ? OR username = ?')
      .get(idOrUsername, idOrUsername);
    return row ? toAccount(row) : undefined;
  }

  /**
   * Creates an account.
   * @throws when the username is taken or a field is invalid (the message says which).
   */
  async create(input: {
    username: string;
    name: string;
    role: AgentRole;
    teams: string[];
    password: string;
  }): Promise<AgentAccount> {
    if (!/^[a-zA-Z0-9._-]{2,40}$/.test(input.username)) {
      throw new Error(
        'AgentDirectory.create(): username must be 2–40 letters, digits, dots, dashes or underscores',
      );
    }
    if (!AGENT_ROLES.includes(input.role))
      throw new Error(`AgentDirectory.create(): role must be one of ${AGENT_ROLES.join(', ')}`);
    if (input.password.length < 10)
      throw new Error('AgentDirectory.create(): password must have at least 10 characters');
    if (this.find(input.username))
      throw new Error(`AgentDirectory.create(): username "${input.username}" is taken`);
    const id = `agent_${randomBytes(6).toString('hex')}`;
    this.db
      .prepare(
        'INSERT INTO agents (id, username, name, role, teams, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        id,
        input.username,
        input.name || input.username,
        input.role,
        JSON.stringify(input.teams),
        await hashPassword(input.password),
        this.now(),
      );
    const created = this.find(id);
    if (!created) throw new Error('AgentDirectory.create(): the account was not stored');
    return created;
  }

  async setPassword(idOrUsername: string, password: string): Promise<boolean> {
    if (password.length < 10)
      throw new Error('AgentDirectory.setPassword(): password must have at least 10 characters');
    const account = this.find(idOrUsername);
    if (!account) return false;
    this.db
      .prepare('UPDATE agents SET password_hash = ? WHERE id = ?')
      .run(await hashPassword(password), account.id);
    // A new password signs the account out everywhere.
    this.db.prepare('DELETE FROM agent_sessions WHERE agent_id = ?').run(account.id);
    return true;
  }

  setDisabled(idOrUsername: string, disabled: boolean): boolean {
    const account = this.find(idOrUsername);
    if (!account) return false;
    this.db.prepare('UPDATE agents SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, account.id);
    if (disabled) this.db.prepare('DELETE FROM agent_sessions WHERE agent_id = ?').run(account.id);
    return true;
  }

  /** The account when the password is right and the account enabled; undefined otherwise. */
  async authenticate(username: string, password: string): Promise<AgentAccount | undefined> {
    const row = this.db.prepare<[string], AgentRow>('SELECT * FROM agents WHERE username = ?').get(username);
    // NOTE: hash even for unknown users, so response time does not tell which usernames exist.
    const matches = await passwordMatches(
      password,
      row?.password_hash ?? 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$' + 'A'.repeat(86),
    );
    if (!row || !matches || row.disabled === 1) return undefined;
    return toAccount(row);
  }

  /** Starts a session (console cookie) or issues an API token; returns the secret value once. */
  startSession(agent: AgentAccount, kind: 'cookie' | 'bearer'): { token: string; session: AgentSession } {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = this.now() + SESSION_TTL_MS;
    this.db.prepare('DELETE FROM agent_sessions WHERE expires_at <= ?').run(this.now());
    this.db
      .prepare(
        'INSERT INTO agent_sessions (token_hash, agent_id, csrf_token, kind, expires_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(sha256(token), agent.id, csrfToken, kind, expiresAt);
    return { token, session: { agent, csrfToken, expiresAt } };
  }

  /** The live session of a cookie or bearer value of the given kind, if any. */
  session(token: string, kind: 'cookie' | 'bearer'): AgentSession | undefined {
    const row = this.db
      .prepare<[string, string, number], { agent_id: string; csrf_token: string; expires_at: number }>(
        'SELECT agent_id, csrf_token, expires_at FROM agent_sessions WHERE token_hash = ? AND kind = ? AND expires_at > ?',
      )
      .get(sha256(token), kind, this.now());
    if (!row) return undefined;
    const agent = this.find(row.agent_id);
    if (!agent || agent.disabled) return undefined;
    return { agent, csrfToken: row.csrf_token, expiresAt: row.expires_at };
  }

  endSession(token: string): void {
    this.db.prepare('DELETE FROM agent_sessions WHERE token_hash = ?').run(sha256(token));
  }
}
