import assert from 'node:assert/strict';
import { SharedDatabase } from '../../bot/database';
import { silentLogger } from '../../bot/logger';
import { ensureFirstAdmin } from '../../handoff';
import { AgentDirectory } from '../../handoff/agentDirectory';
import { AGENT_MIGRATIONS } from '../../handoff/agentMigrations';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const PASSWORD = 'a long enough secret';

/**
 * Two instances on one PostgreSQL database: each its own pool and its own AgentDirectory, as two
 * servers behind a load balancer have.
 */
describe('AgentDirectory: two instances on one PostgreSQL database', function () {
  let server: TestDatabase;
  let databases: SharedDatabase[] = [];
  let a: AgentDirectory;
  let b: AgentDirectory;

  const instance = (): AgentDirectory => {
    const database = new SharedDatabase({ dialect: 'postgres', url: server.url, poolSize: 4 }, [
      AGENT_MIGRATIONS,
    ]);
    databases.push(database);
    return new AgentDirectory(database);
  };

  before(async function () {
    server = await createTestDatabase(this);
  });

  beforeEach(() => {
    a = instance();
    b = instance();
  });

  afterEach(async () => {
    const [first] = databases;
    if (first) {
      await first.db.deleteFrom('agent_sessions').execute();
      await first.db.deleteFrom('agents').execute();
    }
    for (const database of databases) await database.close();
    databases = [];
  });

  after(async () => {
    await server?.drop();
  });

  const addAna = () =>
    a.create({ username: 'ana', name: 'Ana', role: 'agent', teams: ['support'], password: PASSWORD });

  it('an account one instance creates logs in on the other', async () => {
    const ana = await addAna();
    assert.deepEqual(await b.find('ana'), ana);
    assert.equal((await b.authenticate('ana', PASSWORD))?.id, ana.id);
    assert.deepEqual(await b.list(), [ana]);
  });

  it('a session started on one instance is valid on the other, and ends there when ended on the first', async () => {
    const ana = await addAna();
    const cookie = await a.startSession(ana, 'cookie');
    const bearer = await a.startSession(ana, 'bearer');
    assert.deepEqual(await b.session(cookie.token, 'cookie'), cookie.session);
    assert.deepEqual(await b.session(bearer.token, 'bearer'), bearer.session);
    await a.endSession(cookie.token);
    assert.equal(await b.session(cookie.token, 'cookie'), undefined);
    assert.equal((await b.session(bearer.token, 'bearer'))?.agent.id, ana.id, 'the other session stays');
    // And the other way round: logging out through the second instance ends it on the first.
    await b.endSession(bearer.token);
    assert.equal(await a.session(bearer.token, 'bearer'), undefined);
  });

  it('disabling an account on one instance ends its sessions on the other', async () => {
    const ana = await addAna();
    const { token } = await a.startSession(ana, 'cookie');
    assert.equal((await b.session(token, 'cookie'))?.agent.id, ana.id);
    assert.equal(await a.setDisabled('ana', true), true);
    assert.equal(await b.session(token, 'cookie'), undefined);
    assert.equal(await b.authenticate('ana', PASSWORD), undefined);
    assert.equal((await b.find('ana'))?.disabled, true);
  });

  it('a new password set on one instance ends the sessions on the other', async () => {
    const ana = await addAna();
    const { token } = await b.startSession(ana, 'bearer');
    assert.equal(await a.setPassword('ana', 'the new password'), true);
    assert.equal(await b.session(token, 'bearer'), undefined);
    assert.equal((await b.authenticate('ana', 'the new password'))?.id, ana.id);
  });

  it('two instances creating one username at once: exactly one account, the other is told it is taken', async () => {
    const attempts = await Promise.allSettled(
      [a, b, a, b].map((directory, index) =>
        directory.create({
          username: index % 2 === 0 ? 'ana' : 'ANA',
          name: `Ana ${index}`,
          role: 'agent',
          teams: ['support'],
          password: PASSWORD,
        }),
      ),
    );
    const created = attempts.filter((attempt) => attempt.status === 'fulfilled');
    const refused = attempts.filter((attempt) => attempt.status === 'rejected');
    assert.equal(created.length, 1);
    assert.equal(refused.length, 3);
    for (const attempt of refused) assert.match(String(attempt.reason), /username "(ana|ANA)" is taken/);
    assert.equal(await a.count(), 1);
  });

  it('ensureFirstAdmin() on two instances starting together creates one admin and one password', async () => {
    const passwords = await Promise.all(
      [a, b].map((directory) => ensureFirstAdmin(directory, silentLogger())),
    );
    const given = passwords.filter((password) => password !== undefined);
    assert.equal(given.length, 1, JSON.stringify(passwords));
    assert.equal(await b.count(), 1);
    assert.equal((await b.authenticate('admin', given[0] ?? ''))?.role, 'admin');
  });
});
