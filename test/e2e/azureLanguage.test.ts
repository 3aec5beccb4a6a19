import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { parseConfig } from '../../bot/config';
import { makeLanguageServices } from '../../bot/language/languageServices';
import { silentLogger } from '../../bot/logger';
import { PASSWORD, login } from '../handoff/consoleFixture';
import { expectedText } from '../support/dialogTable';
import { FAKE_LANGUAGE_KEY, FakeAzureLanguage, testCertificate } from '../support/fakeAzureLanguage';
import {
  freePort,
  makeDataDir,
  removeDataDir,
  startServer,
  webOf,
  type RunningServer,
} from '../support/testServer';
import { WebCustomer } from '../support/webCustomer';
import { waitFor } from '../support/polling';

const ANGRY = 'This is ridiculous, I have been waiting three weeks for my order!';
const SECRET = 'directline-secret-for-the-child-process-0123';

interface Readiness {
  status: string;
  checks: { azureLanguage?: { configured: boolean; breaker?: { state: string; failures: number } } };
}

/** Polls until `read` gives a value `done` accepts (turns and summaries finish asynchronously). */
function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  return waitFor(
    async () => {
      const value = await read();
      return done(value) && { value };
    },
    'the awaited answer',
    { timeoutMs, everyMs: 25 },
  ).then(({ value }) => value);
}

describe('Azure AI Language end to end', function () {
  this.timeout(120_000);
  let fake: FakeAzureLanguage;

  beforeEach(async () => {
    fake = new FakeAzureLanguage();
    await fake.start();
  });
  afterEach(() => fake.close());

  describe('the bot in its own process, trusting the endpoint through NODE_EXTRA_CA_CERTS', () => {
    let child: ChildProcess;
    let dataDir: string;
    let url: string;
    let stderr = '';

    beforeEach(async () => {
      dataDir = makeDataDir();
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      child = spawn(
        process.execPath,
        ['--import', 'tsx', '--disable-warning=DEP0111', path.join('bot', 'main.ts')],
        {
          cwd: path.join(__dirname, '..', '..'),
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            PORT: String(port),
            HOST: '127.0.0.1',
            DATA_DIR: dataDir,
            LOG_LEVEL: 'warn',
            DIRECTLINE_SECRET: SECRET,
            AZURE_LANGUAGE_ENDPOINT: fake.url,
            AZURE_LANGUAGE_KEY: FAKE_LANGUAGE_KEY,
            NODE_EXTRA_CA_CERTS: testCertificate().certFile,
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const ready = await eventually(
        () =>
          fetch(`${url}/readyz`).then(
            (response) => response.status,
            () => 0,
          ),
        (status) => status === 200 || child.exitCode !== null,
        // Loading the language model and compiling with tsx takes a while on a busy machine.
        100_000,
      );
      assert.equal(ready, 200, stderr);
    });

    afterEach(async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      removeDataDir(dataDir);
    });

    it('scores a customer message with Azure, offers a person, and /readyz shows the breaker without failing when it opens', async () => {
      const readiness = async (): Promise<{ status: number; body: Readiness }> => {
        const response = await fetch(`${url}/readyz`);
        return { status: response.status, body: (await response.json()) as Readiness };
      };
      assert.deepEqual((await readiness()).body.checks.azureLanguage, {
        configured: true,
        features: ['languageDetection', 'sentiment', 'pii', 'summary'],
        breaker: { state: 'closed', failures: 0 },
      });

      const customer = await WebCustomer.start(url, SECRET);
      await customer.say(ANGRY);
      assert.equal((await customer.botSays(1))[0], expectedText('en', 'handoff.offer'));
      const scored = fake.bodiesOf('SentimentAnalysis').flatMap((body) => body.analysisInput.documents);
      assert.ok(
        scored.some((document) => document.text === ANGRY && document.language === 'en'),
        JSON.stringify(scored),
      );
      assert.equal(
        (await readiness()).body.checks.azureLanguage?.breaker?.failures,
        0,
        'the TLS handshake was trusted',
      );

      // Azure goes down: the customer is still answered, and the breaker opens.
      fake.fail({ status: 503, code: 'ServiceUnavailable', message: 'down' }, 1000);
      await customer.say('no');
      await customer.botSays(1);
      for (const text of ['where is my order', 'I want to return a jacket', 'help']) {
        await customer.say(text);
        assert.ok((await customer.botSays(1)).length >= 1, `answered "${text}"`);
      }
      const down = await eventually(
        readiness,
        (answer) => answer.body.checks.azureLanguage?.breaker?.state === 'open',
      );
      assert.equal(down.status, 200);
      assert.equal(down.body.status, 'ready');
      assert.equal(down.body.checks.azureLanguage?.breaker?.state, 'open');
    });
  });

  describe('in process', () => {
    let server: RunningServer;

    afterEach(async () => {
      await server.app.close();
      removeDataDir(server.dataDir);
    });

    async function handOverAngryCustomer(): Promise<{ summary: string; sentiment: number | undefined }> {
      await server.app.handoff.agents.create({
        username: 'ana',
        name: 'Ana',
        role: 'agent',
        teams: ['support'],
        password: PASSWORD,
      });
      const customer = await WebCustomer.start(server.url, webOf(server.app).settings.secret);
      await customer.say(ANGRY);
      assert.equal((await customer.botSays(1))[0], expectedText('en', 'handoff.offer'));
      await customer.say('yes');
      assert.equal((await customer.botSays(1)).length, 1, 'queued');
      const ana = await login(server.url, 'ana');
      const caseId = (await ana.get<{ cases: { id: number }[] }>('/api/console/queue')).body.cases[0]?.id;
      assert.ok(caseId !== undefined);
      const read = async (): Promise<{ summary: string; sentiment: number | undefined }> =>
        (await ana.get<{ summary: string; sentiment: number | undefined }>(`/api/console/cases/${caseId}`))
          .body;
      return server.config.azureLanguage
        ? eventually(read, (body) => body.summary.includes('Azure AI Language'))
        : read();
    }

    it("with Azure: the case gets Azure's sentiment and, once the job is done, Azure's summary", async () => {
      fake.pollsUntilDone = 2;
      const env = { AZURE_LANGUAGE_ENDPOINT: fake.url, AZURE_LANGUAGE_KEY: FAKE_LANGUAGE_KEY };
      const language = makeLanguageServices({
        config: parseConfig(env),
        logger: silentLogger(),
        clientOptions: { tlsOptions: { ca: testCertificate().cert } },
        summaryPollMs: 10,
      });
      server = await startServer(env, { language });
      const { summary, sentiment } = await handOverAngryCustomer();
      assert.equal(sentiment, 0.97);
      assert.match(
        summary,
        /^Summary \(Azure AI Language\): "This is ridiculous, I have been waiting three weeks for my order!"/m,
      );
      assert.match(summary, /^Reason for contact, in the customer's words: "This is ridiculous/m);
      assert.equal(
        fake.requests.filter((request) => request.path === '/language/analyze-text/jobs').length,
        1,
      );
    });

    it('without Azure: local sentiment offers a person and the local digest gives the reason and the mood', async () => {
      server = await startServer();
      const { summary, sentiment } = await handOverAngryCustomer();
      assert.ok(sentiment !== undefined && sentiment >= 0.8, String(sentiment));
      assert.match(summary, /^Reason for contact, in the customer's words: "This is ridiculous/m);
      assert.match(
        summary,
        /^Mood: improving \(negative sentiment 0\.\d\d at first, 0\.00 last, 0\.\d\d at worst\)\.$/m,
      );
      assert.doesNotMatch(summary, /Azure/);
    });
  });
});
