import assert from 'node:assert/strict';
import { createAccounts, login, type ConsoleSession } from '../handoff/consoleFixture';
import { eventually } from '../support/polling';
import { removeDataDir, say, startServer, type RunningServer } from '../support/testServer';
import type { AgentRole } from '../../handoff/agentDirectory';

const GREETING = 'welcome.greeting';
const NEW_GREETING = '¡Hola! Soy el asistente de la tienda. Escribe "agente" para hablar con una persona.';
/** "When will the courier finally come": not understood by the shipped examples. */
const LATVIAN_PHRASE = 'kad beidzot atbrauks kurjers';

interface ContentView {
  locale: string;
  texts: Record<string, string>;
  intents: Record<string, string[]>;
  faq: { id: string; questions: string[]; answer: string }[];
  changed: { texts: string[]; intents: string[]; faq: string[] };
}
interface HistoryEntry {
  id: number;
  at: string;
  actor: string;
  locale: string;
  kind: string;
  key: string;
  before: unknown;
  after: unknown;
  revertOf?: number;
}

async function account(server: RunningServer, username: string, role: AgentRole): Promise<ConsoleSession> {
  await createAccounts(server.app.handoff.agents, [[username, role]]);
  return login(server.url, username);
}

describe('content studio API', function () {
  this.timeout(60_000);
  let server: RunningServer;
  let lead: ConsoleSession;
  let agent: ConsoleSession;
  let admin: ConsoleSession;

  beforeEach(async () => {
    server = await startServer();
    lead = await account(server, 'lena', 'lead');
    agent = await account(server, 'ana', 'agent');
    admin = await account(server, 'root', 'admin');
  });
  afterEach(async () => {
    await server.app.close();
    removeDataDir(server.dataDir);
  });

  const recognize = async (text: string, locale: string) =>
    (
      await lead.post<{ intent: string; score: number; locale: string }>('/api/console/recognize', {
        text,
        locale,
      })
    ).body;

  it('is for leads and admins: agents get 403, strangers 401, every route', async () => {
    const routes: [method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown][] = [
      ['GET', '/api/console/content/es'],
      ['PUT', `/api/console/content/es/texts/${GREETING}`, { text: 'x' }],
      ['PUT', '/api/console/content/lv/intents/orderStatus', { examples: ['x'] }],
      ['PUT', '/api/console/content/zh-CN/faq/gift-wrap', { questions: ['x'], answer: 'y' }],
      ['DELETE', '/api/console/content/zh-CN/faq/gift-wrap'],
      ['POST', '/api/console/recognize', { text: 'hola', locale: 'es' }],
      ['GET', '/api/console/content/history'],
      ['POST', '/api/console/content/history/1/revert'],
      ['GET', '/api/console/unrecognized'],
      ['POST', '/api/console/unrecognized/1/assign', { intent: 'orderStatus' }],
      ['POST', '/api/console/unrecognized/1/dismiss'],
    ];
    for (const [method, path, body] of routes) {
      const asAgent = method === 'GET' ? await agent.get(path) : await agent.send(method, path, body);
      assert.equal(asAgent.status, 403, `${method} ${path} as an agent`);
      const anonymous = await fetch(`${server.url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      assert.equal(anonymous.status, 401, `${method} ${path} without a session`);
    }
    assert.equal((await admin.get('/api/console/content/es')).status, 200);
  });

  it('GET /content/:locale gives every text, the intents and the FAQ; 404 for an unknown locale', async () => {
    const { status, body } = await lead.get<ContentView>('/api/console/content/lv');
    assert.equal(status, 200);
    assert.equal(body.locale, 'lv');
    assert.match(body.texts[GREETING] ?? '', /\S/);
    assert.ok(body.intents.orderStatus?.includes('kur ir mans pasūtījums'));
    assert.ok(Array.isArray(body.faq));
    assert.deepEqual(body.changed, { texts: [], intents: [], faq: [] });
    const unknown = await lead.get('/api/console/content/fr');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'NotFound');
    // Names every JavaScript object has are no locale either.
    for (const name of ['constructor', '__proto__', 'toString']) {
      assert.equal((await lead.get(`/api/console/content/${name}`)).status, 404, name);
      assert.equal(
        (await lead.send('PUT', `/api/console/content/${name}/texts/x`, { text: 'x' })).status,
        404,
      );
      assert.equal((await lead.get(`/api/console/unrecognized?locale=${name}`)).status, 400, name);
    }
  });

  it('a Spanish sentence changed is what the next Spanish conversation reads, and is in the history', async () => {
    const saved = await lead.send('PUT', `/api/console/content/es/texts/${GREETING}`, { text: NEW_GREETING });
    assert.equal(saved.status, 200);
    assert.deepEqual(saved.body, { key: GREETING, text: NEW_GREETING });
    const replies = await say(server.url, 'spanish-after-edit', 'hola', { locale: 'es-ES' });
    assert.equal(replies[0], NEW_GREETING);
    const english = await say(server.url, 'english-after-edit', 'hello', { locale: 'en-US' });
    assert.notEqual(english[0], NEW_GREETING);

    const content = (await lead.get<ContentView>('/api/console/content/es')).body;
    assert.deepEqual(content.changed.texts, [GREETING]);
    const { entries } = (
      await lead.get<{ entries: HistoryEntry[] }>('/api/console/content/history?locale=es')
    ).body;
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.actor, 'lena');
    assert.equal(entries[0]?.kind, 'text');
    assert.equal(entries[0]?.key, GREETING);
    assert.equal(entries[0]?.after, NEW_GREETING);
    assert.match(String(entries[0]?.before), /asistente automático/);
    assert.ok(!Number.isNaN(Date.parse(entries[0]?.at ?? '')));
  });

  it('refuses texts that break the rules of `locales check` with 422 and the problems; 404 for an unknown key', async () => {
    const lost = await lead.send('PUT', '/api/console/content/es/texts/handoff.queued', {
      text: 'Espera, por favor.',
    });
    assert.equal(lost.status, 422);
    assert.equal(lost.body.code, 'InvalidContent');
    assert.ok(
      (lost.body.problems as string[]).some((problem) => /handoff\.queued/.test(problem)),
      JSON.stringify(lost.body),
    );
    const empty = await lead.send('PUT', `/api/console/content/es/texts/${GREETING}`, { text: '   ' });
    assert.equal(empty.status, 422);
    assert.ok((empty.body.problems as string[]).some((problem) => /empty text/.test(problem)));
    const unknown = await lead.send('PUT', '/api/console/content/es/texts/no.such.key', { text: 'hola' });
    assert.equal(unknown.status, 404);
    const notText = await lead.send('PUT', `/api/console/content/es/texts/${GREETING}`, { text: 42 });
    assert.equal(notText.status, 400);
    const notJson = await fetch(`${server.url}/api/console/content/es/texts/${GREETING}`, {
      method: 'PUT',
      headers: { cookie: lead.cookie, 'x-csrf-token': lead.csrfToken, 'content-type': 'text/plain' },
      body: 'hola',
    });
    assert.equal(notJson.status, 415);
    // Nothing refused reached the history.
    const { entries } = (await lead.get<{ entries: HistoryEntry[] }>('/api/console/content/history')).body;
    assert.equal(entries.length, 0);
  });

  it('a new Latvian way of asking for an order is understood at once', async () => {
    const before = await recognize(LATVIAN_PHRASE, 'lv');
    assert.notEqual(before.intent, 'orderStatus', `already understood: ${JSON.stringify(before)}`);
    const current = (await lead.get<ContentView>('/api/console/content/lv')).body.intents.orderStatus ?? [];
    const saved = await lead.send('PUT', '/api/console/content/lv/intents/orderStatus', {
      examples: [...current, LATVIAN_PHRASE],
    });
    assert.equal(saved.status, 200);
    const after = await recognize(LATVIAN_PHRASE, 'lv');
    assert.equal(after.intent, 'orderStatus');
    assert.ok(after.score >= 0.9);
    // And the bot acts on it: the order-status task asks for the number, in Latvian.
    const replies = await say(server.url, 'latvian-order', LATVIAN_PHRASE, { locale: 'lv' });
    const askNumber = (await lead.get<ContentView>('/api/console/content/lv')).body.texts['orders.askNumber'];
    assert.ok(replies.includes(askNumber ?? '?'), JSON.stringify(replies));
  });

  it('refuses intent examples that break a rule, and unknown intents', async () => {
    const none = await lead.send('PUT', '/api/console/content/lv/intents/orderStatus', { examples: [] });
    assert.equal(none.status, 422);
    const stolen = await lead.send('PUT', '/api/console/content/en/intents/orderStatus', {
      examples: ['where is my order', 'talk to a person'],
    });
    assert.equal(stolen.status, 422);
    assert.ok(
      (stolen.body.problems as string[]).some((problem) => /both/.test(problem)),
      JSON.stringify(stolen.body),
    );
    const unknown = await lead.send('PUT', '/api/console/content/en/intents/weather', {
      examples: ['rain?'],
    });
    assert.equal(unknown.status, 404);
    const bad = await lead.send('PUT', '/api/console/content/en/intents/greeting', { examples: 'hi' });
    assert.equal(bad.status, 400);
  });

  it('FAQ entries are added, changed and deleted; bad ids and answers are refused', async () => {
    const entry = {
      questions: ['可以礼品包装吗', '有没有礼品包装'],
      answer: '可以，结账时选择“礼品包装”即可，免费。',
    };
    const created = await lead.send('PUT', '/api/console/content/zh-CN/faq/gift-wrap', entry);
    assert.equal(created.status, 200);
    assert.deepEqual(created.body, { id: 'gift-wrap', ...entry });
    let faq = (await lead.get<ContentView>('/api/console/content/zh-CN')).body.faq;
    assert.deepEqual(
      faq.find((candidate) => candidate.id === 'gift-wrap'),
      { id: 'gift-wrap', ...entry },
    );
    const badId = await lead.send('PUT', '/api/console/content/zh-CN/faq/Gift_Wrap', entry);
    assert.equal(badId.status, 422);
    const intentName = await lead.send('PUT', '/api/console/content/zh-CN/faq/help', entry);
    assert.equal(intentName.status, 422);
    const noAnswer = await lead.send('PUT', '/api/console/content/zh-CN/faq/gift-wrap', {
      ...entry,
      answer: ' ',
    });
    assert.equal(noAnswer.status, 400);
    const repeated = await lead.send('PUT', '/api/console/content/zh-CN/faq/gift-wrap', {
      ...entry,
      questions: ['礼品包装', '礼品包装'],
    });
    assert.equal(repeated.status, 422);
    assert.equal((await lead.send('DELETE', '/api/console/content/zh-CN/faq/gift-wrap')).status, 204);
    faq = (await lead.get<ContentView>('/api/console/content/zh-CN')).body.faq;
    assert.equal(
      faq.find((candidate) => candidate.id === 'gift-wrap'),
      undefined,
    );
    assert.equal((await lead.send('DELETE', '/api/console/content/zh-CN/faq/gift-wrap')).status, 404);
  });

  it('history is newest first and a revert puts the shipped text back, itself in the history', async () => {
    const shipped = (await lead.get<ContentView>('/api/console/content/es')).body.texts[GREETING];
    await lead.send('PUT', `/api/console/content/es/texts/${GREETING}`, { text: NEW_GREETING });
    await lead.send('PUT', `/api/console/content/es/texts/${GREETING}`, {
      text: `${NEW_GREETING} ¿Qué tal?`,
    });
    let { entries } = (await lead.get<{ entries: HistoryEntry[] }>('/api/console/content/history?locale=es'))
      .body;
    assert.deepEqual(
      entries.map((entry) => entry.after),
      [`${NEW_GREETING} ¿Qué tal?`, NEW_GREETING],
    );
    const first = entries[1]!;
    const reverted = await admin.post(`/api/console/content/history/${first.id}/revert`);
    assert.equal(reverted.status, 200);
    assert.equal((await lead.get<ContentView>('/api/console/content/es')).body.texts[GREETING], shipped);
    assert.equal((await say(server.url, 'after-revert', 'hola', { locale: 'es' }))[0], shipped);
    ({ entries } = (await lead.get<{ entries: HistoryEntry[] }>('/api/console/content/history')).body);
    assert.equal(entries[0]?.revertOf, first.id);
    assert.equal(entries[0]?.actor, 'root');
    assert.equal(entries[0]?.after, shipped);
    assert.deepEqual((await lead.get<ContentView>('/api/console/content/es')).body.changed.texts, []);
    assert.equal((await lead.post('/api/console/content/history/9999/revert')).status, 404);
    assert.equal((await lead.post('/api/console/content/history/abc/revert')).status, 404);
    assert.equal((await lead.get('/api/console/content/history?locale=xx')).status, 400);
  });

  it('an FAQ entry added and an intent taught are reverted too: the entry is gone, the phrase no longer understood', async () => {
    const entry = {
      questions: ['可以礼品包装吗', '有没有礼品包装'],
      answer: '可以，结账时选择“礼品包装”即可。',
    };
    await lead.send('PUT', '/api/console/content/zh-CN/faq/gift-wrap', entry);
    const examples = (await lead.get<ContentView>('/api/console/content/lv')).body.intents.orderStatus ?? [];
    await lead.send('PUT', '/api/console/content/lv/intents/orderStatus', {
      examples: [...examples, LATVIAN_PHRASE],
    });
    assert.equal((await recognize(LATVIAN_PHRASE, 'lv')).intent, 'orderStatus');
    const { entries } = (await lead.get<{ entries: HistoryEntry[] }>('/api/console/content/history')).body;
    const [taught, added] = entries;
    assert.equal(taught?.kind, 'intent');
    assert.equal(added?.kind, 'faq');
    assert.equal(added?.before, null);
    assert.equal((await lead.post(`/api/console/content/history/${taught.id}/revert`)).status, 200);
    assert.notEqual((await recognize(LATVIAN_PHRASE, 'lv')).intent, 'orderStatus');
    assert.equal((await lead.post(`/api/console/content/history/${added.id}/revert`)).status, 200);
    const faq = (await lead.get<ContentView>('/api/console/content/zh-CN')).body.faq;
    assert.equal(
      faq.find((candidate) => candidate.id === 'gift-wrap'),
      undefined,
    );
    const changed = (await lead.get<ContentView>('/api/console/content/lv')).body.changed;
    assert.deepEqual(changed.intents, []);
  });

  it('POST /recognize answers as `cli recognize` does and checks its input', async () => {
    const result = await lead.post('/api/console/recognize', { text: 'dónde está mi pedido', locale: 'es' });
    assert.equal(result.status, 200);
    assert.deepEqual(Object.keys(result.body).sort(), [
      'detectedLocale',
      'entities',
      'intent',
      'locale',
      'score',
      'text',
    ]);
    assert.equal(result.body.intent, 'orderStatus');
    assert.equal((await lead.post('/api/console/recognize', { text: '' })).status, 400);
    assert.equal((await lead.post('/api/console/recognize', { text: 'hi', locale: 'fr' })).status, 400);
  });

  it('an FAQ answer a lead adds in Chinese is what the next customer asking it gets', async () => {
    const entry = {
      questions: ['可以礼品包装吗', '有没有礼品包装', '能帮我包装成礼物吗', '礼品包装多少钱'],
      answer: '可以，结账时选择“礼品包装”即可，免费。',
    };
    assert.equal((await lead.send('PUT', '/api/console/content/zh-CN/faq/gift-wrap', entry)).status, 200);
    const replies = await say(server.url, 'chinese-faq', '可以礼品包装吗', { locale: 'zh-CN' });
    assert.ok(replies.includes(entry.answer), JSON.stringify(replies));
    const recognized = await recognize('有没有礼品包装？', 'zh-CN');
    assert.equal(recognized.intent, 'gift-wrap');
  });

  it('a message the bot does not understand reaches the inbox, redacted, counted with its repeats', async () => {
    await say(server.url, 'puzzled-1', 'my cat likes the blue one, mail me at ana.lopez@example.com');
    await say(server.url, 'puzzled-2', 'My cat likes the blue one! Mail me at bo@example.org');
    await eventually(async () => {
      const { items } = (
        await lead.get<{ items: { text: string; count: number; locale: string }[] }>(
          '/api/console/unrecognized?locale=en',
        )
      ).body;
      return items.length === 1 && items[0]?.count === 2;
    }, 'both messages counted as one item');
    const [item] = (await lead.get<{ items: { text: string }[] }>('/api/console/unrecognized')).body.items;
    assert.doesNotMatch(item?.text ?? '', /@example/);
    assert.match(item?.text ?? '', /My cat likes the blue one/);
  });

  it('unrecognized messages are grouped, redacted, assigned to an intent or an FAQ entry, or dismissed', async () => {
    const { inbox } = server.app.content;
    const now = Date.now();
    assert.notEqual((await recognize(`${LATVIAN_PHRASE}?`, 'lv')).intent, 'orderStatus');
    await inbox.record(LATVIAN_PHRASE, 'lv', now);
    await inbox.record('Kad beidzot atbrauks kurjers?', 'lv', now + 1);
    await inbox.record('mana kaķa vārds ir Muris', 'lv', now + 2);
    let { items } = (
      await lead.get<{ items: { id: number; text: string; count: number; lastSeen: string }[] }>(
        '/api/console/unrecognized?locale=lv',
      )
    ).body;
    assert.equal(items.length, 2);
    assert.equal(items[0]?.count, 2);
    assert.equal(items[0]?.text, 'Kad beidzot atbrauks kurjers?');
    const assigned = await lead.post(`/api/console/unrecognized/${items[0].id}/assign`, {
      intent: 'orderStatus',
    });
    assert.equal(assigned.status, 200);
    assert.equal((await recognize('kad beidzot atbrauks kurjers', 'lv')).intent, 'orderStatus');
    const dismissed = await lead.post(`/api/console/unrecognized/${items[1]!.id}/dismiss`);
    assert.equal(dismissed.status, 200);
    ({ items } = (await lead.get<{ items: { id: number }[] }>('/api/console/unrecognized?locale=lv'))
      .body as never);
    assert.equal(items.length, 0);
    assert.equal(
      (await lead.post(`/api/console/unrecognized/${assigned.body.id as number}/dismiss`)).status,
      404,
    );
    await inbox.record('mana kaķa vārds ir Muris', 'lv', now + 3);
    assert.equal((await lead.get<{ items: unknown[] }>('/api/console/unrecognized')).body.items.length, 0);
    await inbox.record('vai var maksāt ar čeku', 'lv', now + 4);
    const [cheque] = (await lead.get<{ items: { id: number }[] }>('/api/console/unrecognized')).body.items;
    const wrong = await lead.post(`/api/console/unrecognized/${cheque!.id}/assign`, {
      intent: 'orderStatus',
      faq: 'x',
    });
    assert.equal(wrong.status, 400);
    const noFaq = await lead.post(`/api/console/unrecognized/${cheque!.id}/assign`, { faq: 'no-such-entry' });
    assert.equal(noFaq.status, 404);
  });
});
