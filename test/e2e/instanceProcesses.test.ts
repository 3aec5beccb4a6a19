import assert from 'node:assert/strict';
import { ConsoleSession, postLogin } from '../handoff/consoleFixture';
import { printedPassword, runCli } from '../support/cli';
import { expectedText } from '../support/dialogTable';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { connectTestRedis, TEST_REDIS_URL } from '../support/redis';
import { startServerProcess, type ServerProcess } from '../support/serverProcess';
import { removeDataDir, say } from '../support/testServer';

describe('two server processes on one PostgreSQL and one Redis (STORAGE=postgres)', function () {
  this.timeout(180_000);
  let database: TestDatabase | undefined;
  let env: Record<string, string>;
  const processes: ServerProcess[] = [];

  before(async function () {
    (await connectTestRedis(this)).disconnect();
    database = await createTestDatabase(this);
    env = { STORAGE: 'postgres', DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL };
    // Each its own DATA_DIR (startServerProcess makes one): what they share is the database and Redis.
    const started = await Promise.allSettled([startServerProcess(env), startServerProcess(env)]);
    for (const result of started) if (result.status === 'fulfilled') processes.push(result.value);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
  });

  after(async () => {
    for (const running of processes) {
      await running.kill('SIGTERM');
      removeDataDir(running.dataDir);
    }
    await database?.drop();
  });

  it('a customer queued through one is claimed by exactly one of two agents, one logged in on each', async () => {
    const [one, two] = processes as [ServerProcess, ServerProcess];
    // Accounts as an operator makes them: the CLI against the shared database.
    const sessions: ConsoleSession[] = [];
    for (const [username, server] of [
      ['proc-ana', one],
      ['proc-bo', two],
    ] as const) {
      const added = await runCli(
        { env },
        'agents',
        'add',
        username,
        '--name',
        username,
        '--role',
        'agent',
        '--teams',
        'support',
      );
      assert.equal(added.code, 0, added.stderr);
      const login = await postLogin(server.url, username, printedPassword(added.stdout));
      assert.equal(login.status, 200, JSON.stringify(login.body));
      sessions.push(
        new ConsoleSession(server.url, login.setCookie?.split(';')[0] ?? '', String(login.body.csrfToken)),
      );
    }
    const [ana, bo] = sessions as [ConsoleSession, ConsoleSession];

    // The first message of a conversation gets the greeting before the answer.
    assert.deepEqual(
      (await say(one.url, 'processes-handoff', 'agent')).at(-1),
      expectedText('en', {
        key: 'handoff.queued',
        vars: { position: 1, minutes: 3 },
      }),
    );
    type Queue = { cases: { id: number; state: string; position?: number }[] };
    const queue = await bo.get<Queue>('/api/console/queue');
    assert.equal(queue.status, 200);
    const [waiting] = queue.body.cases;
    assert.deepEqual([waiting?.state, waiting?.position], ['queued', 1], 'the other process shows it');

    const claims = await Promise.all([
      ana.post(`/api/console/cases/${waiting!.id}/claim`),
      bo.post(`/api/console/cases/${waiting!.id}/claim`),
    ]);
    assert.deepEqual(claims.map((claim) => claim.status).sort(), [200, 409]);
    const [winner, loser] = claims[0]?.status === 200 ? [ana, bo] : [bo, ana];
    const held = await winner.get<{ case: { state: string; agentId?: string } }>(
      `/api/console/cases/${waiting!.id}`,
    );
    assert.equal(held.body.case.state, 'withAgent');
    assert.equal((await loser.get(`/api/console/cases/${waiting!.id}`)).status, 403);
  });
});
