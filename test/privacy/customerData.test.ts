import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { HANDOFF_DATABASE_FILE } from '../../handoff';
import { PASSWORD, login, type ConsoleSession } from '../handoff/consoleFixture';
import { expectedText, type ExpectedReply } from '../support/dialogTable';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { TEST_REDIS_URL } from '../support/redis';
import {
  makeDataDir,
  removeDataDir,
  say,
  startServer,
  webOf,
  type RunningServer,
} from '../support/testServer';
import { FAKE_BOT_TOKEN, FakeTelegramApi } from '../support/fakeTelegramApi';
import { WebCustomer } from '../support/webCustomer';
import { cli, dumpPostgres, dumpSqliteFiles, mentions, type DumpedRow } from './privacyFixture';

const EMAIL = 'ana.garcia@example.com';
const SHOP_USER = 'shop-user-7';
/** Ana's Telegram account: the private chat has her user id. */
const TELEGRAM_USER = { id: 4242, first_name: 'Ana', language_code: 'en' };
const OTHER_EMAIL = 'lucia.fernandez@example.com';
const en = (reply: ExpectedReply) => expectedText('en', reply);

/** English support always open; Spanish sales never, so a Spanish customer leaves a ticket. */
const TEAMS = {
  teams: [
    {
      id: 'support',
      name: 'Customer support',
      locales: ['en'],
      topics: ['*'],
      timezone: 'UTC',
      hours: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, ['00:00-24:00']]),
      ),
    },
    { id: 'ventas', name: 'Ventas', locales: ['es'], topics: ['*'], timezone: 'UTC', hours: {} },
  ],
};

interface ExportAnswer {
  found: { conversations: string[]; users: string[] };
  stores: {
    botState: { userState: { key: string }[]; conversationState: { key: string }[] };
    directLine: { conversations: { id: string }[]; activities: unknown[] };
    handoff: {
      cases: { conversationKey: string; state: string; satisfaction?: number }[];
      transcript: { conversationKey: string; text: string; original?: string }[];
      tickets: { conversationKey: string }[];
    };
  };
  satisfaction: { rating: number }[];
  references: { orders: string[] };
  counts: Record<string, Record<string, number>>;
  total: number;
}

interface Played {
  web: WebCustomer;
  webSpanish: WebCustomer;
  other: WebCustomer;
}

/**
 * Ana uses three channels: the Bot Framework route (checks an order, proving it with her email,
 * and asks for a person: still queued); the web chat, where the shop vouches for her email (an
 * agent helps her and she rates it 5), and once more in Spanish when nobody is there (she leaves
 * a ticket); and Telegram, where she writes her email. Lucía, another customer, talks to the bot
 * too and must keep her data.
 */
async function playCustomers(server: RunningServer, telegram: FakeTelegramApi): Promise<Played> {
  const secret = webOf(server.app).settings.secret;
  assert.deepEqual(await say(server.url, 'ana-bf', 'where is my order?'), [
    en('welcome.greeting'),
    en('orders.askNumber'),
  ]);
  assert.deepEqual(await say(server.url, 'ana-bf', 'SB-10001'), [en('verification.ask')]);
  assert.equal((await say(server.url, 'ana-bf', EMAIL)).length, 3, 'the order status');
  // Choosing a language is what the bot keeps about the customer (user state) on each channel.
  assert.deepEqual(await say(server.url, 'ana-bf', 'language'), [en('language.prompt')]);
  assert.equal((await say(server.url, 'ana-bf', 'English')).length, 2, 'changed, anything else?');
  assert.equal((await say(server.url, 'ana-bf', 'agent')).length, 1, 'queued');

  const web = await WebCustomer.start(server.url, secret, {
    user: { id: SHOP_USER },
    verified: { email: EMAIL, name: 'Ana García' },
  });
  await web.say('agent');
  await web.botSays(1);
  await web.say('my parcel SB-10001 is late');
  await web.botSays(1);
  const agent = await login(server.url, 'ana');
  const queue = await agent.get<{ cases: { id: number; channel: string }[] }>('/api/console/queue');
  const webCase = queue.body.cases.find((c) => c.channel === 'directline');
  assert.ok(webCase, JSON.stringify(queue.body));
  assert.equal((await agent.post(`/api/console/cases/${webCase.id}/claim`)).status, 200);
  await web.botSays(1);
  assert.equal(
    (await agent.post(`/api/console/cases/${webCase.id}/messages`, { text: 'Checking it now.' })).status,
    200,
  );
  await web.botSays(1);
  assert.equal(
    (await agent.post(`/api/console/cases/${webCase.id}/end`, { disposition: 'resolved' })).status,
    200,
  );
  await web.botSays(2);
  await web.say('5');
  await web.botSays(2);

  const webSpanish = await WebCustomer.start(server.url, secret, {
    user: { id: SHOP_USER },
    locale: 'es-ES',
  });
  const sayEs = (text: string) =>
    webSpanish.post({ type: 'message', text, locale: 'es-ES', from: { id: SHOP_USER } });
  await sayEs('idioma');
  await webSpanish.botSays(1);
  await sayEs('Español');
  await webSpanish.botSays(2);
  await sayEs('quiero hablar con un agente');
  await webSpanish.botSays(2); // closed, leave a message?
  await sayEs('sí');
  await webSpanish.botSays(1);
  await sayEs('llamadme mañana por la tarde, por favor');
  await webSpanish.botSays(1);

  // On Telegram she gives her email in a message (redacted in the transcript, the original sealed).
  let messageId = 1;
  const chat = String(TELEGRAM_USER.id);
  const onTelegram = async (text: string): Promise<void> => {
    const before = telegram.textsTo(chat).length;
    telegram.queueUpdate({
      message: {
        message_id: messageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: TELEGRAM_USER.id, type: 'private', first_name: TELEGRAM_USER.first_name },
        from: { ...TELEGRAM_USER, is_bot: false },
        text,
      },
    });
    await telegram.until(`a reply to "${text}"`, () => telegram.textsTo(chat).length > before);
  };
  await onTelegram('hello');
  await onTelegram(`my email is ${EMAIL}`);

  const other = await WebCustomer.start(server.url, secret, {
    user: { id: 'shop-user-9' },
    verified: { email: OTHER_EMAIL, name: 'Lucía Fernández' },
  });
  await other.say('agent');
  await other.botSays(1);
  assert.equal((await say(server.url, 'lucia-bf', 'hello')).length > 0, true);
  return { web, webSpanish, other };
}

/**
 * Rows of the handoff tables, wherever the server keeps them: `DATA_DIR/handoff.sqlite`, or the
 * shared PostgreSQL database with STORAGE=postgres. `sql` takes `?` parameters.
 */
async function handoffRows<T>(
  where: { file: string; postgresUrl?: string },
  sql: string,
  ...params: unknown[]
): Promise<T[]> {
  if (where.postgresUrl === undefined) {
    const db = new Database(where.file, { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: where.postgresUrl });
  await client.connect();
  try {
    let n = 0;
    const result = await client.query(
      sql.replace(/\?/g, () => `$${++n}`),
      params,
    );
    return result.rows as T[];
  } finally {
    await client.end();
  }
}

const backends: { name: string; env: (database?: TestDatabase) => Record<string, string> }[] = [
  { name: 'SQLite (the default)', env: () => ({}) },
  {
    name: 'PostgreSQL (STORAGE=postgres)',
    env: (database) => ({ STORAGE: 'postgres', DATABASE_URL: database!.url, REDIS_URL: TEST_REDIS_URL }),
  },
];

for (const backend of backends) {
  describe(`customers export and erase over three channels, ${backend.name}`, function () {
    this.timeout(120_000);
    let database: TestDatabase | undefined;
    let server: RunningServer;
    let env: Record<string, string>;
    let teamsFile: string;
    let telegram: FakeTelegramApi;

    before(async function () {
      if (backend.name.startsWith('PostgreSQL')) database = await createTestDatabase(this);
      teamsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-teams-')), 'teams.json');
      fs.writeFileSync(teamsFile, JSON.stringify(TEAMS));
      telegram = await FakeTelegramApi.start();
      env = {
        ...backend.env(database),
        DATA_DIR: makeDataDir(),
        HANDOFF_TEAMS_FILE: teamsFile,
        TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
        TELEGRAM_API_ROOT: telegram.url,
      };
      server = await startServer(env);
      const accounts = [
        { username: 'ana', role: 'agent', teams: ['support'] },
        { username: 'lena', role: 'lead', teams: [] },
        { username: 'root', role: 'admin', teams: [] },
      ] as const;
      for (const account of accounts) {
        await server.app.handoff.agents.create({
          ...account,
          teams: [...account.teams],
          name: account.username,
          password: PASSWORD,
        });
      }
    });

    after(async () => {
      await server?.app.close();
      await telegram?.close();
      if (env?.DATA_DIR) removeDataDir(env.DATA_DIR);
      if (teamsFile) fs.rmSync(path.dirname(teamsFile), { recursive: true, force: true });
      await database?.drop();
    });

    /** Every row of every store this backend uses, read directly. */
    const dump = async (): Promise<DumpedRow[]> => [
      ...dumpSqliteFiles(env.DATA_DIR!),
      ...(database ? await dumpPostgres(database.url) : []),
    ];

    it('exports every record of a handed-off customer from the web chat, Telegram and the Bot Framework route, then erases all of it; a second erase is a no-op', async () => {
      const { web, webSpanish, other } = await playCustomers(server, telegram);
      const admin = await login(server.url, 'root');
      const lead = await login(server.url, 'lena');
      const agent = await login(server.url, 'ana');

      // Only admins: leads and agents are refused, and so is a cookie request without CSRF.
      for (const session of [lead, agent] as ConsoleSession[]) {
        for (const route of ['export', 'erase']) {
          const refused = await session.post(`/api/console/customers/${route}`, { email: EMAIL });
          assert.equal(refused.status, 403, `${route} as ${session.cookie}`);
          assert.equal(refused.body.code, 'Forbidden');
        }
      }
      const noCsrf = await admin.post(
        '/api/console/customers/erase',
        { email: EMAIL },
        { 'x-csrf-token': 'nope' },
      );
      assert.equal(noCsrf.status, 403);
      assert.equal(noCsrf.body.code, 'CsrfRejected');
      const twoNames = await admin.post('/api/console/customers/export', {
        email: EMAIL,
        phone: '+34600111222',
      });
      assert.equal(twoNames.status, 400);
      assert.equal(twoNames.body.code, 'BadArgument');
      assert.equal(
        (await admin.post('/api/console/customers/export', { email: 'not an address' })).status,
        400,
      );

      const keys = [
        `test/ana-bf`,
        `directline/${web.conversationId}`,
        `directline/${webSpanish.conversationId}`,
        'telegram/4242',
      ];
      const exported = await admin.post<ExportAnswer>('/api/console/customers/export', { email: EMAIL });
      assert.equal(exported.status, 200, JSON.stringify(exported.body));
      assert.equal(exported.headers.get('cache-control'), 'no-store');
      const document = exported.body;
      assert.deepEqual(document.found.conversations, [...keys].sort());
      assert.ok(document.found.users.includes(`directline/${SHOP_USER}`), document.found.users.join());
      assert.ok(document.found.users.includes('test/user-ana-bf'), document.found.users.join());

      // Handoff: both cases, every transcript line of the three conversations, the ticket.
      const handoffTables = {
        file: path.join(env.DATA_DIR!, HANDOFF_DATABASE_FILE),
        postgresUrl: database?.url,
      };
      const inKeys = `conversation_key IN (${keys.map(() => '?').join(', ')})`;
      const { handoff, directLine, botState } = document.stores;
      assert.deepEqual(
        handoff.cases.map((c) => [c.conversationKey, c.state]).sort(),
        [
          ['test/ana-bf', 'queued'],
          [`directline/${web.conversationId}`, 'ended'],
        ].sort(),
      );
      assert.equal(
        handoff.transcript.length,
        Number(
          (
            await handoffRows<{ n: number | string }>(
              handoffTables,
              `SELECT COUNT(*) AS n FROM transcript WHERE ${inKeys}`,
              ...keys,
            )
          )[0]?.n,
        ),
      );
      assert.ok(handoff.transcript.length >= 10, `${handoff.transcript.length} lines`);
      const typedEmail = handoff.transcript.find(
        (line) => line.conversationKey === 'test/ana-bf' && line.text === '[email]',
      );
      assert.equal(typedEmail?.original, EMAIL, 'the sealed original is exported opened');
      assert.deepEqual(
        handoff.tickets.map((t) => t.conversationKey),
        [`directline/${webSpanish.conversationId}`],
      );
      assert.deepEqual(
        document.satisfaction.map((s) => s.rating),
        [5],
      );
      assert.deepEqual(document.references.orders, ['SB-10001']);

      // Direct Line: both conversations and every activity of them.
      assert.deepEqual(
        directLine.conversations.map((c) => c.id).sort(),
        [web.conversationId, webSpanish.conversationId].sort(),
      );
      const storedActivities = database
        ? (await dumpPostgres(database.url)).filter((row) => row.where === 'postgres/dl_activities')
        : dumpSqliteFiles(env.DATA_DIR!).filter((row) => row.where === 'directline.sqlite/dl_activities');
      const ours = storedActivities.filter(
        (row) => row.json.includes(web.conversationId) || row.json.includes(webSpanish.conversationId),
      );
      assert.equal(directLine.activities.length, ours.length);
      assert.ok(ours.length >= 15, `${ours.length} activities`);

      // Bot state: the users' profiles and the three conversations' state.
      assert.deepEqual(
        botState.userState.map((item) => item.key).sort(),
        [`directline/users/${SHOP_USER}/`, 'test/users/user-ana-bf/'].sort(),
      );
      assert.deepEqual(
        botState.conversationState.map((item) => item.key).sort(),
        keys.map((key) => key.replace('/', '/conversations/') + '/').sort(),
      );

      // The CLI exports the same document from the stores directly.
      const fromCli = await cli(env, 'customers', 'export', '--email', EMAIL.toUpperCase());
      assert.equal(fromCli.code, 0, fromCli.stderr);
      const cliDocument = JSON.parse(fromCli.stdout) as ExportAnswer;
      assert.deepEqual(cliDocument.counts, document.counts);
      assert.deepEqual(cliDocument.found, document.found);
      const outFile = path.join(env.DATA_DIR!, '..', `export-${process.pid}.json`);
      const toFile = await cli(
        env,
        'customers',
        'export',
        '--channel-user',
        'test:user-ana-bf',
        '--out',
        outFile,
      );
      assert.equal(toFile.code, 0, toFile.stderr);
      assert.equal(toFile.stdout, '');
      const byChannelUser = JSON.parse(fs.readFileSync(outFile, 'utf8')) as ExportAnswer;
      fs.rmSync(outFile);
      assert.deepEqual(byChannelUser.found.conversations, ['test/ana-bf']);

      const needles = [
        EMAIL,
        web.conversationId,
        webSpanish.conversationId,
        'ana-bf',
        SHOP_USER,
        'telegram/4242',
        'telegram/conversations/4242',
      ];
      const before = await dump();
      for (const needle of needles) {
        assert.ok(mentions(before, [needle]).length > 0, `the stores hold ${needle} before the erasure`);
      }

      // Erase with the CLI; nothing of hers is left in any store, Lucía's data is untouched.
      const erased = await cli(env, 'customers', 'erase', '--email', EMAIL);
      assert.equal(erased.code, 0, erased.stderr);
      const erasure = JSON.parse(erased.stdout) as { erased: Record<string, number>; total: number };
      assert.equal(erasure.total, document.total);
      assert.deepEqual(Object.keys(erasure.erased), ['botState', 'directLine', 'handoff']);
      const after = await dump();
      assert.deepEqual(mentions(after, needles), []);
      assert.ok(mentions(after, [OTHER_EMAIL]).length > 0, "Lucía's conversation is kept");
      assert.ok(mentions(after, [other.conversationId, 'lucia-bf']).length >= 4, "Lucía's records are kept");

      // Erasing again removes nothing and is audited again.
      const again = await admin.post<{ erased: Record<string, number>; total: number }>(
        '/api/console/customers/erase',
        {
          email: EMAIL,
        },
      );
      assert.equal(again.status, 200);
      assert.deepEqual(again.body.erased, { botState: 0, directLine: 0, handoff: 0 });
      assert.equal(again.body.total, 0);
      assert.equal((await admin.post('/api/console/customers/export', { email: EMAIL })).status, 404);
      const gone = await cli(env, 'customers', 'export', '--email', EMAIL);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /holds no data/);

      const audit = await handoffRows<{ actor: string; detail: string }>(
        handoffTables,
        "SELECT actor, detail FROM audit WHERE action = 'customerErased' ORDER BY id",
      );
      const sha256 = createHash('sha256').update(EMAIL).digest('hex');
      assert.deepEqual(
        audit.map((entry) => {
          const detail = JSON.parse(entry.detail) as { identity: unknown; total: number };
          return [entry.actor.startsWith('cli'), detail.identity, detail.total];
        }),
        [
          [true, { kind: 'email', sha256 }, document.total],
          [false, { kind: 'email', sha256 }, 0],
        ],
      );
      assert.equal(audit[1]?.actor, (await server.app.handoff.agents.find('root'))?.id);
    });
  });
}
