import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Selectable } from 'kysely';
import type { SharedDatabase } from '../bot/database';
import type { AgentTable } from '../bot/database/schema';
import { agentsSchemaReady } from './agentMigrations';
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

const USERNAME = /^[a-zA-Z0-9._-]{2,40}$/;

/**
 * The form a username is looked up by (`agents_username_lower`), or undefined for text that
 * cannot be one. NOTE: only ASCII passes, where JavaScript's and both dialects' lower() agree.
 */
const usernameKey = (text: string): string | undefined =>
  USERNAME.test(text) ? text.toLowerCase() : undefined;

function toAccount(row: Selectable<AgentTable>): AgentAccount {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    role: row.role as AgentRole,
    teams: JSON.parse(row.teams) as string[],
    disabled: Number(row.disabled) === 1,
    // PostgreSQL returns a bigint as text.
    createdAt: Number(row.created_at),
  };
}

/**
 * Agent and lead accounts (passwords hashed with scrypt) and their sessions, in the handoff
 * database: DATA_DIR/handoff.sqlite, or the shared PostgreSQL database, where a session one
 * instance starts is valid on every other. Used by the console login, bearer tokens for other
 * help desks, and `npm run --silent cli -- agents …`.
 */
export class AgentDirectory {
  private readonly ready: Promise<void>;

  constructor(
    private readonly database: SharedDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.ready = agentsSchemaReady(database);
  }

  private get db(): SharedDatabase['db'] {
    return this.database.db;
  }

  async count(): Promise<number> {
    await this.ready;
    const row = await this.db
      .selectFrom('agents')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Every account, by username whatever its case (the same order in both dialects). */
  async list(): Promise<AgentAccount[]> {
    await this.ready;
    const rows = await this.db
      .selectFrom('agents')
      .selectAll()
      .orderBy((eb) => eb.fn('lower', ['username']))
      .orderBy('username')
      .execute();
    return rows.map(toAccount);
  }

  /** The account of an id or a username (whatever its case). */
  async find(idOrUsername: string): Promise<AgentAccount | undefined> {
    await this.ready;
    const key = usernameKey(idOrUsername);
    const row = await this.db
      .selectFrom('agents')
      .selectAll()
      .where((eb) =>
        key === undefined
          ? eb('id', '=', idOrUsername)
          : eb.or([eb('id', '=', idOrUsername), eb(eb.fn('lower', ['username']), '=', key)]),
      )
      .executeTakeFirst();
    return row ? toAccount(row) : undefined;
  }

  /**
   * The display names of every account by id, for views that name many agents at once (accounts
   * are few; one query instead of one per line).
   */
  async names(): Promise<ReadonlyMap<string, string>> {
    await this.ready;
    const rows = await this.db.selectFrom('agents').select(['id', 'name']).execute();
    return new Map(rows.map((row) => [row.id, row.name]));
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
    if (!USERNAME.test(input.username)) {
      throw new Error(
        'AgentDirectory.create(): username must be 2–40 letters, digits, dots, dashes or underscores',
      );
    }
    if (!AGENT_ROLES.includes(input.role))
      throw new Error(`AgentDirectory.create(): role must be one of ${AGENT_ROLES.join(', ')}`);
    if (input.password.length < 10)
      throw new Error('AgentDirectory.create(): password must have at least 10 characters');
    const taken = new Error(`AgentDirectory.create(): username "${input.username}" is taken`);
    if (await this.find(input.username)) throw taken;
    const id = `agent_${randomBytes(6).toString('hex')}`;
    const passwordHash = await hashPassword(input.password);
    try {
      await this.db
        .insertInto('agents')
        .values({
          id,
          username: input.username,
          name: input.name || input.username,
          role: input.role,
          teams: JSON.stringify(input.teams),
          password_hash: passwordHash,
          created_at: this.now(),
        })
        .execute();
    } catch (error) {
      // Another instance (or CLI) created the username meanwhile: the unique index refused this one.
      if (await this.find(input.username)) throw taken;
      throw error;
    }
    const created = await this.find(id);
    if (!created) throw new Error('AgentDirectory.create(): the account was not stored');
    return created;
  }

  async setPassword(idOrUsername: string, password: string): Promise<boolean> {
    if (password.length < 10)
      throw new Error('AgentDirectory.setPassword(): password must have at least 10 characters');
    const account = await this.find(idOrUsername);
    if (!account) return false;
    const passwordHash = await hashPassword(password);
    // A new password signs the account out everywhere, in the same commit.
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('agents')
        .set({ password_hash: passwordHash })
        .where('id', '=', account.id)
        .execute();
      await trx.deleteFrom('agent_sessions').where('agent_id', '=', account.id).execute();
    });
    return true;
  }

  async setDisabled(idOrUsername: string, disabled: boolean): Promise<boolean> {
    const account = await this.find(idOrUsername);
    if (!account) return false;
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('agents')
        .set({ disabled: disabled ? 1 : 0 })
        .where('id', '=', account.id)
        .execute();
      if (disabled) await trx.deleteFrom('agent_sessions').where('agent_id', '=', account.id).execute();
    });
    return true;
  }

  /** The account when the password is right and the account enabled; undefined otherwise. */
  async authenticate(username: string, password: string): Promise<AgentAccount | undefined> {
    await this.ready;
    const key = usernameKey(username);
    const row =
      key === undefined
        ? undefined
        : await this.db
            .selectFrom('agents')
            .selectAll()
            .where((eb) => eb(eb.fn('lower', ['username']), '=', key))
            .executeTakeFirst();
    // NOTE: hash even for unknown users, so response time does not tell which usernames exist.
    const matches = await passwordMatches(
      password,
      row?.password_hash ?? 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$' + 'A'.repeat(86),
    );
    if (!row || !matches || Number(row.disabled) === 1) return undefined;
    return toAccount(row);
  }

  /** Starts a session (console cookie) or issues an API token; returns the secret value once. */
  async startSession(
    agent: AgentAccount,
    kind: 'cookie' | 'bearer',
  ): Promise<{ token: string; session: AgentSession }> {
    await this.ready;
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.now();
    const expiresAt = now + SESSION_TTL_MS;
    await this.db.deleteFrom('agent_sessions').where('expires_at', '<=', now).execute();
    await this.db
      .insertInto('agent_sessions')
      .values({
        token_hash: sha256(token),
        agent_id: agent.id,
        csrf_token: csrfToken,
        kind,
        expires_at: expiresAt,
      })
      .execute();
    return { token, session: { agent, csrfToken, expiresAt } };
  }

  /**
   * The live session of a cookie or bearer value of the given kind, if any: unexpired, of an
   * enabled account. NOTE: every console request asks, so it is one query, by primary key.
   */
  async session(token: string, kind: 'cookie' | 'bearer'): Promise<AgentSession | undefined> {
    await this.ready;
    const row = await this.db
      .selectFrom('agent_sessions')
      .innerJoin('agents', 'agents.id', 'agent_sessions.agent_id')
      .selectAll('agents')
      .select(['agent_sessions.csrf_token', 'agent_sessions.expires_at'])
      .where('agent_sessions.token_hash', '=', sha256(token))
      .where('agent_sessions.kind', '=', kind)
      .where('agent_sessions.expires_at', '>', this.now())
      .where('agents.disabled', '=', 0)
      .executeTakeFirst();
    if (!row) return undefined;
    return { agent: toAccount(row), csrfToken: row.csrf_token, expiresAt: Number(row.expires_at) };
  }

  async endSession(token: string): Promise<void> {
    await this.ready;
    await this.db.deleteFrom('agent_sessions').where('token_hash', '=', sha256(token)).execute();
  }
}
