import assert from 'node:assert/strict';
import { parseConfig } from '../../bot/config';
import { silentLogger } from '../../bot/logger';
import { makeServer } from '../../bot/server';
import { TestClock } from '../dialogs/commerceFixtures';
import { PASSWORD, login } from '../handoff/consoleFixture';
import { expectedText, type ExpectedReply } from '../support/dialogTable';
import {
  FAKE_BOT_TOKEN,
  FakeTelegramApi,
  type UpdateBody,
  type UploadedFile,
} from '../support/fakeTelegramApi';
import { makeDataDir, removeDataDir, type RunningServer, freePort } from '../support/testServer';

const SECRET = 'webhook-secret-for-tests_0123456789';
const en = (reply: ExpectedReply) => expectedText('en', reply);
const es = (reply: ExpectedReply) => expectedText('es', reply);

type Mode = 'polling' | 'webhook';

interface Button {
  text: string;
  callback_data?: string;
}

/** A Telegram customer in a private chat with the bot, talking through the fake Bot API. */
class TelegramCustomer {
  private messageId = 1;
  private queryId = 1;

  constructor(
    private readonly fake: FakeTelegramApi,
    private readonly server: RunningServer,
    private readonly mode: Mode,
    readonly user: { id: number; first_name: string; language_code: string },
  ) {}

  get chatId(): string {
    return String(this.user.id);
  }

  /** A message update from this customer. */
  message(text: string): UpdateBody {
    const command = /^\/\w+/.exec(text)?.[0];
    return {
      message: {
        message_id: this.messageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: this.user.id, type: 'private', first_name: this.user.first_name },
        from: { ...this.user, is_bot: false },
        text,
        ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
      },
    };
  }

  /** Delivers an update the way the mode does: queued for getUpdates, or posted to the webhook. */
  async deliver(update: UpdateBody): Promise<void> {
    if (this.mode === 'polling') {
      this.fake.queueUpdate(update);
      return;
    }
    const response = await postUpdate(this.server, { update_id: this.fake.takeUpdateId(), ...update });
    assert.equal(response.status, 200, await response.text());
  }

  /** Sends `update` and returns the texts the bot sent back (waiting for `replies` of them when polling). */
  async send(update: UpdateBody, replies: number): Promise<string[]> {
    const before = this.fake.textsTo(this.chatId).length;
    await this.deliver(update);
    await this.fake.until(
      `${replies} replies in chat ${this.chatId}`,
      () => this.fake.textsTo(this.chatId).length >= before + replies,
    );
    return this.fake.textsTo(this.chatId).slice(before);
  }

  say(text: string, replies = 1): Promise<string[]> {
    return this.send(this.message(text), replies);
  }

  /** The buttons of the last message with a keyboard. */
  buttons(): Button[] {
    const withKeyboard = this.fake.calls.filter(
      (call) =>
        String(call.params.chat_id) === this.chatId &&
        (call.params.reply_markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard !==
          undefined,
    );
    const markup = withKeyboard.at(-1)?.params.reply_markup as { inline_keyboard: Button[][] } | undefined;
    return markup?.inline_keyboard.flat() ?? [];
  }

  /** Presses the button labelled `label` on the last keyboard. */
  press(label: string, replies = 1): Promise<string[]> {
    const button = this.buttons().find((candidate) => candidate.text === label);
    if (!button?.callback_data) {
      throw new Error(
        `press(${label}): no such button; buttons: ${this.buttons()
          .map((b) => b.text)
          .join(' | ')}`,
      );
    }
    return this.send(
      {
        callback_query: {
          id: `q-${this.user.id}-${this.queryId++}`,
          from: { ...this.user, is_bot: false },
          message: { message_id: 1, date: 1, chat: { id: this.user.id, type: 'private' } },
          chat_instance: 'ci',
          data: button.callback_data,
        },
      },
      replies,
    );
  }
}

function postUpdate(
  server: RunningServer,
  body: unknown,
  headers: Record<string, string> = { 'x-telegram-bot-api-secret-token': SECRET },
) {
  return fetch(`${server.url}/api/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('Telegram channel through the real server (fake Bot API)', function () {
  this.timeout(60_000);
  let fake: FakeTelegramApi;
  let server: RunningServer | undefined;
  let clock: TestClock;

  const boot = async (mode: Mode, env: Record<string, string> = {}): Promise<RunningServer> => {
    const port = await freePort();
    const dataDir = makeDataDir();
    const config = parseConfig({
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      HANDOFF_POSITION_UPDATE_SECONDS: '0',
      TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
      TELEGRAM_API_ROOT: fake.url,
      ...(mode === 'webhook'
        ? { TELEGRAM_WEBHOOK_URL: 'https://bot.example.test/api/telegram', TELEGRAM_WEBHOOK_SECRET: SECRET }
        : {}),
      ...env,
    });
    const app = makeServer({ config, logger: silentLogger(), clock });
    const url = await app.listen(port, '127.0.0.1');
    server = { app, url, dataDir, config };
    return server;
  };

  beforeEach(async () => {
    fake = await FakeTelegramApi.start();
    clock = new TestClock();
  });

  afterEach(async () => {
    if (server) {
      await server.app.close();
      removeDataDir(server.dataDir);
    }
    server = undefined;
    await fake.close();
  });

  it('polling: registers commands, answers /start with the menu as a keyboard and checks an order', async () => {
    const running = await boot('polling');
    assert.equal(fake.callsOf('deleteWebhook').length, 1);
    assert.deepEqual(
      fake
        .callsOf('setMyCommands')
        .map((call) => [
          call.params.language_code,
          (call.params.commands as { command: string; description: string }[]).map(
            (c) => `${c.command}:${c.description}`,
          ),
        ]),
      [
        [
          undefined,
          [
            'start:Start the conversation',
            'help:What I can do',
            'agent:Talk to a person',
            'language:Change the language',
          ],
        ],
        [
          'en',
          [
            'start:Start the conversation',
            'help:What I can do',
            'agent:Talk to a person',
            'language:Change the language',
          ],
        ],
        [
          'es',
          [
            'start:Empezar la conversación',
            'help:Qué puedo hacer',
            'agent:Hablar con una persona',
            'language:Cambiar el idioma',
          ],
        ],
        // Telegram keys command lists by language only: zh-CN registers `zh`, zh-TW adds nothing.
        ['zh', ['start:开始对话', 'help:我能做什么', 'agent:联系真人客服', 'language:切换语言']],
        [
          'lv',
          ['start:Sākt sarunu', 'help:Ko es varu darīt', 'agent:Runāt ar cilvēku', 'language:Mainīt valodu'],
        ],
      ],
    );
    const bob = new TelegramCustomer(fake, running, 'polling', {
      id: 2001,
      first_name: 'Bob',
      language_code: 'en',
    });
    assert.deepEqual(await bob.say('/start', 2), [en('welcome.greeting'), en('menu.prompt')]);
    assert.deepEqual(
      bob.buttons().map((button) => button.text),
      [en('menu.orderStatus'), en('menu.returnItem'), en('menu.appointment'), en('menu.humanAgent')],
    );
    assert.deepEqual(await bob.press(en('menu.orderStatus')), [en('orders.askNumber')]);
    // The button's spinner was stopped before the bot answered.
    const answered = fake.calls.findIndex((call) => call.method === 'answerCallbackQuery');
    const asked = fake.calls.findIndex(
      (call) => call.method === 'sendMessage' && call.params.text === en('orders.askNumber'),
    );
    assert.ok(answered >= 0 && answered < asked, `answerCallbackQuery at ${answered}, reply at ${asked}`);

    assert.deepEqual(await bob.say('SB-10001'), [en('verification.ask')]);
    assert.deepEqual(await bob.say('ana.garcia@example.com', 3), [
      en({
        key: 'orders.summary',
        vars: {
          number: 'SB-10001',
          placed: 'June 9, 2025',
          items: 'Trail running shoes, size 42; Hiking socks, 3-pack',
        },
      }),
      en({
        key: 'orders.status.shipped',
        vars: { carrier: 'SEUR', tracking: 'SEUR8834120567', expected: 'June 13, 2025' },
      }),
      en('menu.anythingElse'),
    ]);
    // The conversation is the chat, under the telegram channel id.
    const keys = Object.keys(await running.app.stateStore.storage.read(['telegram/conversations/2001/']));
    assert.deepEqual(keys, ['telegram/conversations/2001/']);
  });

  it('polling: an update delivered twice is answered once, also after a restart', async () => {
    const running = await boot('polling');
    const bob = new TelegramCustomer(fake, running, 'polling', {
      id: 2002,
      first_name: 'Bob',
      language_code: 'en',
    });
    const update = { update_id: fake.takeUpdateId(), ...bob.message('help') };
    fake.queueUpdate(update);
    fake.queueUpdate(update);
    await fake.until('help answered', () => fake.textsTo(bob.chatId).length >= 3);
    // A later message's reply proves the repeat was handled (and dropped) before it.
    assert.deepEqual(await bob.say('cancel', 2), [en('main.nothingToCancel'), en('menu.prompt')]);
    assert.deepEqual(fake.textsTo(bob.chatId).slice(0, 3), [
      en('welcome.greeting'),
      en('help.main'),
      en('menu.prompt'),
    ]);

    await running.app.close();
    const again = makeServer({ config: running.config, logger: silentLogger(), clock });
    server = { ...running, app: again, url: await again.listen(0, '127.0.0.1') };
    fake.queueUpdate(update);
    assert.deepEqual(await bob.say('cancel', 2), [en('main.nothingToCancel'), en('menu.prompt')]);
    assert.equal(fake.textsTo(bob.chatId).filter((text) => text === en('help.main')).length, 1);
  });

  it('webhook: sets the webhook with its secret and refuses requests without it', async () => {
    const running = await boot('webhook');
    assert.deepEqual(fake.currentWebhook, { url: 'https://bot.example.test/api/telegram', secret: SECRET });
    assert.equal(fake.callsOf('deleteWebhook').length, 0);
    const bob = new TelegramCustomer(fake, running, 'webhook', {
      id: 2003,
      first_name: 'Bob',
      language_code: 'en',
    });

    for (const headers of [{}, { 'x-telegram-bot-api-secret-token': 'wrong' }] as Record<string, string>[]) {
      const refused = await postUpdate(running, { update_id: 1, ...bob.message('hello') }, headers);
      assert.equal(refused.status, 401);
      assert.deepEqual(await refused.json(), {
        code: 'Unauthorized',
        message: 'X-Telegram-Bot-Api-Secret-Token is missing or wrong',
      });
    }
    const malformed = await postUpdate(running, { message: { text: 'no update id' } });
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { code: string }).code, 'BadUpdate');
    const notJson = await postUpdate(running, '{"update_id": 1,');
    assert.equal(notJson.status, 400);
    assert.equal(typeof ((await notJson.json()) as { message?: unknown }).message, 'string');
    assert.deepEqual(fake.textsTo(bob.chatId), [], 'nothing refused was processed');

    assert.deepEqual(await bob.say('hello', 2), [en('welcome.greeting'), en('menu.prompt')]);
  });

  it('webhook, es: a return chosen through inline keyboards, with the label as a document', async () => {
    const running = await boot('webhook');
    const ana = new TelegramCustomer(fake, running, 'webhook', {
      id: 2004,
      first_name: 'Ana',
      language_code: 'es-ES',
    });
    assert.deepEqual(await ana.say('hola', 2), [es('welcome.greeting'), es('menu.prompt')]);
    assert.deepEqual(await ana.press(es('menu.returnItem')), [es('orders.askNumber')]);
    assert.deepEqual(await ana.say('SB-10002'), [es('verification.ask')]);
    // The underwear is named as not returnable before the item question.
    assert.deepEqual(await ana.say('28013', 2), [
      es({
        key: 'returns.ineligible.nonReturnable',
        vars: { item: 'Merino base-layer briefs, M', category: es('categories.underwear') },
      }),
      es('returns.askItems'),
    ]);
    assert.deepEqual(await ana.press('Rain jacket, M'), [es('returns.askReason')]);
    assert.deepEqual(await ana.press(es('returns.reasons.damaged')), [es('returns.askRefund')]);
    const [confirm] = await ana.press(es('returns.refund.originalPayment'));
    assert.ok(confirm?.startsWith('Devolver'), confirm);
    const [created, menu] = await ana.press(es('common.yes'), 2);
    assert.equal(menu, es('menu.anythingElse'));
    const rma = /RMA-[A-Z2-9]{8}/.exec(created ?? '')?.[0] ?? '';
    assert.match(rma, /^RMA-/);

    const [document] = fake.callsOf('sendDocument', ana.chatId);
    const file = document?.params.document as UploadedFile | undefined;
    assert.equal(file?.fileName, `return-label-${rma}.pdf`);
    assert.equal(file?.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    // The label comes after the text that announces it and before the menu.
    const order = fake.calls
      .filter(
        (call) =>
          String(call.params.chat_id) === ana.chatId && ['sendMessage', 'sendDocument'].includes(call.method),
      )
      .slice(-3)
      .map((call) => call.method);
    assert.deepEqual(order, ['sendMessage', 'sendDocument', 'sendMessage']);
    assert.equal(fake.callsOf('answerCallbackQuery').length, 5);
  });

  it('polling, en: an appointment booked through inline keyboards, with the calendar file as a document', async () => {
    const running = await boot('polling');
    const li = new TelegramCustomer(fake, running, 'polling', {
      id: 2010,
      first_name: 'Li',
      language_code: 'en',
    });
    assert.deepEqual(await li.say('hello', 2), [en('welcome.greeting'), en('menu.prompt')]);
    assert.deepEqual(await li.press(en('menu.appointment')), [en('appointments.askAction')]);
    assert.deepEqual(await li.press('Book an appointment'), [en('appointments.askService')]);
    assert.deepEqual(await li.press('Repair drop-off'), [en('appointments.askDay')]);
    assert.deepEqual(await li.say('next Tuesday'), [
      en({ key: 'appointments.pickSlot', vars: { date: 'Tuesday, June 17, 2025' } }),
    ]);
    assert.deepEqual(await li.press('10:00 AM'), [en('appointments.askContact')]);
    assert.deepEqual(await li.say('+34 699 000 111'), [
      en({
        key: 'appointments.confirmBooking',
        vars: { service: 'Repair drop-off', date: 'Tuesday, June 17, 2025', time: '10:00 AM' },
      }),
    ]);
    const [booked] = await li.press(en('common.yes'), 2);
    const reference = /BK-[A-Z2-9]{6}/.exec(booked ?? '')?.[0] ?? '';
    assert.match(reference, /^BK-/, booked);
    const [document] = fake.callsOf('sendDocument', li.chatId);
    const file = document?.params.document as UploadedFile | undefined;
    assert.match(file?.fileName ?? '', new RegExp(`${reference}.*\\.ics$`));
    const ics = file?.bytes.toString('utf8') ?? '';
    assert.ok(ics.includes('DTSTART:20250617T080000Z\r\n'), ics);
    assert.ok(ics.includes(`UID:${reference}@switchboard\r\n`), ics);
  });

  it('webhook, es: a photo gets the text-only notice and the menu', async () => {
    const running = await boot('webhook');
    const ana = new TelegramCustomer(fake, running, 'webhook', {
      id: 2005,
      first_name: 'Ana',
      language_code: 'es',
    });
    const photo = ana.message('');
    const { text: _text, ...withoutText } = photo.message as Record<string, unknown>;
    const replies = await ana.send(
      { message: { ...withoutText, photo: [{ file_id: 'p1', width: 9, height: 9 }] } },
      3,
    );
    assert.deepEqual(replies, [es('channels.textOnly'), es('welcome.greeting'), es('menu.prompt')]);
  });

  it('webhook: a 429 is waited out and the reply still arrives; a 403 ends the queued handoff', async () => {
    const running = await boot('webhook');
    const bob = new TelegramCustomer(fake, running, 'webhook', {
      id: 2006,
      first_name: 'Bob',
      language_code: 'en',
    });
    fake.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      retry_after: 1,
    });
    assert.deepEqual(await bob.say('hello', 2), [en('welcome.greeting'), en('menu.prompt')]);
    assert.equal(fake.callsOf('sendMessage', bob.chatId).length, 3, 'the refused call was made again');

    assert.deepEqual(await bob.say('agent'), [
      en({ key: 'handoff.queued', vars: { position: 1, minutes: 3 } }),
    ]);
    const [queued] = await running.app.handoff.store.queued();
    assert.equal(queued?.channelId, 'telegram');
    fake.block(bob.chatId);
    // The customer writes once more; the "still waiting" reply is refused with 403.
    await bob.deliver(bob.message('hello?'));
    const after = await running.app.handoff.store.getCase(queued.id);
    assert.equal(after?.state, 'ended');
    assert.equal(after?.disposition, 'customerUnreachable:blocked');
  });

  it('webhook: an agent takes the Telegram customer from the console and replies into the chat', async () => {
    const running = await boot('webhook');
    await running.app.handoff.agents.create({
      username: 'ana',
      name: 'Ana',
      role: 'agent',
      teams: ['support'],
      password: PASSWORD,
    });
    const bob = new TelegramCustomer(fake, running, 'webhook', {
      id: 2007,
      first_name: 'Bob',
      language_code: 'en',
    });
    await bob.say('/start', 2);
    assert.deepEqual(await bob.say('/agent'), [
      en({ key: 'handoff.queued', vars: { position: 1, minutes: 3 } }),
    ]);

    const agent = await login(running.url, 'ana');
    const { body } = await agent.get<{ cases: { id: number; channel: string }[] }>('/api/console/queue');
    const [waiting] = body.cases;
    assert.equal(waiting?.channel, 'telegram');
    const before = fake.textsTo(bob.chatId).length;
    assert.equal((await agent.post(`/api/console/cases/${waiting.id}/claim`)).status, 200);
    assert.equal(
      (await agent.post(`/api/console/cases/${waiting.id}/messages`, { text: 'Hi Bob, how can I help?' }))
        .status,
      200,
    );
    await fake.until('agent reply', () => fake.textsTo(bob.chatId).length >= before + 2);
    assert.deepEqual(fake.textsTo(bob.chatId).slice(before), [
      en({ key: 'handoff.agentJoined', vars: { agentName: 'Ana' } }),
      en({ key: 'handoff.agentMessage', vars: { agentName: 'Ana', text: 'Hi Bob, how can I help?' } }),
    ]);

    await bob.deliver(bob.message('my parcel is late'));
    const details = await agent.get<{ transcript: { role: string; text: string }[] }>(
      `/api/console/cases/${waiting.id}`,
    );
    assert.equal(details.body.transcript.at(-1)?.text, 'my parcel is late');

    assert.equal(
      (await agent.post(`/api/console/cases/${waiting.id}/end`, { disposition: 'resolved' })).status,
      200,
    );
    await fake.until('survey', () => fake.textsTo(bob.chatId).includes(en('handoff.survey')));
    assert.equal((await bob.press('5'))[0], en('handoff.surveyThanks'));
    assert.equal((await running.app.handoff.store.getCase(waiting.id))?.satisfaction, 5);
  });
});
