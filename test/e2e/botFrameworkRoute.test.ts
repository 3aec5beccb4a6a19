import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Activity } from 'botbuilder';
import sinon from 'sinon';
import { SUPPORTED_LOCALES } from '../../bot/config';
import { localesDir } from '../../bot/i18n';
import type { Recognizer } from '../../bot/language/recognizer';
import { TrainedRecognizer } from '../../bot/language/trainedRecognizer';
import { SqliteStorage } from '../../bot/storage';
import type { ConversationData } from '../../bot/state';
import { expectedText } from '../support/dialogTable';
import {
  customerMessage,
  makeDataDir,
  postActivity,
  removeDataDir,
  say,
  startServer,
  type RunningServer,
} from '../support/testServer';

const en = (key: Parameters<typeof expectedText>[1]) => expectedText('en', key);
const es = (key: Parameters<typeof expectedText>[1]) => expectedText('es', key);

describe('POST /api/messages (Bot Framework route)', () => {
  let server: RunningServer;
  const sandbox = sinon.createSandbox();

  afterEach(async () => {
    sandbox.restore();
    await server?.app.close();
    if (server) removeDataDir(server.dataDir);
  });

  describe('with the default configuration', () => {
    beforeEach(async () => {
      server = await startServer();
    });

    it('GET /healthz answers while the process is alive', async () => {
      const response = await fetch(`${server.url}/healthz`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'ok' });
    });

    it('GET /readyz reports storage open and the language model loaded', async () => {
      const response = await fetch(`${server.url}/readyz`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), {
        status: 'ready',
        checks: {
          storage: true,
          languageModel: true,
          shuttingDown: false,
          azureLanguage: { configured: false },
        },
      });
    });

    it('returns the replies in the HTTP response with deliveryMode expectReplies', async () => {
      assert.deepEqual(await say(server.url, 'c1', 'hello'), [en('welcome.greeting'), en('menu.prompt')]);
      assert.deepEqual(await say(server.url, 'c1', 'help'), [en('help.main'), en('menu.prompt')]);
    });

    it('answers in the locale the channel sends, falling back from es-MX to es', async () => {
      assert.deepEqual(await say(server.url, 'c-es', 'hola', { locale: 'es-MX' }), [
        es('welcome.greeting'),
        es('menu.prompt'),
      ]);
    });

    it('welcomes a customer who joins (conversationUpdate) and only once', async () => {
      const joined = {
        ...customerMessage('c-join', ''),
        type: 'conversationUpdate',
        text: undefined,
        membersAdded: [{ id: 'user-c-join' }],
      };
      const { status, body } = await postActivity(server.url, joined);
      assert.equal(status, 200);
      const texts = (body as { activities: Activity[] }).activities.map((a) => a.text);
      assert.deepEqual(texts, [en('welcome.greeting'), en('menu.prompt')]);
      assert.deepEqual(await say(server.url, 'c-join', 'hello'), [en('menu.prompt')]);
    });

    const badRequests: [name: string, body: string, status: number, code: string][] = [
      ['malformed JSON', '{"type": "message",', 400, 'InvalidContent'],
      ['a JSON array', '[]', 400, 'BadActivity'],
      [
        'an activity without type',
        JSON.stringify({ ...customerMessage('c', 'x'), type: undefined }),
        400,
        'BadActivity',
      ],
      [
        'an activity without conversation.id',
        JSON.stringify({ ...customerMessage('c', 'x'), conversation: {} }),
        400,
        'BadActivity',
      ],
      [
        'an activity without channelId',
        JSON.stringify({ ...customerMessage('c', 'x'), channelId: '' }),
        400,
        'BadActivity',
      ],
      [
        'a body over 256 KB',
        JSON.stringify(customerMessage('c', 'x'.repeat(300 * 1024))),
        413,
        'PayloadTooLarge',
      ],
    ];
    for (const [name, body, status, code] of badRequests) {
      it(`answers ${name} with ${status} and a JSON error, and keeps serving`, async () => {
        const response = await postActivity(server.url, body);
        assert.equal(response.status, status);
        assert.equal((response.body as { code: string }).code, code);
        assert.equal(typeof (response.body as { message: string }).message, 'string');
        assert.deepEqual(await say(server.url, 'after-bad', 'hello'), [
          en('welcome.greeting'),
          en('menu.prompt'),
        ]);
      });
    }

    // Wrong types never reach a turn: each would otherwise crash it (locale.trim) or get the apology.
    const wrongTypes: [field: string, extra: Record<string, unknown>, message: string][] = [
      ['type', { type: 7 }, 'activity.type must be a string'],
      ['channelId', { channelId: ['test'] }, 'activity.channelId must be a string'],
      ['conversation.id', { conversation: { id: 1 } }, 'activity.conversation.id must be a string'],
      ['from.id', { from: { id: { x: 1 } } }, 'activity.from.id must be a string'],
      ['from (missing)', { from: undefined }, 'activity.from is required'],
      ['text', { text: 12345 }, 'activity.text must be a string'],
      ['locale', { locale: { x: 1 } }, 'activity.locale must be a string'],
      ['id', { id: 42 }, 'activity.id must be a string'],
      ['serviceUrl', { serviceUrl: false }, 'activity.serviceUrl must be a string'],
      ['attachments', { attachments: { contentType: 'image/png' } }, 'activity.attachments must be an array'],
      ['attachments[0]', { attachments: [null] }, 'activity.attachments[0] must be an object'],
      ['membersAdded', { membersAdded: [{ id: 3 }] }, 'activity.membersAdded[0].id must be a string'],
    ];
    for (const [field, extra, message] of wrongTypes) {
      it(`answers a wrong ${field} with 400 BadActivity naming the field, and runs no turn`, async () => {
        const turns = sandbox.spy(server.app.bot, 'run');
        const response = await postActivity(server.url, { ...customerMessage('typed', 'hello'), ...extra });
        assert.equal(response.status, 400);
        assert.deepEqual(response.body, { code: 'BadActivity', message });
        assert.equal(turns.callCount, 0);
      });
    }

    it('accepts unknown fields and any JSON value, and answers the message', async () => {
      const replies = await say(server.url, 'extras', 'hello', {
        value: { rating: [1, null, { deep: true }] },
        channelData: { tenant: { id: 't1' } },
        ...({ semanticAction: { id: 'x', entities: {} } } as Record<string, unknown>),
      });
      assert.deepEqual(replies, [en('welcome.greeting'), en('menu.prompt')]);
    });

    it('answers an unknown route with 404 JSON and keeps serving', async () => {
      const response = await fetch(`${server.url}/no/such/route`);
      assert.equal(response.status, 404);
      assert.equal(((await response.json()) as { code: string }).code, 'ResourceNotFound');
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    });

    it('keeps different conversations independent', async () => {
      const [a, b] = await Promise.all([
        say(server.url, 'a', 'hello'),
        say(server.url, 'b', 'hola', { locale: 'es' }),
      ]);
      assert.deepEqual(a, [en('welcome.greeting'), en('menu.prompt')]);
      assert.deepEqual(b, [es('welcome.greeting'), es('menu.prompt')]);
    });
  });

  it('runs 20 concurrent messages of one conversation one at a time with consistent state', async () => {
    // Turns that wait on I/O (here the recognizer, as a remote language service would) are where
    // concurrent turns of one conversation interleave and lose each other's state.
    const real = TrainedRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES);
    const remote: Recognizer = {
      ready: true,
      recognize: async (text, locale) => {
        await sleep(1 + Math.floor(Math.random() * 10));
        return real.recognize(text, locale);
      },
    };
    server = await startServer({}, { recognizer: remote });
    const replies = await Promise.all(Array.from({ length: 20 }, () => say(server.url, 'busy', 'help')));
    // Each turn read the state the previous one saved: exactly one saw a new conversation.
    const welcomes = replies.filter((texts) => texts[0] === en('welcome.greeting'));
    assert.equal(welcomes.length, 1);
    for (const texts of replies) assert.deepEqual(texts.slice(-2), [en('help.main'), en('menu.prompt')]);

    await server.app.close();
    const storage = new SqliteStorage(path.join(server.dataDir, 'state.sqlite'));
    try {
      const items = await storage.read(['test/conversations/busy/']);
      const data = (items['test/conversations/busy/'] as { conversationData: ConversationData })
        .conversationData;
      assert.equal(data.turns, 20);
      assert.equal(data.welcomed, true);
    } finally {
      storage.close();
    }
  });

  it('resumes a conversation where it was after a restart on the same DATA_DIR', async () => {
    const dataDir = makeDataDir();
    server = await startServer({ DATA_DIR: dataDir });
    await say(server.url, 'resume', 'hello');
    assert.deepEqual(await say(server.url, 'resume', 'language'), [en('language.prompt')]);
    await server.app.close();

    server = await startServer({ DATA_DIR: dataDir });
    // The language prompt is still waiting for an answer.
    assert.deepEqual(await say(server.url, 'resume', 'Español'), [
      es('language.changed'),
      es('menu.anythingElse'),
    ]);
    assert.deepEqual(await say(server.url, 'resume', 'hello'), [es('menu.prompt')]);
  });

  it('keeps state in memory with STORAGE=memory', async () => {
    server = await startServer({ STORAGE: 'memory' });
    await say(server.url, 'mem', 'hello');
    assert.deepEqual(await say(server.url, 'mem', 'hello'), [en('menu.prompt')]);
  });

  it("apologizes in the customer's language when a turn fails, and the conversation goes on", async () => {
    const real = TrainedRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES);
    const failing: Recognizer = {
      ready: true,
      recognize: (text, locale) =>
        text === 'boom' ? Promise.reject(new Error('recognizer exploded')) : real.recognize(text, locale),
    };
    server = await startServer({}, { recognizer: failing });
    const logged = sandbox.spy(server.app.logger, 'error');
    await say(server.url, 'err', 'hola', { locale: 'es' });
    assert.deepEqual(await say(server.url, 'err', 'idioma', { locale: 'es' }), [es('language.prompt')]);
    assert.deepEqual(await say(server.url, 'err', 'boom', { locale: 'es' }), [es('errors.generic')]);
    assert.ok(logged.calledWithMatch({ err: sinon.match.instanceOf(Error) }, 'turn failed'));
    // The failed dialog stack was dropped: the next message starts clean.
    assert.deepEqual(await say(server.url, 'err', 'ayuda', { locale: 'es' }), [
      es('help.main'),
      es('menu.prompt'),
    ]);
  });

  it('enforces Bot Framework authentication when MicrosoftAppId is set', async () => {
    server = await startServer({
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppPassword: 'pw',
    });
    const anonymous = await postActivity(server.url, customerMessage('auth', 'hello'));
    assert.equal(anonymous.status, 401);
    assert.equal((anonymous.body as { code: string }).code, 'Unauthorized');
    const forged = await postActivity(server.url, customerMessage('auth', 'hello'), {
      authorization: 'Bearer not.a.jwt',
    });
    assert.equal(forged.status, 401);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  it('close() does not wait forever for a client that holds a request open', async () => {
    server = await startServer();
    const { port } = new URL(server.url);
    // A request whose body never arrives: the connection stays active, never idle.
    const socket = net.connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write('POST /api/messages HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{');
    socket.resume(); // read (and drop) what the server answers, so the socket sees its end
    const ended = once(socket, 'close');
    await server.app.close();
    await ended;
    assert.equal(server.app.isReady(), false);
  });

  it('close() lets an in-flight turn finish, then refuses connections and closes storage', async () => {
    const real = TrainedRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered: () => void = () => undefined;
    const turnStarted = new Promise<void>((resolve) => (entered = resolve));
    const slow: Recognizer = {
      ready: true,
      recognize: async (text, locale) => {
        if (text === 'slow') {
          entered();
          await gate;
        }
        return real.recognize(text, locale);
      },
    };
    server = await startServer({}, { recognizer: slow });
    const inFlight = say(server.url, 'drain', 'slow');
    await turnStarted;
    const closed = server.app.close();
    await sleep(50);
    assert.equal(server.app.stateStore.isOpen(), true, 'storage must stay open while a turn runs');
    release();
    assert.deepEqual(await inFlight, [en('welcome.greeting'), en('main.notUnderstood')]);
    await closed;
    assert.equal(server.app.stateStore.isOpen(), false);
    await assert.rejects(fetch(`${server.url}/healthz`));
  });
});
