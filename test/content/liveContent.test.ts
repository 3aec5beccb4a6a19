import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createI18n, translator } from '../../bot/i18n';
import { createAccounts, login, type ConsoleSession } from '../handoff/consoleFixture';
import { runCli, type CliResult } from '../support/cli';
import { eventually } from '../support/polling';
import { sharedInstances, type SharedInstances } from '../support/sharedInstances';
import { removeDataDir, say, startServer, type RunningServer } from '../support/testServer';

const GREETING = 'welcome.greeting';
const t = translator(createI18n(), 'en');
/** The apology of a turn that failed. */
const FAILED = t('errors.generic');

/** Runs `npm run --silent cli -- content …` as a support lead would, with the server's DATA_DIR. */
function contentCli(dataDir: string, ...args: string[]): Promise<CliResult> {
  return runCli({ env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent', STORAGE: 'sqlite' } }, 'content', ...args);
}

async function leadOf(server: RunningServer, username = 'lena'): Promise<ConsoleSession> {
  await createAccounts(server.app.handoff.agents, [[username, 'lead']], []);
  return login(server.url, username);
}

describe('content changes while the bot runs', function () {
  this.timeout(120_000);
  let server: RunningServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await server.app.close();
    removeDataDir(server.dataDir);
  });

  it('re-training while conversations run fails no turn, and the next new conversation sees the change', async () => {
    const lead = await leadOf(server);
    let stop = false;
    const replies: string[][] = [];
    const customers = Array.from({ length: 6 }, async (_, n) => {
      for (let turn = 0; !stop; turn += 1) {
        for (const text of ['hello', 'where is my order', 'SB-10001', 'cancel']) {
          replies.push(await say(server.url, `busy-${n}-${turn}`, text));
        }
      }
    });
    const examples = (await lead.get<{ intents: Record<string, string[]> }>('/api/console/content/en')).body
      .intents.orderStatus!;
    for (const [n, phrase] of [
      'wheres my stuff at',
      'has my package left yet',
      'any news on my parcel',
    ].entries()) {
      const saved = await lead.send('PUT', '/api/console/content/en/intents/orderStatus', {
        examples: [...examples, phrase],
      });
      assert.equal(saved.status, 200, `change ${n}`);
      const text = await lead.send('PUT', `/api/console/content/en/texts/${GREETING}`, {
        text: `Hi! (${n}) Say "agent" for a person.`,
      });
      assert.equal(text.status, 200);
    }
    stop = true;
    await Promise.all(customers);
    assert.ok(replies.length >= 24, `only ${replies.length} turns ran`);
    for (const turn of replies) {
      assert.ok(turn.length > 0, 'a turn without a reply');
      assert.ok(!turn.includes(FAILED), `a turn failed: ${JSON.stringify(turn)}`);
    }
    assert.equal((await say(server.url, 'after-changes', 'hello'))[0], 'Hi! (2) Say "agent" for a person.');
  });

  it('content export writes the merged files; content import loads them as a new version the server picks up', async () => {
    const lead = await leadOf(server);
    const edited = '¡Hola! Bienvenido a la tienda. Escribe "agente" para hablar con una persona.';
    assert.equal(
      (await lead.send('PUT', `/api/console/content/es/texts/${GREETING}`, { text: edited })).status,
      200,
    );
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-content-'));
    try {
      const exported = await contentCli(server.dataDir, 'export', '--out', out);
      assert.equal(exported.code, 0, exported.stderr);
      const spanish = JSON.parse(fs.readFileSync(path.join(out, 'es', 'translation.json'), 'utf8')) as {
        welcome: { greeting: string };
      };
      assert.equal(spanish.welcome.greeting, edited);
      for (const locale of ['en', 'es', 'zh-CN', 'zh-TW', 'lv']) {
        for (const file of ['translation.json', 'intents.json', 'faq.json']) {
          assert.ok(fs.existsSync(path.join(out, locale, file)), `${locale}/${file}`);
        }
      }

      // A lead edits the exported files (as in version control) and imports them.
      const latvian = path.join(out, 'lv', 'intents.json');
      const intents = JSON.parse(fs.readFileSync(latvian, 'utf8')) as Record<string, string[]>;
      intents.orderStatus!.push('kad beidzot atbrauks kurjers');
      fs.writeFileSync(latvian, JSON.stringify(intents, null, 2));
      spanish.welcome.greeting = `${edited} :)`;
      fs.writeFileSync(path.join(out, 'es', 'translation.json'), JSON.stringify(spanish, null, 2));
      const imported = await contentCli(server.dataDir, 'import', out);
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stdout, /imported 2 change\(s\)/);
      await eventually(
        async () =>
          (await say(server.url, `import-${Date.now()}`, 'hola', { locale: 'es' }))[0] === `${edited} :)`,
        'the server uses the imported text',
      );
      const recognized = await lead.post<{ intent: string }>('/api/console/recognize', {
        text: 'kad beidzot atbrauks kurjers',
        locale: 'lv',
      });
      assert.equal(recognized.body.intent, 'orderStatus');
      const { entries } = (await lead.get<{ entries: { actor: string }[] }>('/api/console/content/history'))
        .body;
      assert.deepEqual(
        entries.map((entry) => entry.actor),
        ['cli import', 'cli import', 'lena'],
      );

      // A file that breaks a rule is refused whole.
      spanish.welcome.greeting = '';
      fs.writeFileSync(path.join(out, 'es', 'translation.json'), JSON.stringify(spanish, null, 2));
      const refused = await contentCli(server.dataDir, 'import', out);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /es: empty text for welcome\.greeting/);
      assert.match(refused.stderr, /nothing imported/);
      assert.equal((await contentCli(server.dataDir, 'import', path.join(out, 'nowhere'))).code, 1);
      fs.writeFileSync(
        path.join(out, 'es', 'translation.json'),
        JSON.stringify({ welcome: { greeting: 'Hola' } }),
      );
      fs.writeFileSync(latvian, JSON.stringify({ help: 'palīdzība' }));
      const malformed = await contentCli(server.dataDir, 'import', out);
      assert.equal(malformed.code, 1);
      assert.match(malformed.stderr, /lv: intents\.json must be an object of example lists by intent/);
      assert.equal((await contentCli(server.dataDir, 'export')).code, 2);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('content import refuses a DATA_DIR no server has used, and creates nothing there', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-empty-'));
    try {
      const result = await contentCli(empty, 'import', empty);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /there is no .*state\.sqlite/);
      assert.deepEqual(fs.readdirSync(empty), []);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('content changes on two instances (one PostgreSQL, one Redis)', function () {
  this.timeout(120_000);
  let instances: SharedInstances | undefined;

  before(async function () {
    instances = await sharedInstances(this);
  });
  after(async () => {
    await instances?.stop();
  });

  it('a change made on one instance is live on the other within seconds, and so is its revert', async () => {
    const one = await instances!.start();
    const two = await instances!.start();
    const lead = await leadOf(one);
    const shipped = (await say(two.url, 'two-before', 'hola', { locale: 'es' }))[0];
    const edited = '¡Hola desde la otra instancia! Escribe "agente" para hablar con una persona.';
    const saved = await lead.send('PUT', `/api/console/content/es/texts/${GREETING}`, { text: edited });
    assert.equal(saved.status, 200);
    await eventually(
      async () => (await say(two.url, `two-${Date.now()}`, 'hola', { locale: 'es' }))[0] === edited,
      'instance two greets with the edited text',
    );
    const examples = (await lead.get<{ intents: Record<string, string[]> }>('/api/console/content/lv')).body
      .intents.orderStatus!;
    await lead.send('PUT', '/api/console/content/lv/intents/orderStatus', {
      examples: [...examples, 'kad beidzot atbrauks kurjers'],
    });
    const other = await leadOf(two, 'lena');
    await eventually(async () => {
      const { body } = await other.post<{ intent: string }>('/api/console/recognize', {
        text: 'kad beidzot atbrauks kurjers',
        locale: 'lv',
      });
      return body.intent === 'orderStatus';
    }, 'instance two understands the new Latvian phrase');
    // Reverted on the other instance: live on the first.
    const { entries } = (
      await other.get<{ entries: { id: number; key: string }[] }>('/api/console/content/history?locale=es')
    ).body;
    assert.equal((await other.post(`/api/console/content/history/${entries[0]!.id}/revert`)).status, 200);
    await eventually(
      async () => (await say(one.url, `one-${Date.now()}`, 'hola', { locale: 'es' }))[0] === shipped,
      'instance one greets with the shipped text again',
    );
  });
});
