import assert from 'node:assert/strict';
import { createHash, randomBytes, scryptSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrationNames } from '../../bot/database/migrations';
import { HANDOFF_DATABASE_FILE, openHandoffDatabase, type HandoffDatabase } from '../../handoff';
import { AGENT_MIGRATIONS } from '../../handoff/agentMigrations';

const PASSWORD = 'a long enough secret';
const NOW = Date.now();
/** NOTE: NOW is taken when the file loads; the whole suite may run long before this test does. */
const SESSION_LEFT_MS = 24 * 3_600_000;

/** The statements the agent directory ran on handoff.sqlite before it had migrations. */
const BEFORE_MIGRATIONS = `
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
`;

/** A password hash as the directory has always written them: `scrypt$<salt>$<key>`, 64-byte key. */
function oldHash(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 64).toString('base64')}`;
}

describe('AgentDirectory on a handoff.sqlite from before migrations', () => {
  let dataDir: string;
  let opened: HandoffDatabase | undefined;
  const token = randomBytes(32).toString('base64url');

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-agents-upgrade-'));
    const old = new Database(path.join(dataDir, HANDOFF_DATABASE_FILE));
    old.exec(BEFORE_MIGRATIONS);
    const insert = old.prepare(
      'INSERT INTO agents (id, username, name, role, teams, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run('agent_ana', 'Ana', 'Ana García', 'agent', '["support"]', oldHash(PASSWORD), 0, NOW - 1000);
    insert.run('agent_old', 'old', 'Old Timer', 'lead', '[]', oldHash(PASSWORD), 1, NOW - 2000);
    old
      .prepare(
        'INSERT INTO agent_sessions (token_hash, agent_id, csrf_token, kind, expires_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(
        createHash('sha256').update(token).digest('hex'),
        'agent_ana',
        'csrf-1',
        'cookie',
        NOW + SESSION_LEFT_MS,
      );
    old.close();
  });

  afterEach(async () => {
    await opened?.close();
    opened = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates in place and keeps every account, password and live session', async () => {
    opened = openHandoffDatabase(dataDir);
    const { agents } = opened;
    assert.deepEqual(
      (await agents.list()).map((account) => [
        account.id,
        account.username,
        account.disabled,
        account.createdAt,
      ]),
      [
        ['agent_ana', 'Ana', false, NOW - 1000],
        ['agent_old', 'old', true, NOW - 2000],
      ],
    );
    assert.equal((await agents.authenticate('ana', PASSWORD))?.id, 'agent_ana');
    assert.equal(await agents.authenticate('old', PASSWORD), undefined, 'still disabled');
    const session = await agents.session(token, 'cookie');
    assert.deepEqual(
      { agent: session?.agent.id, csrf: session?.csrfToken, expiresAt: session?.expiresAt },
      { agent: 'agent_ana', csrf: 'csrf-1', expiresAt: NOW + SESSION_LEFT_MS },
    );
    await assert.rejects(
      agents.create({ username: 'ANA', name: '', role: 'agent', teams: [], password: PASSWORD }),
      /username "ANA" is taken/,
    );
    const bo = await agents.create({
      username: 'bo',
      name: 'Bo',
      role: 'agent',
      teams: [],
      password: PASSWORD,
    });
    assert.equal((await agents.authenticate('BO', PASSWORD))?.id, bo.id);
    await opened.close();

    // The file now records the migration, and opening it again changes nothing.
    const check = new Database(path.join(dataDir, HANDOFF_DATABASE_FILE));
    try {
      const names = check
        .prepare<[], { name: string }>('SELECT name FROM switchboard_migration_agents ORDER BY name')
        .all()
        .map((row) => row.name);
      assert.deepEqual(names, migrationNames(AGENT_MIGRATIONS));
    } finally {
      check.close();
    }
    opened = openHandoffDatabase(dataDir);
    assert.equal(await opened.agents.count(), 3);
    assert.equal((await opened.agents.session(token, 'cookie'))?.agent.id, 'agent_ana');
  });

  it('a new handoff.sqlite gets the same tables through the migration', async () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-agents-fresh-'));
    try {
      const database = openHandoffDatabase(fresh);
      try {
        const ana = await database.agents.create({
          username: 'ana',
          name: 'Ana',
          role: 'agent',
          teams: ['support'],
          password: PASSWORD,
        });
        const { token: issued } = await database.agents.startSession(ana, 'bearer');
        assert.equal((await database.agents.session(issued, 'bearer'))?.agent.id, ana.id);
      } finally {
        await database.close();
      }
      const check = new Database(path.join(fresh, HANDOFF_DATABASE_FILE));
      try {
        const tables = check
          .prepare<[], { name: string }>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'agent%' ORDER BY name",
          )
          .all()
          .map((row) => row.name);
        assert.deepEqual(tables, ['agent_sessions', 'agents']);
      } finally {
        check.close();
      }
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });
});
