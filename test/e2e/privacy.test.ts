import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../bot/logger';
import { HANDOFF_DATABASE_FILE } from '../../handoff';
import { PASSWORD, login, type ConsoleSession } from '../handoff/consoleFixture';
import { expectedText } from '../support/dialogTable';
import { logCapture } from '../support/logCapture';
import { PLANTED_IBANS, ibanFragments } from '../support/plantedPii';
import { removeDataDir, startServer, webOf, type RunningServer } from '../support/testServer';
import { WebCustomer } from '../support/webCustomer';

interface CaseAnswer {
  transcript: { id: number; role: string; text: string; redacted: boolean }[];
  summary: string;
}

/** The planted fragments found in `text`, so a failure names what leaked. */
const leaks = (text: string): string[] => ibanFragments().filter((fragment) => text.includes(fragment));

/** Waits until the case's transcript has `count` customer lines (turns run asynchronously). */
async function customerLines(agent: ConsoleSession, caseId: number, count: number): Promise<CaseAnswer> {
  for (let tries = 0; ; tries += 1) {
    const { status, body } = await agent.get<CaseAnswer>(`/api/console/cases/${caseId}`);
    assert.equal(status, 200);
    const found = body.transcript.filter((line) => line.role === 'customer').length;
    if (found >= count || tries >= 400) return body;
    await sleep(25);
  }
}

describe('planted IBANs of five countries never reach the transcript, the console API or the debug log', function () {
  this.timeout(60_000);
  let server: RunningServer;
  let logLines: string[];

  beforeEach(async () => {
    const capture = logCapture();
    logLines = capture.lines;
    server = await startServer({ LOG_LEVEL: 'debug' }, { logger: createLogger('debug', capture.stream) });
    await server.app.handoff.agents.create({
      username: 'ana',
      name: 'Ana',
      role: 'agent',
      teams: ['support'],
      password: PASSWORD,
    });
  });

  afterEach(async () => {
    await server.app.close();
    removeDataDir(server.dataDir);
  });

  it('a Direct Line customer writes IBANs while queued and with an agent; only [iban] is stored, shown and logged, and the holder may reveal one', async () => {
    const customer = await WebCustomer.start(server.url, webOf(server.app).settings.secret);
    await customer.say('agent');
    assert.deepEqual(await customer.botSays(1), [
      expectedText('en', { key: 'handoff.queued', vars: { position: 1, minutes: 3 } }),
    ]);
    const [queuedHalf, agentHalf] = [PLANTED_IBANS.slice(0, 5), PLANTED_IBANS.slice(5)];
    for (const iban of queuedHalf) {
      await customer.say(`please refund to ${iban} thanks`);
      assert.equal((await customer.botSays(1)).length, 1, 'told they are still waiting');
    }

    const ana = await login(server.url, 'ana');
    const queue = await ana.get<{ cases: { id: number }[] }>('/api/console/queue');
    const caseId = queue.body.cases[0]?.id;
    assert.ok(caseId !== undefined, JSON.stringify(queue.body));
    assert.equal((await ana.post(`/api/console/cases/${caseId}/claim`)).status, 200);
    await customer.botSays(1); // the agent joined
    for (const iban of agentHalf) await customer.say(`please refund to ${iban} thanks`);

    const details = await customerLines(ana, caseId, 1 + PLANTED_IBANS.length);
    const planted = details.transcript.filter((line) => line.text.startsWith('please refund'));
    assert.deepEqual(
      planted.map((line) => [line.text, line.redacted]),
      PLANTED_IBANS.map(() => ['please refund to [iban] thanks', true]),
    );
    const answers = [
      JSON.stringify(details),
      JSON.stringify((await ana.get('/api/console/queue')).body),
      JSON.stringify(server.app.handoff.store.transcript(`directline/${customer.conversationId}`)),
    ];
    assert.deepEqual(answers.flatMap(leaks), [], 'console API and transcript');

    const files = fs.readdirSync(server.dataDir).filter((name) => name.startsWith(HANDOFF_DATABASE_FILE));
    const stored = Buffer.concat(files.map((name) => fs.readFileSync(path.join(server.dataDir, name))));
    assert.deepEqual(
      ibanFragments().filter((fragment) => stored.includes(fragment)),
      [],
      `${files.join(', ')} at rest`,
    );

    // The agent needs one of them: revealing it gives exactly what the customer wrote.
    const revealed = await ana.post<{ text: string }>(
      `/api/console/cases/${caseId}/messages/${planted[0]!.id}/reveal`,
    );
    assert.equal(revealed.status, 200);
    assert.equal(revealed.body.text, `please refund to ${PLANTED_IBANS[0]!} thanks`);

    assert.ok(
      logLines.some((line) => line.includes('"turn received"') && line.includes('[iban]')),
      'message text was logged at debug, redacted',
    );
    assert.deepEqual(logLines.flatMap(leaks), [], 'the debug log');
  });
});
