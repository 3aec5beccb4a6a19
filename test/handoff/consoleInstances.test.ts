import assert from 'node:assert/strict';
import { SharedDatabase } from '../../bot/database';
import { AGENT_MIGRATIONS } from '../../handoff/agentMigrations';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { ConsoleSession, login, startConsole, type ConsoleFixture } from './consoleFixture';
import { EventSocket } from './eventSocket';

/**
 * Two console servers whose agents live in one PostgreSQL database, as instances behind a load
 * balancer with STORAGE=postgres: whichever instance a request reaches, the agent is logged in.
 */
describe('console on two instances sharing the agent database', function () {
  let server: TestDatabase;
  let databases: SharedDatabase[] = [];
  let a: ConsoleFixture;
  let b: ConsoleFixture;

  const shared = (): SharedDatabase => {
    const database = new SharedDatabase({ dialect: 'postgres', url: server.url, poolSize: 4 }, [
      AGENT_MIGRATIONS,
    ]);
    databases.push(database);
    return database;
  };

  before(async function () {
    server = await createTestDatabase(this);
  });

  beforeEach(async () => {
    a = await startConsole({ agentsDatabase: shared() });
    b = await startConsole({ agentsDatabase: shared() });
  });

  afterEach(async () => {
    await a.close();
    await b.close();
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

  /** The same cookie and CSRF token, sent to the other instance. */
  const on = (fixture: ConsoleFixture, session: ConsoleSession): ConsoleSession =>
    new ConsoleSession(fixture.url, session.cookie, session.csrfToken);

  it('both instances see the same accounts', () => {
    assert.deepEqual(a.accounts, b.accounts);
  });

  it('a console cookie from a login on one instance works on the other, and logging out there ends it on both', async () => {
    const onA = await login(a.url, 'ana');
    const onB = on(b, onA);
    const me = await onB.get<{ agent: { username: string }; csrfToken: string }>('/api/console/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.agent.username, 'ana');
    assert.equal(me.body.csrfToken, onA.csrfToken);
    // A change through the second instance passes its CSRF check with the first one's token.
    assert.equal((await onB.post('/api/console/logout')).status, 204);
    assert.equal((await onA.get('/api/console/me')).status, 401);
    assert.equal((await onB.get('/api/console/me')).status, 401);
  });

  it('a bearer token issued on one instance opens the API and the event socket of the other', async () => {
    const onA = await login(a.url, 'lena');
    const issued = await onA.post<{ token: string }>('/api/console/tokens');
    assert.equal(issued.status, 200);
    const headers = { authorization: `Bearer ${issued.body.token}` };
    const me = await fetch(`${b.url}/api/console/me`, { headers });
    assert.equal(me.status, 200);
    const socket = await EventSocket.open(
      `${b.url.replace('http', 'ws')}/api/console/events?token=${issued.body.token}`,
    );
    await socket.close();
    await assert.rejects(
      EventSocket.open(`${b.url.replace('http', 'ws')}/api/console/events?token=not-a-token`),
      /refused 401/,
    );
  });

  it('an account disabled through one instance is logged out on the other', async () => {
    const onB = on(b, await login(a.url, 'bruno'));
    assert.equal((await onB.get('/api/console/me')).status, 200);
    assert.equal(await a.database.agents.setDisabled('bruno', true), true);
    assert.equal((await onB.get('/api/console/me')).status, 401);
  });
});
