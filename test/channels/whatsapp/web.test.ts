import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import sinon from 'sinon';
import { MessageMedia } from 'whatsapp-web.js';
import { parseConfig } from '../../../bot/config';
import { silentLogger } from '../../../bot/logger';
import { makeServer } from '../../../bot/server';
import { CHANNELS } from '../../../channels';
import { makeWhatsAppChannel, webSessionDir, whatsappChannel } from '../../../channels/whatsapp';
import type { WebClient, WebMessage } from '../../../channels/whatsapp/web';
import { resolveBrowser } from '../../../channels/whatsapp/web/client';
import { Pacer } from '../../../channels/whatsapp/web/pacing';
import { TestClock } from '../../dialogs/commerceFixtures';
import { PASSWORD, login } from '../../handoff/consoleFixture';
import { expectedText, type ExpectedReply } from '../../support/dialogTable';
import { makeDataDir, removeDataDir, type RunningServer, freePort } from '../../support/testServer';

const en = (reply: ExpectedReply) => expectedText('en', reply);
const es = (reply: ExpectedReply) => expectedText('es', reply);

/** A fake whatsapp-web.js client: an EventEmitter with a spied `sendMessage`. */
class FakeWebClient extends EventEmitter implements WebClient {
  readonly sendMessage: sinon.SinonSpy<
    Parameters<WebClient['sendMessage']>,
    ReturnType<WebClient['sendMessage']>
  >;
  readonly initialize: sinon.SinonStub<[], Promise<void>>;
  readonly destroy: sinon.SinonStub<[], Promise<void>>;
  private sent = 0;

  constructor(
    readonly events: EventEmitter,
    sandbox: sinon.SinonSandbox,
  ) {
    super();
    this.initialize = sandbox.stub<[], Promise<void>>().resolves();
    this.destroy = sandbox.stub<[], Promise<void>>().resolves();
    this.sendMessage = sandbox.spy((chatId: string, _content: string | MessageMedia, _options?: object) => {
      this.sent += 1;
      this.events.emit('sent');
      return Promise.resolve({ id: { _serialized: `true_${chatId}_OUT${this.sent}` } });
    });
  }
}

describe('WhatsApp Web channel through the real server (fake whatsapp-web.js client)', function () {
  this.timeout(60_000);
  let server: RunningServer | undefined;
  let clients: FakeWebClient[];
  let scheduled: { run: () => void; ms: number }[];
  let sleeps: number[];
  let events: EventEmitter;
  let clock: TestClock;
  let next: number;
  let sandbox: sinon.SinonSandbox;

  const client = (): FakeWebClient => {
    const last = clients.at(-1);
    if (!last) throw new Error('no client created');
    return last;
  };
  /** Everything sent, in order, across clients: [chatId, text or MessageMedia]. */
  const sent = (): [string, unknown][] =>
    clients.flatMap((c) =>
      c.sendMessage.getCalls().map((call) => [call.args[0], call.args[1]] as [string, unknown]),
    );
  const textsTo = (chatId: string): string[] =>
    sent()
      .filter(([to, content]) => to === chatId && typeof content === 'string')
      .map(([, content]) => content as string);
  const waitFor = async (description: string, check: () => boolean): Promise<void> => {
    for (let tries = 0; !check(); tries++) {
      if (tries > 3000)
        throw new Error(`waitFor(${description}): not reached; sent ${JSON.stringify(sent())}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };

  const boot = async (env: Record<string, string> = {}, dataDir = makeDataDir()): Promise<RunningServer> => {
    const port = await freePort();
    const config = parseConfig({
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      WHATSAPP_MODE: 'web',
      PUPPETEER_EXECUTABLE_PATH: '/opt/test/chromium',
      ...env,
    });
    const channels = CHANNELS.map((factory) =>
      factory === whatsappChannel
        ? (deps: Parameters<typeof whatsappChannel>[0]) =>
            makeWhatsAppChannel(deps, {
              createClient: () => {
                const created = new FakeWebClient(events, sandbox);
                clients.push(created);
                return created;
              },
              browserExists: (candidate) => candidate === '/opt/test/chromium',
              now: () => clock.now().getTime(),
              sleep: (ms) => {
                sleeps.push(ms);
                return Promise.resolve();
              },
              schedule: (run, ms) => {
                scheduled.push({ run, ms });
                return () => undefined;
              },
              showQr: () => Promise.resolve(),
            })
        : factory,
    );
    const app = makeServer({ config, logger: silentLogger(), clock, channels });
    const url = await app.listen(port, '127.0.0.1');
    server = { app, url, dataDir, config };
    return server;
  };

  beforeEach(() => {
    clients = [];
    scheduled = [];
    sleeps = [];
    events = new EventEmitter();
    clock = new TestClock(new Date());
    next = 1;
    sandbox = sinon.createSandbox();
  });

  afterEach(async () => {
    sandbox.restore();
    if (server) {
      await server.app.close();
      removeDataDir(server.dataDir);
    }
    server = undefined;
  });

  const message = (from: string, body: string, extra: Partial<WebMessage> = {}): WebMessage => ({
    id: { _serialized: `false_${from}_IN${next++}` },
    from,
    fromMe: false,
    isStatus: false,
    type: 'chat',
    body,
    timestamp: Math.floor(Date.now() / 1000),
    ...extra,
  });

  /** Delivers `incoming` as the client's `message` event and waits for `replies` messages to its chat. */
  const say = async (incoming: WebMessage, replies = 1): Promise<string[]> => {
    const before = sent().filter(([to]) => to === incoming.from).length;
    client().emit('message', incoming);
    await waitFor(
      `${replies} replies`,
      () => sent().filter(([to]) => to === incoming.from).length >= before + replies,
    );
    return sent()
      .filter(([to]) => to === incoming.from)
      .slice(before)
      .map(([, content]) => (typeof content === 'string' ? content : '[media]'));
  };

  const ready = async (): Promise<RunningServer> => {
    const app = await boot();
    client().emit('ready');
    return app;
  };

  const BOB = '447700900999@c.us';
  const ANA = '34600111222@c.us';

  it('en: a full return with numbered choices answered by number and by title, the label as a MessageMedia document', async () => {
    await ready();
    assert.deepEqual(await say(message(BOB, 'hi'), 2), [
      en('welcome.greeting'),
      `${en('menu.prompt')}\n\n1. ${en('menu.orderStatus')}\n2. ${en('menu.returnItem')}\n3. ${en('menu.appointment')}\n4. ${en('menu.humanAgent')}`,
    ]);
    assert.deepEqual(await say(message(BOB, '2')), [en('orders.askNumber')]);
    assert.deepEqual(await say(message(BOB, 'SB-10002')), [en('verification.ask')]);
    const [notReturnable, items] = await say(message(BOB, '28013'), 2);
    assert.match(notReturnable ?? '', /^Merino base-layer briefs, M can't be returned/);
    assert.match(items ?? '', /\n1\. Rain jacket, M\n/);
    const [reasons] = await say(message(BOB, '1'));
    assert.equal(reasons?.split('\n')[0], en('returns.askReason'));
    const [refund] = await say(message(BOB, 'Arrived damaged or faulty'));
    assert.equal(refund?.split('\n')[0], en('returns.askRefund'));
    const [confirm] = await say(message(BOB, '1'));
    assert.match(confirm ?? '', /^Return/);
    const replies = await say(message(BOB, en('common.yes')), 3);
    assert.ok(replies.includes('[media]'), JSON.stringify(replies));
    const [, media] = sent().find(([, content]) => content instanceof MessageMedia) ?? [];
    assert.ok(media instanceof MessageMedia);
    assert.equal(media.mimetype, 'application/pdf');
    assert.match(media.filename ?? '', /^return-label-RMA-[A-Z2-9]{8}\.pdf$/);
    assert.equal(Buffer.from(media.data, 'base64').subarray(0, 5).toString(), '%PDF-');
    const documentCall = client()
      .sendMessage.getCalls()
      .find((call) => call.args[1] instanceof MessageMedia);
    assert.deepEqual(documentCall?.args[2], { sendMediaAsDocument: true });
  });

  it('es: Ana (+34) is answered in Spanish and her phone picks her own orders without verification', async () => {
    await ready();
    await say(message(ANA, 'hola'), 2);
    const [pick] = await say(message(ANA, '1'));
    assert.equal(pick?.startsWith(es('orders.pickOne')), true, pick);
    const replies = await say(message(ANA, '1'), 3);
    assert.match(replies[0] ?? '', /^Pedido SB-\d{5}/);
  });

  it('a message id delivered twice is answered once, also after a restart', async () => {
    const app = await ready();
    const repeated = message(BOB, 'hi');
    await say(repeated, 2);
    client().emit('message', repeated);
    const dataDir = app.dataDir;
    await app.app.close();
    server = undefined;
    await boot({}, dataDir);
    client().emit('ready');
    client().emit('message', repeated);
    await say(message(BOB, 'agent'));
    assert.equal(textsTo(BOB).filter((text) => text === en('welcome.greeting')).length, 1);
  });

  it("ignores the bot's own messages, status broadcasts and groups", async () => {
    await ready();
    client().emit('message', message(BOB, 'hi', { fromMe: true }));
    client().emit('message', message('status@broadcast', 'story', { isStatus: true }));
    client().emit('message', message('120363025000000000@g.us', 'hi all', { author: BOB }));
    // A message after them is answered; nothing before it was.
    assert.deepEqual(await say(message(BOB, 'hi'), 2), [en('welcome.greeting'), textsTo(BOB)[1]]);
    assert.equal(sent().length, 2);
    assert.deepEqual(
      sent().map(([to]) => to),
      [BOB, BOB],
    );
  });

  it('media in: a voice note gets the localized text-only notice', async () => {
    await ready();
    const replies = await say(message(ANA, '', { type: 'ptt' }), 3);
    assert.equal(replies[0], es('channels.textOnly'));
  });

  it('disconnect: /readyz shows it, sends fail, a new client connects after a growing backoff', async () => {
    const app = await ready();
    const readyz = async (): Promise<{
      status: number;
      body: { checks: { whatsappWeb?: { state: string } } };
    }> => {
      const response = await fetch(`${app.url}/readyz`);
      return {
        status: response.status,
        body: (await response.json()) as { checks: { whatsappWeb?: { state: string } } },
      };
    };
    assert.equal((await readyz()).body.checks.whatsappWeb?.state, 'ready');
    const first = client();
    first.emit('disconnected', 'NAVIGATION');
    const down = await readyz();
    // The rest of the bot keeps serving: ready, with the connection shown.
    assert.equal(down.status, 200);
    assert.equal(down.body.checks.whatsappWeb?.state, 'disconnected');
    assert.equal(first.destroy.callCount, 1);
    const whatsapp = app.app.channels.find((channel) => channel.name === 'whatsapp');
    await assert.rejects(
      whatsapp?.continueConversation(
        {
          channelId: 'whatsapp',
          conversation: { id: BOB, isGroup: false, conversationType: 'personal', name: '' },
        },
        async (context) => {
          await context.sendActivity('are you there?');
        },
      ) ?? Promise.resolve(),
      /WhatsAppWebAdapter\.sendActivities\(\): WhatsApp Web is not connected \(disconnected\)/,
    );
    assert.equal(scheduled.length, 1);
    // Reconnect fails to start once: the wait doubles.
    scheduled[0]?.run();
    assert.equal(clients.length, 2);
    client().emit('disconnected', 'CONFLICT');
    assert.equal(scheduled.length, 2);
    assert.ok(
      (scheduled[1]?.ms ?? 0) > (scheduled[0]?.ms ?? 0),
      `${scheduled[0]?.ms} then ${scheduled[1]?.ms}`,
    );
    scheduled[1]?.run();
    assert.equal(clients.length, 3);
    client().emit('ready');
    assert.equal((await readyz()).body.checks.whatsappWeb?.state, 'ready');
    assert.deepEqual(await say(message(BOB, 'hi'), 2), [en('welcome.greeting'), textsTo(BOB)[1]]);
    // Messages of a dropped client are not handled.
    first.emit('message', message(BOB, 'from an old client'));
    assert.equal(first.sendMessage.callCount, 0);
  });

  it('shows admins the QR code to link the phone in the console while it waits, and no longer once linked', async () => {
    const app = await boot();
    await app.app.handoff.agents.create({
      username: 'root',
      name: 'Root',
      role: 'admin',
      teams: [],
      password: PASSWORD,
    });
    const root = await login(app.url, 'root');
    const whatsapp = async () =>
      (
        await root.get<{ channels: { name: string; linkQrSvg?: string }[] }>('/api/console/channels')
      ).body.channels.find((channel) => channel.name === 'whatsapp');
    client().emit('qr', '2@link-code,abc=,def=');
    assert.match((await whatsapp())?.linkQrSvg ?? '', /^<svg/);
    client().emit('ready');
    assert.equal((await whatsapp())?.linkQrSvg, undefined);
  });

  it('paces messages: per chat and overall', async () => {
    await ready();
    await say(message(BOB, 'hi'), 2);
    // 20 per chat per minute: the second message waits 3 s; the clock stands still in the test.
    assert.deepEqual(sleeps, [3000]);
  });

  it('keeps the LocalAuth session folder private when the client authenticates', async () => {
    const app = await boot();
    const dir = webSessionDir(app.dataDir);
    fs.mkdirSync(path.join(dir, 'session'), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'session', 'Cookies'), 'x', { mode: 0o644 });
    client().emit('authenticated');
    assert.equal(fs.statSync(path.join(dir, 'session')).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(dir, 'session', 'Cookies')).mode & 0o777, 0o600);
  });

  it('start-up names PUPPETEER_EXECUTABLE_PATH and /usr/bin/chromium when no browser exists', () => {
    assert.throws(
      () => resolveBrowser(undefined, () => false),
      /PUPPETEER_EXECUTABLE_PATH.*\/usr\/bin\/chromium/,
    );
    assert.throws(() => resolveBrowser('/nope/chrome', () => false), /no browser at \/nope\/chrome/);
    assert.equal(
      resolveBrowser(undefined, (candidate) => candidate === '/usr/bin/chromium'),
      '/usr/bin/chromium',
    );
  });
});

describe('Pacer', () => {
  it('wait() spaces one chat by its limit and all chats by the overall limit', async () => {
    const sleeps: number[] = [];
    const pacer = new Pacer({
      chatMessagesPerMinute: 6,
      messagesPerMinute: 30,
      now: () => 0,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });
    await pacer.wait('a');
    await pacer.wait('a');
    await pacer.wait('b');
    await pacer.wait('c');
    // a: now, then 10 s later; b and c queue behind the overall 2 s gaps.
    assert.deepEqual(sleeps, [10_000, 12_000, 14_000]);
  });
});
