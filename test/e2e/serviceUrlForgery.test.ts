import assert from 'node:assert/strict';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { once } from 'node:events';
import net, { type AddressInfo, type Socket } from 'node:net';
import sinon from 'sinon';
import { expectedText } from '../support/dialogTable';
import { silentLogger } from '../../bot/logger';
import { PASSWORD, login } from '../handoff/consoleFixture';
import { WebCustomer } from '../support/webCustomer';
import {
  customerMessage,
  webOf,
  postActivity,
  removeDataDir,
  say,
  startServer,
  type RunningServer,
} from '../support/testServer';

const en = (key: Parameters<typeof expectedText>[1]) => expectedText('en', key);

/** A plain HTTP listener that records what reaches it; `answer` decides how (or whether) it replies. */
class Listener {
  readonly requests: { method: string; url: string; body: string }[] = [];
  readonly sockets = new Set<Socket>();
  private readonly server: http.Server;

  constructor(private readonly answer: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', url: req.url ?? '', body });
        this.answer(req, res, body);
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(host: string): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, host, resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://${host}:${port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A Bot Framework connector stand-in: accepts every reply like the Emulator does. */
function connector(): Listener {
  return new Listener((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: `reply-${Math.random().toString(36).slice(2)}` }));
  });
}

/** A customer message whose replies go to `serviceUrl` (the Bot Framework's normal delivery). */
function posted(conversationId: string, text: string, serviceUrl: string) {
  return customerMessage(conversationId, text, { serviceUrl, deliveryMode: 'normal' });
}

describe('Bot Framework service URLs without MicrosoftAppId', () => {
  let server: RunningServer | undefined;
  const listeners: Listener[] = [];
  const sandbox = sinon.createSandbox();

  afterEach(async () => {
    sandbox.restore();
    await server?.app.close();
    if (server) removeDataDir(server.dataDir);
    server = undefined;
    await Promise.all(listeners.splice(0).map((listener) => listener.close()));
  });

  it('POST /api/messages refuses a service URL outside the allow-list with 403 and sends it nothing', async () => {
    server = await startServer();
    const target = connector();
    listeners.push(target);
    // 127.0.0.2 is loopback too, but not in the default allow-list (localhost and 127.0.0.1).
    const url = await target.listen('127.0.0.2');
    const response = await postActivity(server.url, posted('forged', 'hello', `${url}/internal/admin?x=`));
    assert.equal(response.status, 403);
    assert.equal((response.body as { code: string }).code, 'ServiceUrlNotAllowed');
    assert.match((response.body as { message: string }).message, /BOTFRAMEWORK_SERVICE_URLS/);
    // No turn ran: the conversation is new when the customer really starts it.
    assert.deepEqual(await say(server.url, 'forged', 'hello'), [en('welcome.greeting'), en('menu.prompt')]);
    assert.deepEqual(target.requests, []);
  });

  it('posts replies to an allowed service URL (the Emulator on loopback)', async () => {
    server = await startServer();
    const emulator = connector();
    listeners.push(emulator);
    const url = await emulator.listen('127.0.0.1');
    const response = await postActivity(server.url, posted('emu', 'hello', url));
    assert.equal(response.status, 200);
    const texts = emulator.requests.map((request) => (JSON.parse(request.body) as { text: string }).text);
    assert.deepEqual(texts, [en('welcome.greeting'), en('menu.prompt')]);
    assert.ok(
      emulator.requests.every((request) => request.url.startsWith('/v3/conversations/emu/activities')),
    );
  });

  it('BOTFRAMEWORK_SERVICE_URLS replaces the default allow-list', async () => {
    const other = connector();
    listeners.push(other);
    const url = await other.listen('127.0.0.2');
    server = await startServer({ BOTFRAMEWORK_SERVICE_URLS: `${url}/bf/*` });
    assert.equal((await postActivity(server.url, posted('a', 'hello', `${url}/bf/`))).status, 200);
    assert.equal((await postActivity(server.url, posted('b', 'hello', `${url}/admin`))).status, 403);
    assert.equal((await postActivity(server.url, posted('c', 'hello', 'http://127.0.0.1:9'))).status, 403);
    assert.ok(other.requests.length > 0 && other.requests.every((request) => request.url.startsWith('/bf/')));
  });

  it('a silent service URL holds the conversation only until the deadline, and is not retried after it', async () => {
    server = await startServer({ BOTFRAMEWORK_TIMEOUT_MS: '300' });
    const silent = new Listener(() => undefined); // accepts the request and never answers
    listeners.push(silent);
    const url = await silent.listen('127.0.0.1');
    const stuck = postActivity(server.url, posted('slow', 'hello', url));
    // The next turn of the same conversation waits for the first one; it must get through.
    const next = await say(server.url, 'slow', 'help');
    assert.deepEqual(next.slice(-2), [en('help.main'), en('menu.prompt')]);
    assert.equal((await stuck).status, 200);
    // One attempt for the first reply; the apology is not tried through the broken channel.
    assert.equal(silent.requests.length, 1);
    // The bot gave up the connection at the deadline (the listener itself never closes it).
    await Promise.all([...silent.sockets].map((socket) => once(socket, 'close')));
  });

  it('a service URL that drops every connection is not retried past the deadline', async () => {
    server = await startServer({ BOTFRAMEWORK_TIMEOUT_MS: '300' });
    // Resets every connection at once: a network error botbuilder's pipeline retries (three
    // times, about 0.8 s, 1.6 s and 3.2 s apart) unless the deadline stops it first.
    let connections = 0;
    const dropper = net.createServer((socket) => {
      connections += 1;
      socket.resetAndDestroy();
    });
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = dropper.address() as AddressInfo;
      const dropped = postActivity(server.url, posted('dead', 'hello', `http://127.0.0.1:${port}`));
      const next = await say(server.url, 'dead', 'help');
      assert.deepEqual(next.slice(-2), [en('help.main'), en('menu.prompt')]);
      assert.equal((await dropped).status, 200);
      assert.equal(
        connections,
        1,
        'one attempt, no retry after the deadline, no apology through the same channel',
      );
    } finally {
      await new Promise<void>((resolve) => dropper.close(() => resolve()));
    }
  });

  it("POST /api/messages refuses an activity claiming one of Switchboard's own channels", async () => {
    server = await startServer();
    const victim = await WebCustomer.start(server.url, webOf(server.app).settings.secret);
    const response = await postActivity(
      server.url,
      customerMessage(victim.conversationId, 'agent', { channelId: 'directline' }),
    );
    assert.equal(response.status, 403);
    assert.equal((response.body as { code: string }).code, 'ChannelNotServed');
    assert.equal(await server.app.handoff.store.activeCase(`directline/${victim.conversationId}`), undefined);
    // Channel ids no Switchboard channel serves are still Bot Framework channels.
    assert.deepEqual(await say(server.url, victim.conversationId, 'hello', { channelId: 'msteams' }), [
      en('welcome.greeting'),
      en('menu.prompt'),
    ]);
  });

  it('warns at start when it runs without MicrosoftAppId on an address other than loopback', async () => {
    for (const [env, warned] of [
      [{}, true],
      [{ HOST: '127.0.0.1' }, false],
      [{ MicrosoftAppId: 'app', MicrosoftAppPassword: 'secret' }, false],
    ] as const) {
      const logger = silentLogger();
      const warn = sandbox.spy(logger, 'warn');
      const running = await startServer(env, { logger });
      await running.app.close();
      removeDataDir(running.dataDir);
      const said = warn
        .getCalls()
        .some((call) => String(call.args[1]).startsWith('MicrosoftAppId is not set'));
      assert.equal(said, warned, JSON.stringify(env));
    }
  });

  it('expectReplies activities make no outgoing call, whatever their service URL', async () => {
    server = await startServer();
    const target = connector();
    listeners.push(target);
    const url = await target.listen('127.0.0.2');
    assert.deepEqual(await say(server.url, 'inline', 'hello', { serviceUrl: url }), [
      en('welcome.greeting'),
      en('menu.prompt'),
    ]);
    assert.deepEqual(target.requests, []);
  });

  it('an agent cannot make the bot post to a service URL outside the allow-list, and is told so', async () => {
    server = await startServer();
    const target = connector();
    listeners.push(target);
    const url = await target.listen('127.0.0.2');
    await server.app.handoff.agents.create({
      username: 'ana',
      name: 'Ana',
      role: 'agent',
      teams: ['support'],
      password: PASSWORD,
    });
    // Inline replies are fine whatever the service URL; the agent's later ones are proactive.
    await say(server.url, 'px', 'hello', { serviceUrl: url });
    await say(server.url, 'px', 'agent', { serviceUrl: url });
    const ana = await login(server.url, 'ana');
    const queue = await ana.get<{ cases: { id: number }[] }>('/api/console/queue');
    const caseId = queue.body.cases[0]?.id;
    const claimed = await ana.post<{ delivered: boolean }>(`/api/console/cases/${String(caseId)}/claim`);
    assert.equal(claimed.status, 200);
    assert.equal(claimed.body.delivered, false);
    const replied = await ana.post(`/api/console/cases/${String(caseId)}/messages`, {
      text: 'hello from Ana',
    });
    assert.equal(replied.status, 502);
    assert.deepEqual(target.requests, []);
    // The customer's conversation itself goes on.
    assert.deepEqual(await say(server.url, 'other', 'hello'), [en('welcome.greeting'), en('menu.prompt')]);
  });

  it('calls no host but loopback for fuzzed activities (no lookup of Bot Framework hosts)', async () => {
    const outgoing: string[] = [];
    const record = (options: unknown): void => {
      const target =
        typeof options === 'string' || options instanceof URL
          ? new URL(options.toString()).hostname
          : ((options as { hostname?: string; host?: string }).hostname ??
            (options as { host?: string }).host ??
            'localhost');
      outgoing.push(target);
    };
    // Called with the arguments exactly as given (overloads make a typed spread impossible).
    const realHttp = http.request.bind(http) as (...args: unknown[]) => http.ClientRequest;
    const realHttps = https.request.bind(https) as (...args: unknown[]) => http.ClientRequest;
    sandbox.stub(http, 'request').callsFake((...args: Parameters<typeof http.request>) => {
      record(args[0]);
      return realHttp(...args);
    });
    sandbox.stub(https, 'request').callsFake((...args: Parameters<typeof https.request>) => {
      record(args[0]);
      return realHttps(...args);
    });
    server = await startServer({ BOTFRAMEWORK_TIMEOUT_MS: '300' });
    const emulator = connector();
    listeners.push(emulator);
    const url = await emulator.listen('127.0.0.1');
    const fuzzed = [
      customerMessage('f1', 'hello', { channelId: 'emulator' }),
      customerMessage('f2', 'hello', {
        channelId: 'msteams',
        serviceUrl: 'https://smba.trafficmanager.net/emea/',
      }),
      customerMessage('f3', '', { type: 'invoke', name: 'signin/tokenExchange', value: { token: 'x' } }),
      customerMessage('f4', '', { type: 'invoke', name: 'signin/verifyState', value: { state: '123' } }),
      customerMessage('f5', '', { type: 'event', name: 'tokens/response', value: { token: 'x' } }),
      customerMessage('f6', '', { type: 'conversationUpdate', membersAdded: [{ id: 'u', name: 'u' }] }),
      posted('f7', 'agent', url),
    ];
    for (const activity of fuzzed) {
      const withAndWithoutToken: Record<string, string>[] = [
        {},
        { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln' },
      ];
      for (const headers of withAndWithoutToken) {
        const { status } = await postActivity(server.url, activity, headers);
        assert.ok(status < 500, `status ${status} for ${JSON.stringify(activity)}`);
      }
    }
    const remote = outgoing.filter((host) => !['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host));
    assert.deepEqual(remote, []);
  });
});
