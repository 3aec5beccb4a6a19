import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseConfig } from '../../bot/config';
import { makeLanguageServices, type LanguageServices } from '../../bot/language/languageServices';
import { createLogger } from '../../bot/logger';
import { HANDOFF_DATABASE_FILE } from '../../handoff';
import { PASSWORD, login, type ConsoleSession } from '../handoff/consoleFixture';
import { expectedText } from '../support/dialogTable';
import { logCapture } from '../support/logCapture';
import { FAKE_LANGUAGE_KEY, FakeAzureLanguage, testCertificate } from '../support/fakeAzureLanguage';
import { PLANTED_IBANS, ibanFragments } from '../support/plantedPii';
import { plantedLeaks, plantedPersonalData } from '../support/plantedPersonalData';
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
      JSON.stringify(await server.app.handoff.store.transcript(`directline/${customer.conversationId}`)),
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

describe('planted personal data (30 of each kind in five languages) never reaches the transcript, the console API or the log at any level', function () {
  this.timeout(180_000);
  const planted = plantedPersonalData();

  for (const withAzure of [false, true]) {
    describe(withAzure ? 'with Azure AI Language (local fake endpoint)' : 'with local redaction only', () => {
      let server: RunningServer;
      let logLines: string[];
      let fake: FakeAzureLanguage | undefined;

      beforeEach(async () => {
        const capture = logCapture();
        logLines = capture.lines;
        const logger = createLogger('trace', capture.stream);
        let env: Record<string, string> = { LOG_LEVEL: 'trace' };
        let language: LanguageServices | undefined;
        if (withAzure) {
          fake = new FakeAzureLanguage();
          env = {
            ...env,
            AZURE_LANGUAGE_ENDPOINT: await fake.start(),
            AZURE_LANGUAGE_KEY: FAKE_LANGUAGE_KEY,
          };
          language = makeLanguageServices({
            config: parseConfig(env),
            logger,
            clientOptions: { tlsOptions: { ca: testCertificate().cert } },
            summaryPollMs: 10,
          });
        }
        server = await startServer(env, { logger, ...(language ? { language } : {}) });
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
        await fake?.close();
        removeDataDir(server.dataDir);
      });

      it('a customer writes every planted item while queued; every one is redacted in the stored transcript, the case, the queue, the summary and every log line', async () => {
        const customer = await WebCustomer.start(server.url, webOf(server.app).settings.secret);
        await customer.say('agent');
        assert.equal((await customer.botSays(1)).length, 1, 'queued');
        for (const item of planted) {
          await customer.say(item.message);
          assert.equal((await customer.botSays(1)).length, 1, 'told they are still waiting');
        }
        // A name stated earlier ("my name is John Smith") is known for the rest of the conversation.
        await customer.say('John Smith here again, any news?');
        await customer.botSays(1);

        const ana = await login(server.url, 'ana');
        const queue = await ana.get<{ cases: { id: number }[] }>('/api/console/queue');
        const caseId = queue.body.cases[0]?.id;
        assert.ok(caseId !== undefined, JSON.stringify(queue.body));
        const details = (await ana.get<CaseAnswer>(`/api/console/cases/${caseId}`)).body;
        // The console shows the latest 200 lines; the store holds them all.
        const transcript = await server.app.handoff.store.transcript(
          `directline/${customer.conversationId}`,
          10_000,
        );
        const customerTexts = transcript.filter((line) => line.role === 'customer').map((line) => line.text);
        const wrong = planted.filter(
          (item) => !customerTexts.includes(item.message.replace(item.value, `[${item.kind}]`)),
        );
        assert.deepEqual(
          wrong.map((item) => item.message),
          [],
          'each planted item replaced by its label, the words around it kept',
        );
        assert.ok(customerTexts.includes('[name] here again, any news?'), customerTexts.at(-1));

        const stored = JSON.stringify(transcript);
        const answers = [
          JSON.stringify(details),
          JSON.stringify((await ana.get('/api/console/queue')).body),
          stored,
        ];
        assert.deepEqual(
          answers.flatMap((answer) => plantedLeaks(planted, answer)),
          [],
          'console API and stored transcript',
        );

        const files = fs.readdirSync(server.dataDir).filter((name) => name.startsWith(HANDOFF_DATABASE_FILE));
        const atRest = Buffer.concat(
          files.map((name) => fs.readFileSync(path.join(server.dataDir, name))),
        ).toString('utf8');
        assert.deepEqual(plantedLeaks(planted, atRest), [], `${files.join(', ')} at rest`);

        assert.ok(
          logLines.some((line) => line.includes('"level":10')),
          'trace lines were written',
        );
        assert.ok(
          logLines.some((line) => line.includes('"turn received"') && line.includes('[email]')),
          'texts were logged, redacted',
        );
        assert.deepEqual(
          logLines.flatMap((line) => plantedLeaks(planted, line)),
          [],
          'the log at trace level',
        );
        if (fake) {
          assert.ok(fake.bodiesOf('PiiEntityRecognition').length > 0, 'Azure was asked');
          assert.ok(
            fake.bodiesOf('PiiEntityRecognition').every((body) => body.analysisInput.documents.length <= 5),
          );
        }
      });
    });
  }
});
