import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SharedDatabase } from '../../bot/database';
import { openHandoffDatabase } from '../../handoff';
import { AgentDirectory } from '../../handoff/agentDirectory';
import { AGENT_MIGRATIONS } from '../../handoff/agentMigrations';
import { PROJECT_ROOT, printedPassword, runCli, type CliResult } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { TEST_REDIS_URL } from '../support/redis';

const root = PROJECT_ROOT;

/** Runs the CLI as `npm run cli` does (tsx), returning exit code and output. */
function cli(...args: string[]): Promise<CliResult> {
  return runCli({}, ...args);
}

/** Runs the CLI with extra environment variables (a temporary DATA_DIR). */
function cliWith(env: Record<string, string | undefined>, ...args: string[]): Promise<CliResult> {
  return runCli({ env }, ...args);
}

/** Runs the CLI in another folder than the project. */
function cliIn(cwd: string, env: Record<string, string | undefined>, ...args: string[]): Promise<CliResult> {
  return runCli({ cwd, env }, ...args);
}

describe('cli', () => {
  it('recognize prints one JSON object with locale, detected locale, intent, score and entities', async () => {
    const { code, stdout } = await cli(
      'recognize',
      '--locale',
      'es',
      '¿dónde',
      'está',
      'mi',
      'pedido',
      'SB-10001?',
    );
    assert.equal(code, 0);
    const printed = JSON.parse(stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(printed), [
      'text',
      'locale',
      'detectedLocale',
      'intent',
      'score',
      'entities',
    ]);
    assert.deepEqual(
      { ...printed, score: undefined },
      {
        text: '¿dónde está mi pedido SB-10001?',
        locale: 'es',
        detectedLocale: 'es',
        intent: 'orderStatus',
        score: undefined,
        entities: [{ type: 'orderNumber', value: 'SB-10001' }],
      },
    );
    assert.ok((printed.score as number) > 0.9, String(printed.score));
  });

  it('recognize --jsonl reads one phrase per line, detecting the language when none is given', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-cli-'));
    try {
      const file = path.join(dir, 'phrases.jsonl');
      fs.writeFileSync(
        file,
        [
          '{"text": "anular mi cita del viernes", "locale": "es"}',
          '{"text": "Kur ir mans pasūtījums? Gaidu jau nedēļu"}',
          '{"text": "我的訂單到哪裡了，等了好幾天"}',
        ].join('\n'),
      );
      const { code, stdout } = await cli('recognize', '--jsonl', file);
      assert.equal(code, 0);
      const lines = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { locale: string; intent: string });
      assert.deepEqual(
        lines.map((line) => [line.locale, line.intent]),
        [
          ['es', 'appointment'],
          ['lv', 'orderStatus'],
          ['zh-TW', 'orderStatus'],
        ],
      );
      fs.writeFileSync(file, '{"text": "hola", "locale": "es"}\n{"text": 42}\n');
      const bad = await cli('recognize', '--jsonl', file);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /phrases\.jsonl line 2: "text" must be a non-empty string/);
      assert.equal(bad.stdout, '');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('recognize prints the entry id as the intent of an FAQ question', async () => {
    const { code, stdout } = await cli('recognize', '--locale', 'lv', 'cik maksā piegāde uz rīgu?');
    assert.equal(code, 0);
    const printed = JSON.parse(stdout) as { intent: string; locale: string };
    assert.deepEqual([printed.locale, printed.intent], ['lv', 'shipping-costs']);
  });

  it('locales check reports the bundles complete, with their warnings', async () => {
    const { code, stdout } = await cli('locales', 'check');
    assert.equal(code, 0);
    const lines = stdout.trim().split('\n');
    assert.equal(lines.at(-1), `locales en, es, zh-CN, zh-TW, lv: complete (${lines.length - 1} warning(s))`);
    for (const line of lines.slice(0, -1)) assert.match(line, /^[\w-]+: warning: /);
  });

  it('an unknown command exits 2 with the usage', async () => {
    const { code, stderr } = await cli('frobnicate');
    assert.equal(code, 2);
    assert.match(stderr, /unknown command "frobnicate"[\s\S]*Usage:/);
  });
});

describe('cli agents', function () {
  // Each command starts a process and hashes a password.
  this.timeout(60_000);
  let dataDir: string;
  const agents = (...args: string[]) =>
    cliWith(
      { DATA_DIR: dataDir, LOG_LEVEL: 'silent', HANDOFF_TEAMS_FILE: path.join(dataDir, 'teams.json') },
      'agents',
      ...args,
    );

  /** Opens the database the CLI wrote, runs `check`, closes it. */
  async function inDatabase<T>(
    check: (database: ReturnType<typeof openHandoffDatabase>) => Promise<T> | T,
  ): Promise<T> {
    const database = openHandoffDatabase(dataDir);
    try {
      return await check(database);
    } finally {
      await database.close();
    }
  }

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-cli-'));
    // As the server leaves it on its first start: the database, and the teams the shop defined.
    const first = openHandoffDatabase(dataDir);
    await first.ready;
    await first.close();
    const teams = JSON.parse(fs.readFileSync(path.join(root, 'handoff', 'teams.json'), 'utf8')) as {
      teams: { id: string }[];
    };
    teams.teams.push({ ...teams.teams[0]!, id: 'orders-es' });
    fs.writeFileSync(path.join(dataDir, 'teams.json'), JSON.stringify(teams));
  });

  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('agents add creates an account in DATA_DIR/handoff.sqlite and prints its password once', async () => {
    const added = await agents(
      'add',
      'ana',
      '--name',
      'Ana García',
      '--role',
      'agent',
      '--teams',
      'support,orders-es',
    );
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /created agent "ana" \(Ana García\), teams support, orders-es/);
    const password = printedPassword(added.stdout);
    assert.ok(fs.existsSync(path.join(dataDir, 'handoff.sqlite')));
    const account = await inDatabase((database) => database.agents.authenticate('ana', password));
    assert.deepEqual(
      { name: account?.name, role: account?.role, teams: account?.teams },
      { name: 'Ana García', role: 'agent', teams: ['support', 'orders-es'] },
    );
    const again = await agents('add', 'ana', '--teams', 'support');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /username "ana" is taken/);
  });

  it('agents add refuses a team the teams file does not define, with exit code 2', async () => {
    const added = await agents('add', 'zoe', '--teams', 'support,billing,returns');
    assert.equal(added.code, 2);
    assert.match(added.stderr, /--teams: "billing", "returns" are not in the teams file .*teams\.json/);
    assert.match(added.stderr, /its teams: support, orders-es/);
    assert.equal(await inDatabase((database) => database.agents.count()), 0);
  });

  it('refuses to create a database: it names the DATA_DIR it looked in, and creates nothing', async () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-cli-empty-'));
    try {
      const named = await cliWith({ DATA_DIR: elsewhere, LOG_LEVEL: 'silent' }, 'agents', 'list');
      assert.equal(named.code, 1);
      assert.match(named.stderr, new RegExp(`no handoff database in ${elsewhere} \\(DATA_DIR=${elsewhere}`));
      assert.match(named.stderr, /run it with the\s+server's DATA_DIR/);
      assert.deepEqual(fs.readdirSync(elsewhere), []);

      // Without DATA_DIR the CLI looks in ./data of the folder it runs in, and says so.
      const unset = await cliIn(
        elsewhere,
        { DATA_DIR: undefined, LOG_LEVEL: 'silent' },
        'agents',
        'add',
        'ana',
        '--role',
        'lead',
      );
      assert.equal(unset.code, 1);
      assert.match(unset.stderr, /DATA_DIR is not set, so .*switchboard-cli-empty-.*data/);
      assert.deepEqual(fs.readdirSync(elsewhere), [], 'no ./data was created');
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('agents add refuses a bad role, and an agent without teams, with exit code 2', async () => {
    const role = await agents('add', 'zoe', '--role', 'boss');
    assert.equal(role.code, 2);
    assert.match(role.stderr, /--role must be one of agent, lead, admin/);
    const teams = await agents('add', 'zoe');
    assert.equal(teams.code, 2);
    assert.match(teams.stderr, /an agent needs --teams/);
    assert.equal(await inDatabase((database) => database.agents.count()), 0);
  });

  it('agents list shows every account with role, teams and status', async () => {
    assert.equal((await agents('add', 'lena', '--name', 'Lena Berg', '--role', 'lead')).code, 0);
    assert.equal((await agents('add', 'ana', '--teams', 'support')).code, 0);
    assert.equal((await agents('disable', 'ana')).code, 0);
    const listed = await agents('list');
    assert.equal(listed.code, 0);
    assert.deepEqual(listed.stdout.trim().split('\n'), [
      'username\tname\trole\tteams\tstatus',
      'ana\tana\tagent\tsupport\tdisabled',
      'lena\tLena Berg\tlead\t-\tactive',
    ]);
  });

  it('agents passwd prints a new password; the old one stops working', async () => {
    const added = await agents('add', 'ana', '--teams', 'support');
    const first = printedPassword(added.stdout);
    const changed = await agents('passwd', 'ana');
    assert.equal(changed.code, 0, changed.stderr);
    const second = printedPassword(changed.stdout);
    assert.notEqual(second, first);
    await inDatabase(async (database) => {
      assert.equal(await database.agents.authenticate('ana', first), undefined);
      assert.equal((await database.agents.authenticate('ana', second))?.username, 'ana');
    });
    const missing = await agents('passwd', 'nobody');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no account named "nobody"/);
  });

  it('agents disable refuses logins; agents enable allows them again', async () => {
    const password = printedPassword((await agents('add', 'ana', '--teams', 'support')).stdout);
    const disabled = await agents('disable', 'ana');
    assert.equal(disabled.code, 0);
    assert.equal(await inDatabase((database) => database.agents.authenticate('ana', password)), undefined);
    assert.equal((await agents('enable', 'ana')).code, 0);
    assert.equal(
      (await inDatabase((database) => database.agents.authenticate('ana', password)))?.username,
      'ana',
    );
  });

  it('agents token prints a bearer token for the account, and refuses a disabled one', async () => {
    assert.equal((await agents('add', 'ana', '--teams', 'support')).code, 0);
    const issued = await agents('token', 'ana');
    assert.equal(issued.code, 0, issued.stderr);
    const token = issued.stdout.trim();
    assert.match(token, /^[\w-]{40,}$/);
    await inDatabase(async (database) => {
      assert.equal((await database.agents.session(token, 'bearer'))?.agent.username, 'ana');
      assert.ok(
        (await database.store.auditLog()).some(
          (entry) => entry.actor === 'cli' && entry.action === 'tokenIssued',
        ),
      );
    });
    await agents('disable', 'ana');
    const refused = await agents('token', 'ana');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /"ana" is disabled/);
  });

  it('agents without an action, or with an unknown one, exits 2 with the usage', async () => {
    const none = await agents();
    assert.equal(none.code, 2);
    assert.match(none.stderr, /name an action[\s\S]*Usage:/);
    const unknown = await agents('promote', 'ana');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown action "promote"/);
  });
});

describe('cli agents with STORAGE=postgres', function () {
  // Each command starts a process and hashes a password.
  this.timeout(60_000);
  let server: TestDatabase;
  let dataDir: string;
  let database: SharedDatabase | undefined;
  const env = (): Record<string, string> => ({
    STORAGE: 'postgres',
    DATABASE_URL: server.url,
    REDIS_URL: TEST_REDIS_URL,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    HANDOFF_TEAMS_FILE: path.join(root, 'handoff', 'teams.json'),
  });
  const agents = (...args: string[]) => cliWith(env(), 'agents', ...args);
  /** The accounts as a server on that database reads them. */
  const directory = (): AgentDirectory => {
    database = new SharedDatabase({ dialect: 'postgres', url: server.url, poolSize: 2 }, [AGENT_MIGRATIONS]);
    return new AgentDirectory(database);
  };

  before(async function () {
    server = await createTestDatabase(this);
  });

  beforeEach(() => {
    // A DATA_DIR without handoff.sqlite: the accounts are the shared database's.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-cli-pg-'));
  });

  afterEach(async () => {
    await database?.close();
    database = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  after(async () => {
    await server?.drop();
  });

  it('agents add and list work against DATABASE_URL, and a server on that database finds the account', async () => {
    const added = await agents('add', 'lena', '--name', 'Lena Berg', '--role', 'lead');
    assert.equal(added.code, 0, added.stderr);
    assert.doesNotMatch(added.stderr, /no handoff database/);
    const password = /password[^:]*: (\S+)$/m.exec(added.stdout)?.[1] ?? '';
    assert.equal((await agents('add', 'ana', '--teams', 'support')).code, 0);
    const listed = await agents('list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(listed.stdout.trim().split('\n'), [
      'username\tname\trole\tteams\tstatus',
      'ana\tana\tagent\tsupport\tactive',
      'lena\tLena Berg\tlead\t-\tactive',
    ]);
    const agentsOnServer = directory();
    const lena = await agentsOnServer.find('lena');
    assert.deepEqual([lena?.name, lena?.role], ['Lena Berg', 'lead']);
    assert.equal((await agentsOnServer.authenticate('lena', password))?.id, lena?.id);
  });

  it('agents token issues a token the servers on that database accept; agents disable ends it', async () => {
    assert.equal((await agents('add', 'bo', '--teams', 'support')).code, 0);
    const issued = await agents('token', 'bo');
    assert.equal(issued.code, 0, issued.stderr);
    const token = issued.stdout.trim();
    const agentsOnServer = directory();
    assert.equal((await agentsOnServer.session(token, 'bearer'))?.agent.username, 'bo');
    assert.equal((await agents('disable', 'bo')).code, 0);
    assert.equal(await agentsOnServer.session(token, 'bearer'), undefined);
  });

  it('names DATABASE_URL when the database cannot be reached', async () => {
    const failed = await cliWith(
      { ...env(), DATABASE_URL: 'postgres://postgres@127.0.0.1:1/switchboard' },
      'agents',
      'list',
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /cannot open the database at DATABASE_URL/);
  });
});
