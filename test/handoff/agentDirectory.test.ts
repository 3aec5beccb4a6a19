import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import sinon from 'sinon';
import { silentLogger } from '../../bot/logger';
import { AgentDirectory, SESSION_TTL_MS, type AgentAccount } from '../../handoff/agentDirectory';
import { ensureFirstAdmin, FIRST_ADMIN_USERNAME } from '../../handoff';

const PASSWORD = 'a long enough secret';

describe('AgentDirectory', () => {
  let db: Database.Database;
  let clock: number;
  let agents: AgentDirectory;

  beforeEach(() => {
    db = new Database(':memory:');
    clock = Date.parse('2026-03-02T09:00:00Z');
    agents = new AgentDirectory(db, () => clock);
  });

  afterEach(() => db.close());

  const addAna = (): Promise<AgentAccount> =>
    agents.create({
      username: 'ana',
      name: 'Ana García',
      role: 'agent',
      teams: ['support'],
      password: PASSWORD,
    });

  it('create() stores a salted scrypt hash, never the password', async () => {
    await addAna();
    await agents.create({ username: 'bruno', name: 'Bruno', role: 'agent', teams: [], password: PASSWORD });
    const hashes = db
      .prepare<[], { password_hash: string }>('SELECT password_hash FROM agents ORDER BY username')
      .all()
      .map((row) => row.password_hash);
    for (const hash of hashes) {
      assert.match(hash, /^scrypt\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      assert.ok(!hash.includes(PASSWORD));
    }
    assert.notEqual(hashes[0], hashes[1], 'the same password hashes differently per account (salt)');
    assert.ok(!JSON.stringify(agents.list()).includes('scrypt'), 'accounts never carry the hash');
  });

  it('authenticate() accepts the right password only', async () => {
    const ana = await addAna();
    assert.equal((await agents.authenticate('ana', PASSWORD))?.id, ana.id);
    assert.equal(await agents.authenticate('ana', `${PASSWORD}!`), undefined);
    assert.equal(await agents.authenticate('ana', ''), undefined);
    assert.equal(await agents.authenticate('nobody', PASSWORD), undefined);
  });

  it('a disabled account cannot log in and loses its sessions; enabling it again lets it in', async () => {
    const ana = await addAna();
    const { token } = agents.startSession(ana, 'cookie');
    assert.equal(agents.setDisabled('ana', true), true);
    assert.equal(agents.find('ana')?.disabled, true);
    assert.equal(await agents.authenticate('ana', PASSWORD), undefined);
    assert.equal(agents.session(token, 'cookie'), undefined);
    agents.setDisabled('ana', false);
    assert.equal((await agents.authenticate('ana', PASSWORD))?.id, ana.id);
    assert.equal(agents.setDisabled('nobody', true), false);
  });

  it('a session lasts SESSION_TTL_MS, is only valid for its kind, and ends with endSession()', async () => {
    const ana = await addAna();
    const { token, session } = agents.startSession(ana, 'cookie');
    assert.equal(session.expiresAt, clock + SESSION_TTL_MS);
    assert.equal(agents.session(token, 'cookie')?.csrfToken, session.csrfToken);
    assert.equal(agents.session(token, 'bearer'), undefined, 'a cookie value is not an API token');
    clock += SESSION_TTL_MS - 1;
    assert.equal(agents.session(token, 'cookie')?.agent.id, ana.id);
    clock += 1;
    assert.equal(agents.session(token, 'cookie'), undefined);

    const other = agents.startSession(ana, 'bearer');
    assert.equal(agents.session(other.token, 'bearer')?.agent.id, ana.id);
    agents.endSession(other.token);
    assert.equal(agents.session(other.token, 'bearer'), undefined);
  });

  it('stores only a hash of the session value', async () => {
    const ana = await addAna();
    const { token } = agents.startSession(ana, 'bearer');
    const stored = db.prepare<[], { token_hash: string }>('SELECT token_hash FROM agent_sessions').all();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]?.token_hash, token);
    assert.ok(!stored[0]?.token_hash.includes(token));
  });

  it('setPassword() replaces the password and ends every session of the account', async () => {
    const ana = await addAna();
    const cookie = agents.startSession(ana, 'cookie');
    const bearer = agents.startSession(ana, 'bearer');
    assert.equal(await agents.setPassword('ana', 'the new password'), true);
    assert.equal(agents.session(cookie.token, 'cookie'), undefined);
    assert.equal(agents.session(bearer.token, 'bearer'), undefined);
    assert.equal(await agents.authenticate('ana', PASSWORD), undefined);
    assert.equal((await agents.authenticate('ana', 'the new password'))?.id, ana.id);
    await assert.rejects(agents.setPassword('ana', 'short'), /at least 10 characters/);
    assert.equal(await agents.setPassword('nobody', 'the new password'), false);
  });

  it('create() explains what is wrong with its input', async () => {
    await addAna();
    const cases: [Parameters<AgentDirectory['create']>[0], RegExp][] = [
      [
        { username: 'a', name: '', role: 'agent', teams: [], password: PASSWORD },
        /username must be 2–40 letters/,
      ],
      [
        { username: 'with space', name: '', role: 'agent', teams: [], password: PASSWORD },
        /username must be/,
      ],
      [
        { username: 'root', name: '', role: 'superuser' as 'admin', teams: [], password: PASSWORD },
        /role must be one of agent, lead, admin/,
      ],
      [
        { username: 'carla', name: '', role: 'agent', teams: [], password: 'short' },
        /at least 10 characters/,
      ],
      [
        { username: 'ANA', name: '', role: 'agent', teams: [], password: PASSWORD },
        /username "ANA" is taken/,
      ],
    ];
    for (const [input, message] of cases) {
      await assert.rejects(agents.create(input), message, input.username);
    }
    assert.deepEqual(
      agents.list().map((account) => account.username),
      ['ana'],
    );
  });
});

describe('ensureFirstAdmin()', () => {
  let db: Database.Database;
  let sandbox: sinon.SinonSandbox;

  beforeEach(() => {
    db = new Database(':memory:');
    sandbox = sinon.createSandbox();
  });

  afterEach(() => {
    sandbox.restore();
    db.close();
  });

  it('creates the admin account on first start and returns its password once', async () => {
    const agents = new AgentDirectory(db);
    const logger = silentLogger();
    const info = sandbox.spy(logger, 'info');
    const password = await ensureFirstAdmin(agents, logger);
    assert.equal(typeof password, 'string');
    const admin = await agents.authenticate(FIRST_ADMIN_USERNAME, password ?? '');
    assert.equal(admin?.role, 'admin');
    assert.equal(info.callCount, 1);
    assert.ok(!JSON.stringify(info.args).includes(password ?? '!'), 'the password is never logged');
    assert.equal(await ensureFirstAdmin(agents, logger), undefined);
    assert.equal(agents.count(), 1);
  });

  it('does nothing when any account exists', async () => {
    const agents = new AgentDirectory(db);
    await agents.create({ username: 'lena', name: 'Lena', role: 'lead', teams: [], password: PASSWORD });
    assert.equal(await ensureFirstAdmin(agents, silentLogger()), undefined);
    assert.equal(agents.find(FIRST_ADMIN_USERNAME), undefined);
  });
});
