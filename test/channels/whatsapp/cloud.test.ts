import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import sinon from 'sinon';
import { parseConfig } from '../../../bot/config';
import { createLogger } from '../../../bot/logger';
import { logCapture } from '../../support/logCapture';
import { makeServer } from '../../../bot/server';
import { CHANNELS } from '../../../channels';
import { makeWhatsAppChannel, whatsappChannel } from '../../../channels/whatsapp';
import { TestClock } from '../../dialogs/commerceFixtures';
import { PASSWORD, login } from '../../handoff/consoleFixture';
import { expectedText, type ExpectedReply } from '../../support/dialogTable';
import {
  FAKE_GRAPH_TOKEN,
  FAKE_PHONE_NUMBER_ID,
  FakeGraphApi,
  INVALID_PARAMETER,
  THROUGHPUT_LIMIT,
} from '../../support/fakeGraphApi';
import { makeDataDir, removeDataDir, type RunningServer, freePort } from '../../support/testServer';
import { waitFor } from '../../support/polling';

const APP_SECRET = 'app-secret-for-tests';
const VERIFY_TOKEN = 'verify-token-for-tests-0123';
const en = (reply: ExpectedReply) => expectedText('en', reply);
const es = (reply: ExpectedReply) => expectedText('es', reply);

function sign(body: string, secret = APP_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function postWebhook(
  server: RunningServer,
  body: unknown,
  headers?: Record<string, string>,
): Promise<Response> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return fetch(`${server.url}/api/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(headers ?? { 'x-hub-signature-256': sign(text) }) },
    body: text,
  });
}

/** A notification with `value` for our number, in Meta's shape. */
function notification(value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: FAKE_PHONE_NUMBER_ID },
              ...value,
            },
          },
        ],
      },
    ],
  };
}

/** Polls `check` until it returns something. */
const until = <T>(check: () => T | undefined | Promise<T | undefined>): Promise<T> =>
  waitFor(check, 'a value from the fake Graph API or the store');

/** A WhatsApp customer writing to the business number through signed webhook notifications. */
class WhatsAppCustomer {
  private next = 1;

  constructor(
    private readonly fake: FakeGraphApi,
    private readonly server: () => RunningServer,
    readonly waId: string,
    readonly name: string,
  ) {}

  message(
    fields: Record<string, unknown>,
    id = `wamid.${this.waId}.${this.next++}`,
  ): Record<string, unknown> {
    return notification({
      contacts: [{ profile: { name: this.name }, wa_id: this.waId }],
      messages: [{ from: this.waId, id, timestamp: String(Math.floor(Date.now() / 1000)), ...fields }],
    });
  }

  async deliver(body: Record<string, unknown>): Promise<void> {
    const response = await postWebhook(this.server(), body);
    assert.equal(response.status, 200, await response.text());
  }

  /** Sends `body` and returns the texts of the `replies` messages the bot sent back. */
  async send(body: Record<string, unknown>, replies: number): Promise<string[]> {
    const before = this.fake.sent(this.waId).length;
    await this.deliver(body);
    await this.fake.until(
      `${replies} replies to ${this.waId}`,
      () => this.fake.sent(this.waId).length >= before + replies,
    );
    return this.fake.textsTo(this.waId).slice(before);
  }

  say(text: string, replies = 1): Promise<string[]> {
    return this.send(this.message({ type: 'text', text: { body: text } }), replies);
  }

  /** The choices of the last interactive message. */
  choices(): { id: string; title: string }[] {
    return (
      this.fake
        .sent(this.waId)
        .filter((m) => m.type === 'interactive')
        .at(-1)?.choices ?? []
    );
  }

  /** Taps the button or list row titled `title` of the last interactive message. */
  press(title: string, replies = 1): Promise<string[]> {
    const choice = this.choices().find((candidate) => candidate.title === title);
    if (!choice)
      throw new Error(`press(${title}): no such choice; choices: ${JSON.stringify(this.choices())}`);
    const list =
      this.fake
        .sent(this.waId)
        .filter((m) => m.type === 'interactive')
        .at(-1)?.choices.length ?? 0;
    const reply =
      list > 3 ? { type: 'list_reply', list_reply: choice } : { type: 'button_reply', button_reply: choice };
    return this.send(this.message({ type: 'interactive', interactive: reply }), replies);
  }
}

describe('WhatsApp Cloud API channel through the real server (fake Graph API)', function () {
  this.timeout(60_000);
  let fake: FakeGraphApi;
  let server: RunningServer | undefined;
  let clock: TestClock;
  let waits: number[];
  let sandbox: sinon.SinonSandbox;
  let logs: ReturnType<typeof logCapture>;
  const running = (): RunningServer => {
    if (!server) throw new Error('no server');
    return server;
  };

  const boot = async (env: Record<string, string> = {}, dataDir = makeDataDir()): Promise<RunningServer> => {
    const port = await freePort();
    const config = parseConfig({
      DATA_DIR: dataDir,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      HANDOFF_POSITION_UPDATE_SECONDS: '0',
      WHATSAPP_MODE: 'cloud',
      WHATSAPP_CLOUD_TOKEN: FAKE_GRAPH_TOKEN,
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: FAKE_PHONE_NUMBER_ID,
      WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
      WHATSAPP_CLOUD_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_CLOUD_API_ROOT: fake.url,
      ...env,
    });
    const channels = CHANNELS.map((factory) =>
      factory === whatsappChannel
        ? (deps: Parameters<typeof whatsappChannel>[0]) =>
            makeWhatsAppChannel(deps, {
              now: () => clock.now().getTime(),
              wait: (ms) => {
                waits.push(ms);
                return Promise.resolve();
              },
            })
        : factory,
    );
    const app = makeServer({
      config,
      logger: createLogger(
        process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'warn',
        process.env.TEST_LOG_LEVEL === 'debug' ? process.stderr : logs.stream,
      ),
      clock,
      channels,
    });
    const url = await app.listen(port, '127.0.0.1');
    server = { app, url, dataDir, config };
    return server;
  };

  beforeEach(async () => {
    sandbox = sinon.createSandbox();
    fake = await FakeGraphApi.start();
    clock = new TestClock(new Date());
    waits = [];
    logs = logCapture();
  });

  afterEach(async () => {
    sandbox.restore();
    if (server) {
      await server.app.close();
      removeDataDir(server.dataDir);
    }
    server = undefined;
    await fake.close();
  });

  const ana = (): WhatsAppCustomer => new WhatsAppCustomer(fake, running, '34600111222', 'Ana García');
  const bob = (): WhatsAppCustomer => new WhatsAppCustomer(fake, running, '447700900999', 'Bob');

  it('GET /api/whatsapp answers the verification challenge only for the right token', async () => {
    const app = await boot();
    const verify = (query: string) => fetch(`${app.url}/api/whatsapp?${query}`);
    const good = await verify(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    assert.equal(good.status, 200);
    assert.match(good.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await good.text(), '1158201444');
    for (const query of [
      'hub.mode=subscribe&hub.verify_token=wrong-token-0000000&hub.challenge=1',
      `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
      'hub.challenge=1',
    ]) {
      const refused = await verify(query);
      assert.equal(refused.status, 403, query);
      assert.equal(((await refused.json()) as { code: string }).code, 'Forbidden');
    }
  });

  it('POST /api/whatsapp refuses a missing or wrong signature with 401 and processes nothing', async () => {
    const app = await boot();
    const body = JSON.stringify(ana().message({ type: 'text', text: { body: 'hello' } }));
    const attempts: Record<string, string>[] = [
      {},
      { 'x-hub-signature-256': sign(body, 'another-secret') },
      { 'x-hub-signature-256': 'sha256=abc' },
    ];
    for (const headers of attempts) {
      const response = await postWebhook(app, body, headers);
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as { code: string }).code, 'Unauthorized');
    }
    // A signed body over the same bytes is answered; only that one is processed.
    assert.equal((await postWebhook(app, body)).status, 200);
    await fake.until('the greeting', () => fake.sent('34600111222').length >= 1);
    assert.deepEqual(fake.readReceipts().length, 1);
  });

  it('POST /api/whatsapp answers 400 JSON to a signed body that is no notification', async () => {
    const app = await boot();
    for (const body of [
      'not json',
      '{"object":"whatsapp_business_account","entry":[{"changes":[{"field":1}]}]}',
    ]) {
      const response = await postWebhook(app, body);
      assert.equal(response.status, 400, body);
      const problem = (await response.json()) as { code: string; message: string };
      assert.equal(problem.code, 'BadNotification');
      assert.ok(problem.message.length > 0);
    }
  });

  it('es: Ana checks her order with interactive buttons; her phone picks her own orders without verification', async () => {
    await boot();
    const customer = ana();
    const greeting = await customer.say('hola', 2);
    // +34 is Spain: Spanish without being asked.
    assert.deepEqual(greeting, [es('welcome.greeting'), es('menu.prompt')]);
    assert.deepEqual(
      customer.choices().map((choice) => choice.title),
      [es('menu.orderStatus'), es('menu.returnItem'), es('menu.appointment'), es('menu.humanAgent')],
    );
    const pick = await customer.press(es('menu.orderStatus'));
    assert.equal(pick[0]?.startsWith(es('orders.pickOne')), true, pick[0]);
    assert.ok(!pick.join('\n').includes(es('verification.ask')));
    // The order titles are over 24 characters: a numbered list, answered by number.
    assert.match(pick[0] ?? '', /\n1\. SB-\d{5} /);
    const replies = await customer.say('1', 3);
    assert.match(replies[0] ?? '', /^Pedido SB-\d{5}/);
    assert.equal(replies.at(-1), es('menu.anythingElse'));
    assert.deepEqual(fake.readReceipts().length, 3);
  });

  it('en: a return through buttons and a numbered list, the label arriving as a document uploaded through /media', async () => {
    await boot();
    const customer = bob();
    await customer.say('hi', 2);
    assert.deepEqual(await customer.say('I want to return something'), [en('orders.askNumber')]);
    assert.deepEqual(await customer.say('SB-10002'), [en('verification.ask')]);
    // The underwear is named as not returnable first, and is not one of the choices: the
    // returnable items fit buttons. A reason is over 24 characters: the reasons come as a
    // numbered list.
    const [notReturnable, items] = await customer.say('28013', 2);
    assert.match(notReturnable ?? '', /^Merino base-layer briefs, M can't be returned/);
    assert.equal(items, en('returns.askItems'));
    assert.deepEqual(
      customer.choices().map((choice) => choice.title),
      ['Rain jacket, M', 'Insulated bottle 1 L', en('returns.allItems')],
    );
    const [reasons] = await customer.press('Rain jacket, M');
    assert.equal(reasons?.split('\n')[0], en('returns.askReason'));
    assert.match(reasons ?? '', /\n3\. Arrived damaged or faulty\n/);
    // A numbered choice answered with its title instead.
    const [refund] = await customer.say('arrived damaged or faulty');
    assert.equal(refund, en('returns.askRefund'));
    assert.ok(customer.choices().length > 0, 'refund options as buttons or a list');
    const [confirm] = await customer.press(customer.choices()[0]?.title ?? '');
    assert.match(confirm ?? '', /^Return/);
    const before = fake.sent(customer.waId).length;
    await customer.press(en('common.yes'), 3);
    const sent = fake.sent(customer.waId).slice(before);
    const document = sent.find((message) => message.type === 'document');
    assert.match(document?.document?.filename ?? '', /^return-label-RMA-[A-Z2-9]{8}\.pdf$/);
    const uploaded = fake.media.get(document?.document?.id ?? '');
    assert.equal(uploaded?.contentType, 'application/pdf');
    assert.equal(uploaded?.bytes.subarray(0, 5).toString(), '%PDF-');
    assert.equal(sent.at(-1)?.text, en('menu.anythingElse'));
  });

  it('en: an appointment booked with interactive choices, the calendar file arriving as a document', async () => {
    clock = new TestClock(); // the demo store's own "now", a Friday in June 2025
    await boot();
    const customer = bob();
    await customer.say('hi', 2);
    assert.deepEqual(await customer.press(en('menu.appointment')), [en('appointments.askAction')]);
    // One service title is over 20 characters: the services come as a numbered list.
    const [services] = await customer.press('Book an appointment');
    assert.equal(services?.split('\n')[0], en('appointments.askService'));
    assert.match(services ?? '', /\n1\. Repair drop-off\n/);
    assert.deepEqual(await customer.say('1'), [en('appointments.askDay')]);
    const [slots] = await customer.say('next Tuesday');
    assert.equal(
      slots?.split('\n')[0],
      en({ key: 'appointments.pickSlot', vars: { date: 'Tuesday, June 17, 2025' } }),
    );
    // WhatsApp proves the customer's number, so the booking goes under it without asking.
    assert.deepEqual(await customer.press('10:00 AM'), [
      en({
        key: 'appointments.confirmBooking',
        vars: { service: 'Repair drop-off', date: 'Tuesday, June 17, 2025', time: '10:00 AM' },
      }),
    ]);
    const before = fake.sent(customer.waId).length;
    await customer.press(en('common.yes'), 3);
    const sent = fake.sent(customer.waId).slice(before);
    const document = sent.find((message) => message.type === 'document');
    assert.match(document?.document?.filename ?? '', /BK-[A-Z2-9]{6}.*\.ics$/);
    const uploaded = fake.media.get(document?.document?.id ?? '');
    assert.match(uploaded?.bytes.toString('utf8') ?? '', /DTSTART:20250617T080000Z\r\n/);
  });

  it('a message id delivered twice is answered once, also after a restart', async () => {
    const app = await boot();
    const customer = bob();
    const body = customer.message({ type: 'text', text: { body: 'hi' } }, 'wamid.REPEATED');
    await customer.send(body, 2);
    await customer.deliver(body);
    const dataDir = app.dataDir;
    await app.app.close();
    server = undefined;
    await boot({}, dataDir);
    await customer.deliver(body);
    // A new message proves the earlier ones were handled (turns of one customer run in order).
    await customer.say('agent', 1);
    assert.equal(fake.readReceipts().filter((id) => id === 'wamid.REPEATED').length, 1);
    assert.equal(fake.textsTo(customer.waId).filter((text) => text === en('welcome.greeting')).length, 1);
  });

  it('status callbacks are recorded, never treated as messages', async () => {
    const app = await boot();
    const statuses = ['sent', 'delivered', 'read', 'failed'].map((status) => ({
      id: 'wamid.OUT1',
      status,
      timestamp: '1700000000',
      recipient_id: '447700900999',
      ...(status === 'failed' ? { errors: [{ code: 131026, title: 'Message undeliverable' }] } : {}),
    }));
    const response = await postWebhook(app, notification({ statuses }));
    assert.equal(response.status, 200);
    const key = `whatsapp/cloud/${FAKE_PHONE_NUMBER_ID}/statuses/447700900999`;
    type Stored = { statuses?: { status: string; error?: { code?: number } }[] } | undefined;
    const stored = await waitFor(async () => {
      const read = (await app.app.stateStore.storage.read([key]))[key] as Stored;
      return (read?.statuses?.length ?? 0) >= 4 && read;
    }, 'four delivery statuses stored');
    assert.deepEqual(
      stored?.statuses?.map((s) => s.status),
      ['sent', 'delivered', 'read', 'failed'],
    );
    assert.equal(stored?.statuses?.[3]?.error?.code, 131026);
    assert.deepEqual(fake.sent(), []);
  });

  it('media in: an image gets the localized text-only notice and the offer of a person', async () => {
    await boot();
    const customer = ana();
    const replies = await customer.send(
      customer.message({ type: 'image', image: { id: 'm1', mime_type: 'image/jpeg' } }),
      3,
    );
    assert.equal(replies[0], es('channels.textOnly'));
    assert.match(es('channels.textOnly'), /agente/);
  });

  it('a 429 is retried with backoff and the reply still arrives', async () => {
    await boot();
    fake.fail('messages', THROUGHPUT_LIMIT, 2);
    const customer = bob();
    // The first two calls (the read receipt, then the greeting) are refused, then retried.
    assert.deepEqual(await customer.say('hi', 2), [en('welcome.greeting'), en('menu.prompt')]);
    assert.equal(waits.length, 2);
    assert.ok((waits[1] ?? 0) > (waits[0] ?? 0), `backoff grows: ${waits.join(', ')}`);
  });

  it('a 400 is surfaced to onTurnError, not retried, and no apology goes through the broken channel', async () => {
    await boot();
    const customer = bob();
    // The read receipt (logged only) and the greeting are refused.
    fake.fail('messages', INVALID_PARAMETER, 2);
    await customer.deliver(customer.message({ type: 'text', text: { body: 'hi' } }));
    const failed = await until(() => logs.lines.find((line) => line.includes('"msg":"turn failed"')));
    // Phone numbers are redacted in logs.
    assert.match(
      failed,
      /WhatsAppCloudAdapter\.sendActivities\(\): to \[phone\]: GraphApi\.sendMessage\(\): Graph API answered HTTP 400 \(code 100\//,
    );
    assert.match(failed, /fbtrace_id/);
    assert.deepEqual(waits, [], 'a 400 is not retried');
    assert.deepEqual(fake.sent(customer.waId), [], 'no apology through the channel that refused');
  });

  it('handoff: the customer is queued, the agent claims and replies and sees delivery, the survey arrives; the console says WhatsApp', async () => {
    const app = await boot();
    await app.app.handoff.agents.create({
      username: 'ana',
      name: 'Ana',
      role: 'agent',
      teams: ['support'],
      password: PASSWORD,
    });
    const customer = bob();
    await customer.say('hi', 2);
    assert.deepEqual(await customer.say('agent'), [
      en({ key: 'handoff.queued', vars: { position: 1, minutes: 3 } }),
    ]);
    const agent = await login(app.url, 'ana');
    const { body } = await agent.get<{ cases: { id: number; channel: string; channelName: string }[] }>(
      '/api/console/queue',
    );
    const [waiting] = body.cases;
    assert.equal(waiting?.channel, 'whatsapp');
    assert.equal(waiting?.channelName, 'WhatsApp');
    const before = fake.sent(customer.waId).length;
    assert.equal((await agent.post(`/api/console/cases/${waiting?.id}/claim`)).status, 200);
    const reply = await agent.post<{ delivered?: boolean }>(`/api/console/cases/${waiting?.id}/messages`, {
      text: 'Hi Bob, how can I help?',
    });
    assert.equal(reply.status, 200);
    assert.deepEqual(fake.textsTo(customer.waId).slice(before), [
      en({ key: 'handoff.agentJoined', vars: { agentName: 'Ana' } }),
      en({ key: 'handoff.agentMessage', vars: { agentName: 'Ana', text: 'Hi Bob, how can I help?' } }),
    ]);
    await customer.deliver(customer.message({ type: 'text', text: { body: 'my parcel is late' } }));
    const details = await until(async () => {
      const { body: found } = await agent.get<{ transcript: { role: string; text: string }[] }>(
        `/api/console/cases/${waiting?.id}`,
      );
      return found.transcript.at(-1)?.text === 'my parcel is late' ? found : undefined;
    });
    assert.equal(details.transcript.at(-1)?.role, 'customer');
    // Meta reports the agent's reply read, then a later message failed: the agent sees both.
    const status = (id: string, state: string, seconds: number) => ({
      id,
      status: state,
      timestamp: String(seconds),
      recipient_id: customer.waId,
      ...(state === 'failed' ? { errors: [{ code: 131047, title: 'Re-engagement message' }] } : {}),
    });
    assert.equal(
      (
        await postWebhook(
          app,
          notification({
            statuses: [
              status('wamid.A', 'delivered', 1_800_000_000),
              status('wamid.A', 'read', 1_800_000_060),
            ],
          }),
        )
      ).status,
      200,
    );
    assert.equal(
      (await postWebhook(app, notification({ statuses: [status('wamid.B', 'failed', 1_800_000_120)] })))
        .status,
      200,
    );
    const reported = await until(async () => {
      const { body: found } = await agent.get<{
        delivery?: { status: string; at: string; problem?: string }[];
      }>(`/api/console/cases/${waiting?.id}`);
      return found.delivery?.length === 3 ? found.delivery : undefined;
    });
    assert.deepEqual(reported, [
      { status: 'delivered', at: new Date(1_800_000_000_000).toISOString() },
      { status: 'read', at: new Date(1_800_000_060_000).toISOString() },
      {
        status: 'failed',
        at: new Date(1_800_000_120_000).toISOString(),
        problem: '131047 Re-engagement message',
      },
    ]);
    assert.equal(
      (await agent.post(`/api/console/cases/${waiting?.id}/end`, { disposition: 'resolved' })).status,
      200,
    );
    await fake.until('survey', () => fake.textsTo(customer.waId).includes(en('handoff.survey')));
    assert.equal((await customer.press('5'))[0], en('handoff.surveyThanks'));
    assert.equal((await app.app.handoff.store.getCase(waiting?.id ?? 0))?.satisfaction, 5);
  });

  it('outside the 24-hour window an agent reply goes out as the approved template, or is held and flagged', async () => {
    const app = await boot({
      WHATSAPP_CLOUD_TEMPLATES: JSON.stringify({
        agentReply: { en: { name: 'support_reply', language: 'en_US' } },
      }),
    });
    await app.app.handoff.agents.create({
      username: 'ana',
      name: 'Ana',
      role: 'agent',
      teams: ['support'],
      password: PASSWORD,
    });
    const customer = bob();
    await customer.say('hi', 2);
    await customer.say('agent');
    const agent = await login(app.url, 'ana');
    const { body } = await agent.get<{ cases: { id: number }[] }>('/api/console/queue');
    const caseId = body.cases[0]?.id ?? 0;
    assert.equal((await agent.post(`/api/console/cases/${caseId}/claim`)).status, 200);
    clock.advanceMinutes(25 * 60);

    const templated = await agent.post(`/api/console/cases/${caseId}/messages`, {
      text: 'Sorry for the wait.\nIs it sorted?',
    });
    assert.equal(templated.status, 200);
    const last = fake.sent(customer.waId).at(-1);
    assert.deepEqual(last?.template, {
      name: 'support_reply',
      language: 'en_US',
      parameters: [
        en({
          key: 'handoff.agentMessage',
          vars: { agentName: 'Ana', text: 'Sorry for the wait. · Is it sorted?' },
        }),
      ],
    });

    // No template for the end of the conversation (the survey): held, and the agent is told.
    const sentBefore = fake.sent().length;
    const ended = await agent.post<{ delivered: boolean; held?: boolean }>(
      `/api/console/cases/${caseId}/end`,
      { disposition: 'resolved' },
    );
    assert.equal(ended.status, 200);
    assert.equal(ended.body.delivered, false);
    assert.equal(ended.body.held, true, JSON.stringify(ended.body));
    assert.equal(fake.sent().length, sentBefore);

    // Once the customer writes again the window is open: free-form messages flow.
    assert.equal((await customer.say('thanks'))[0]?.length !== undefined, true);
  });

  it('an agent reply with no template outside the window is held: 200 delivered false, held true, in the audit log', async () => {
    const app = await boot();
    await app.app.handoff.agents.create({
      username: 'ana',
      name: 'Ana',
      role: 'agent',
      teams: ['support'],
      password: PASSWORD,
    });
    const customer = bob();
    await customer.say('hi', 2);
    await customer.say('agent');
    const agent = await login(app.url, 'ana');
    const { body } = await agent.get<{ cases: { id: number }[] }>('/api/console/queue');
    const caseId = body.cases[0]?.id ?? 0;
    assert.equal((await agent.post(`/api/console/cases/${caseId}/claim`)).status, 200);
    clock.advanceMinutes(24 * 60 + 1);
    const sentBefore = fake.sent().length;
    const held = await agent.post<{ delivered: boolean; held: boolean; reason: string }>(
      `/api/console/cases/${caseId}/messages`,
      { text: 'Still there?' },
    );
    assert.equal(held.status, 200);
    assert.equal(held.body.delivered, false);
    assert.equal(held.body.held, true);
    assert.match(held.body.reason, /no "agentReply" template for en/);
    assert.equal(fake.sent().length, sentBefore);
    const audit = (await app.app.handoff.store.auditLog(20)).map((entry) => entry.action);
    assert.ok(audit.includes('replyHeld'), audit.join(', '));
  });
});
