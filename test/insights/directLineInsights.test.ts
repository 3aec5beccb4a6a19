import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { InsightsReport } from '../../bot/insights';
import { INSIGHTS_FILE } from '../../bot/insights';
import { createLogger } from '../../bot/logger';
import { createAccounts, login } from '../handoff/consoleFixture';
import { expectedText } from '../support/dialogTable';
import { logCapture } from '../support/logCapture';
import { WebCustomer } from '../support/webCustomer';
import {
  makeDataDir,
  removeDataDir,
  say,
  startServer,
  webOf,
  type RunningServer,
} from '../support/testServer';

interface QueueEntry {
  id: number;
}

/** What the customers write; none of it may reach a log line at info level. */
const CUSTOMER_TEXTS = ['where is my order', 'SB-10001', 'Ana.Garcia@Example.com'];
const AGENT_TEXT = 'Hello, I am looking at your parcel now.';

describe('insights end to end over Direct Line (web chat customers, console agent and lead)', function () {
  this.timeout(60_000);
  let dataDir: string;
  let server: RunningServer;
  const capture = logCapture();

  const boot = async (): Promise<RunningServer> =>
    startServer({ DATA_DIR: dataDir }, { logger: createLogger('info', capture.stream) });

  before(async () => {
    dataDir = makeDataDir();
    server = await boot();
    await createAccounts(server.app.handoff.agents, [
      ['ana', 'agent'],
      ['lena', 'lead'],
    ]);
  });
  after(async () => {
    await server.app.close();
    removeDataDir(dataDir);
  });

  const today = (): string => {
    const from = new Date().toISOString().slice(0, 10);
    const to = new Date(Date.parse(`${from}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    return `from=${from}&to=${to}`;
  };

  let first: WebCustomer;
  let second: WebCustomer;

  it('a contained order lookup and a handed-off conversation give the figures a lead reads', async () => {
    const secret = webOf(server.app).settings.secret;
    first = await WebCustomer.start(server.url, secret);
    for (const text of CUSTOMER_TEXTS) {
      await first.say(text);
      await first.botSays(1);
    }

    second = await WebCustomer.start(server.url, secret);
    await second.say('agent');
    await second.botSays(1);
    const ana = await login(server.url, 'ana');
    const { body } = await ana.get<{ cases: QueueEntry[] }>('/api/console/queue');
    const caseId = body.cases[0]?.id;
    assert.equal((await ana.post(`/api/console/cases/${caseId}/claim`)).status, 200);
    await second.botSays(1);
    assert.equal((await ana.post(`/api/console/cases/${caseId}/messages`, { text: AGENT_TEXT })).status, 200);
    await second.botSays(1);
    assert.equal(
      (await ana.post(`/api/console/cases/${caseId}/end`, { disposition: 'resolved' })).status,
      200,
    );
    assert.deepEqual(await second.botSays(2), [
      expectedText('en', 'handoff.ended'),
      expectedText('en', 'handoff.survey'),
    ]);
    await second.say('5');
    await second.botSays(2);

    // The replies arrive before their turns end: the events of a turn's end come after.
    await server.app.turnQueue.idle();
    await server.app.insights.recorder.flush();
    const lena = await login(server.url, 'lena');
    const answer = await lena.get<InsightsReport>(`/api/console/insights?${today()}`);
    assert.equal(answer.status, 200);
    const { totals } = answer.body;
    assert.equal(totals.conversations, 2);
    assert.deepEqual(totals.containment, { contained: 1, rate: 0.5, completedTask: 1, completedTaskRate: 1 });
    assert.deepEqual(
      [totals.handoff.conversations, totals.handoff.reachedAgent, totals.handoff.reasons],
      [1, 1, { customerAsked: 1 }],
    );
    assert.deepEqual([totals.tasks.started, totals.tasks.completed], [1, 1]);
    assert.equal(totals.queueWait.count, 1);
    assert.equal(totals.firstAgentReply.count, 1);
    assert.ok((totals.firstAgentReply.medianSeconds ?? -1) >= (totals.queueWait.medianSeconds ?? 0));
    assert.deepEqual([totals.csat.count, totals.csat.average], [1, 5]);
    // Three messages from the first customer, "agent" and "5" from the second.
    assert.equal(totals.messages.total, 5);

    const web = await lena.get<InsightsReport>(
      `/api/console/insights?${today()}&channel=directline&locale=en`,
    );
    assert.equal(web.body.totals.conversations, 2);
    const telegram = await lena.get<InsightsReport>(`/api/console/insights?${today()}&channel=telegram`);
    assert.equal(telegram.body.totals.conversations, 0);
  });

  it('every line of a turn carries its conversation and channel, and no message text at info level', async () => {
    // The handoff interceptor logs a warning of its own inside this turn.
    await first.post({
      type: 'event',
      name: 'handoff.status',
      value: { state: 'completed' },
      from: { id: 'customer' },
    });
    const entries = capture.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const warning = entries.find(
      (entry) => entry.msg === 'handoff.status from a channel without agent hubs ignored',
    );
    assert.deepEqual([warning?.channelId, warning?.conversationId], ['directline', first.conversationId]);
    const turns = entries.filter((entry) => entry.msg === 'turn done');
    assert.ok(turns.length >= 8, `${turns.length} turns logged`);
    for (const entry of turns) {
      assert.equal(entry.channelId, 'directline');
      assert.ok(
        [first.conversationId, second.conversationId].includes(String(entry.conversationId)),
        JSON.stringify(entry),
      );
    }
    for (const text of [...CUSTOMER_TEXTS, AGENT_TEXT]) {
      const leaked = capture.lines.filter((line) => line.includes(text));
      assert.deepEqual(leaked, [], `"${text}" is not logged`);
    }
  });

  it('events are flushed on shutdown and kept in DATA_DIR/insights.sqlite across a restart', async () => {
    await first.say('hello');
    await first.botSays(1);
    // No flush here: close() commits what waits.
    await server.app.close();
    assert.ok(fs.existsSync(path.join(dataDir, INSIGHTS_FILE)));
    server = await boot();
    const lena = await login(server.url, 'lena');
    const answer = await lena.get<InsightsReport>(`/api/console/insights?${today()}`);
    assert.equal(answer.body.totals.conversations, 2);
    assert.equal(answer.body.totals.messages.total, 6, 'the message before the shutdown is counted');
  });

  it('a conversation on the Bot Framework channel counts in its own channel', async () => {
    await say(server.url, 'bf-1', 'where is my order');
    await say(server.url, 'bf-1', 'cancel');
    // The replies arrive before their turns end: the events of a turn's end come after.
    await server.app.turnQueue.idle();
    await server.app.insights.recorder.flush();
    const lena = await login(server.url, 'lena');
    const all = await lena.get<InsightsReport>(`/api/console/insights?${today()}`);
    assert.equal(all.body.totals.conversations, 3);
    assert.deepEqual(all.body.dimensions.channels, ['directline', 'test']);
    const botFramework = await lena.get<InsightsReport>(`/api/console/insights?${today()}&channel=test`);
    assert.equal(botFramework.body.totals.conversations, 1);
    assert.deepEqual(
      [botFramework.body.totals.tasks.started, botFramework.body.totals.tasks.cancelled],
      [1, 1],
    );
    assert.equal(botFramework.body.totals.containment.contained, 1);
  });
});
