import assert from 'node:assert/strict';
import sinon from 'sinon';
import { SharedDatabase } from '../../bot/database';
import { silentLogger } from '../../bot/logger';
import { AgentDirectory, SESSION_TTL_MS, type AgentAccount } from '../../handoff/agentDirectory';
import { AGENT_MIGRATIONS } from '../../handoff/agentMigrations';
import { ensureFirstAdmin, FIRST_ADMIN_USERNAME } from '../../handoff';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const PASSWORD = 'a long enough secret';

/** Both dialects the agent directory runs on. */
const DIALECTS = ['sqlite', 'postgres'] as const;
type TestDialect = (typeof DIALECTS)[number];

/**
 * The databases of one suite: a private in-memory SQLite database per test, or connections to
 * one fresh PostgreSQL database per suite, emptied between tests. `open()` gives another
 * connection to the same database (another instance), on PostgreSQL.
 */
function directoryDatabases(dialect: TestDialect) {
  let server: TestDatabase | undefined;
  let opened: SharedDatabase[] = [];
  const open = (): SharedDatabase => {
    const database =
      dialect === 'postgres' && server
        ? new SharedDatabase({ dialect: 'postgres', url: server.url, poolSize: 2 }, [AGENT_MIGRATIONS])
        : new SharedDatabase({ dialect: 'sqlite', file: ':memory:' }, [AGENT_MIGRATIONS]);
    opened.push(database);
    return database;
  };
  return {
    open,
    async before(suite: Mocha.Context): Promise<void> {
      if (dialect === 'postgres') server = await createTestDatabase(suite);
    },
    async afterEach(): Promise<void> {
      const [first] = opened;
      if (server && first) {
        await first.ready;
        await first.db.deleteFrom('agent_sessions').execute();
        await first.db.deleteFrom('agents').execute();
      }
      for (const database of opened) await database.close();
      opened = [];
    },
    async after(): Promise<void> {
      await server?.drop();
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`AgentDirectory (${dialect})`, () => {
    const databases = directoryDatabases(dialect);
    let database: SharedDatabase;
    let clock: number;
    let agents: AgentDirectory;

    before(async function () {
      await databases.before(this);
    });

    beforeEach(() => {
      database = databases.open();
      clock = Date.parse('2026-03-02T09:00:00Z');
      agents = new AgentDirectory(database, () => clock);
    });

    afterEach(() => databases.afterEach());
    after(() => databases.after());

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
      const rows = await database.db
        .selectFrom('agents')
        .select('password_hash')
        .orderBy('username')
        .execute();
      const hashes = rows.map((row) => row.password_hash);
      assert.equal(hashes.length, 2);
      for (const hash of hashes) {
        assert.match(hash, /^scrypt\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
        assert.ok(!hash.includes(PASSWORD));
      }
      assert.notEqual(hashes[0], hashes[1], 'the same password hashes differently per account (salt)');
      assert.ok(!JSON.stringify(await agents.list()).includes('scrypt'), 'accounts never carry the hash');
    });

    it('find(), list() and count() read the accounts back, by id or by username whatever its case', async () => {
      const ana = await addAna();
      assert.deepEqual(ana, {
        id: ana.id,
        username: 'ana',
        name: 'Ana García',
        role: 'agent',
        teams: ['support'],
        disabled: false,
        createdAt: clock,
      });
      assert.deepEqual(await agents.find(ana.id), ana);
      assert.deepEqual(await agents.find('ANA'), ana);
      assert.equal(await agents.find('nobody'), undefined);
      assert.equal(await agents.find('ana; --'), undefined);
      await agents.create({ username: 'Bruno', name: '', role: 'lead', teams: [], password: PASSWORD });
      assert.deepEqual(
        (await agents.list()).map((account) => [account.username, account.name]),
        [
          ['ana', 'Ana García'],
          ['Bruno', 'Bruno'],
        ],
        'by username whatever its case, in both dialects',
      );
      assert.equal(await agents.count(), 2);
      assert.deepEqual(
        [...(await agents.names())].sort(),
        [
          [ana.id, 'Ana García'],
          [(await agents.find('bruno'))!.id, 'Bruno'],
        ].sort(),
      );
    });

    it('authenticate() accepts the right password only', async () => {
      const ana = await addAna();
      assert.equal((await agents.authenticate('ana', PASSWORD))?.id, ana.id);
      assert.equal((await agents.authenticate('Ana', PASSWORD))?.id, ana.id, 'usernames ignore case');
      assert.equal(await agents.authenticate('ana', `${PASSWORD}!`), undefined);
      assert.equal(await agents.authenticate('ana', ''), undefined);
      assert.equal(await agents.authenticate('nobody', PASSWORD), undefined);
    });

    it('a disabled account cannot log in and loses its sessions; enabling it again lets it in', async () => {
      const ana = await addAna();
      const { token } = await agents.startSession(ana, 'cookie');
      assert.equal(await agents.setDisabled('ana', true), true);
      assert.equal((await agents.find('ana'))?.disabled, true);
      assert.equal(await agents.authenticate('ana', PASSWORD), undefined);
      assert.equal(await agents.session(token, 'cookie'), undefined);
      await agents.setDisabled('ana', false);
      assert.equal(await agents.session(token, 'cookie'), undefined, 'enabling does not revive a session');
      assert.equal((await agents.authenticate('ana', PASSWORD))?.id, ana.id);
      assert.equal(await agents.setDisabled('nobody', true), false);
    });

    it('a session lasts SESSION_TTL_MS, is only valid for its kind, and ends with endSession()', async () => {
      const ana = await addAna();
      const { token, session } = await agents.startSession(ana, 'cookie');
      assert.equal(session.expiresAt, clock + SESSION_TTL_MS);
      const found = await agents.session(token, 'cookie');
      assert.deepEqual(found, {
        agent: ana,
        csrfToken: session.csrfToken,
        expiresAt: clock + SESSION_TTL_MS,
      });
      assert.equal(await agents.session(token, 'bearer'), undefined, 'a cookie value is not an API token');
      assert.equal(await agents.session(`${token}x`, 'cookie'), undefined);
      clock += SESSION_TTL_MS - 1;
      assert.equal((await agents.session(token, 'cookie'))?.agent.id, ana.id);
      clock += 1;
      assert.equal(await agents.session(token, 'cookie'), undefined);

      const other = await agents.startSession(ana, 'bearer');
      assert.equal((await agents.session(other.token, 'bearer'))?.agent.id, ana.id);
      await agents.endSession(other.token);
      assert.equal(await agents.session(other.token, 'bearer'), undefined);
    });

    it('stores only a hash of the session value, and sweeps expired sessions when it starts one', async () => {
      const ana = await addAna();
      const { token } = await agents.startSession(ana, 'bearer');
      const stored = await database.db.selectFrom('agent_sessions').select('token_hash').execute();
      assert.equal(stored.length, 1);
      assert.notEqual(stored[0]?.token_hash, token);
      assert.ok(!stored[0]?.token_hash.includes(token));
      clock += SESSION_TTL_MS;
      const { token: next } = await agents.startSession(ana, 'bearer');
      const left = await database.db.selectFrom('agent_sessions').select('token_hash').execute();
      assert.equal(left.length, 1, 'the expired session is gone');
      assert.notEqual(left[0]?.token_hash, stored[0]?.token_hash);
      assert.equal((await agents.session(next, 'bearer'))?.agent.id, ana.id);
    });

    it('setPassword() replaces the password and ends every session of the account', async () => {
      const ana = await addAna();
      const bruno = await agents.create({
        username: 'bruno',
        name: '',
        role: 'lead',
        teams: [],
        password: PASSWORD,
      });
      const cookie = await agents.startSession(ana, 'cookie');
      const bearer = await agents.startSession(ana, 'bearer');
      const others = await agents.startSession(bruno, 'cookie');
      assert.equal(await agents.setPassword('ana', 'the new password'), true);
      assert.equal(await agents.session(cookie.token, 'cookie'), undefined);
      assert.equal(await agents.session(bearer.token, 'bearer'), undefined);
      assert.equal(
        (await agents.session(others.token, 'cookie'))?.agent.id,
        bruno.id,
        'other accounts keep theirs',
      );
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
        (await agents.list()).map((account) => account.username),
        ['ana'],
      );
    });

    it('a username is taken whatever its case in the table itself, not only in create()', async () => {
      const ana = await addAna();
      await assert.rejects(
        database.db
          .insertInto('agents')
          .values({
            ...{ id: 'agent_x', username: 'ANA', name: 'x', role: 'agent', teams: '[]' },
            password_hash: 'x',
            created_at: 0,
          })
          .execute(),
      );
      assert.deepEqual(await agents.list(), [ana]);
    });
  });

  describe(`ensureFirstAdmin() (${dialect})`, () => {
    const databases = directoryDatabases(dialect);
    let sandbox: sinon.SinonSandbox;

    before(async function () {
      await databases.before(this);
    });

    beforeEach(() => {
      sandbox = sinon.createSandbox();
    });

    afterEach(async () => {
      sandbox.restore();
      await databases.afterEach();
    });
    after(() => databases.after());

    it('creates the admin account on first start and returns its password once', async () => {
      const agents = new AgentDirectory(databases.open());
      const logger = silentLogger();
      const info = sandbox.spy(logger, 'info');
      const password = await ensureFirstAdmin(agents, logger);
      assert.equal(typeof password, 'string');
      const admin = await agents.authenticate(FIRST_ADMIN_USERNAME, password ?? '');
      assert.equal(admin?.role, 'admin');
      assert.equal(info.callCount, 1);
      assert.ok(!JSON.stringify(info.args).includes(password ?? '!'), 'the password is never logged');
      assert.equal(await ensureFirstAdmin(agents, logger), undefined);
      assert.equal(await agents.count(), 1);
    });

    it('does nothing when any account exists', async () => {
      const agents = new AgentDirectory(databases.open());
      await agents.create({ username: 'lena', name: 'Lena', role: 'lead', teams: [], password: PASSWORD });
      assert.equal(await ensureFirstAdmin(agents, silentLogger()), undefined);
      assert.equal(await agents.find(FIRST_ADMIN_USERNAME), undefined);
    });
  });
}
