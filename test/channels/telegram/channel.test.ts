import assert from 'node:assert/strict';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { MemoryStorage, type TurnContext } from 'botbuilder';
import sinon from 'sinon';
import { ConfigError, parseConfig } from '../../../bot/config';
import { silentLogger } from '../../../bot/logger';
import type { StateStore } from '../../../bot/storage';
import type { Channel, ChannelDeps, ConversationGone } from '../../../channels/channel';
import { CallbackData } from '../../../channels/telegram/callbackData';
import { makeTelegramChannel, telegramChannel } from '../../../channels/telegram';
import { SeenUpdates } from '../../../channels/telegram/seenUpdates';
import { FAKE_BOT_TOKEN, FakeTelegramApi } from '../../support/fakeTelegramApi';
import { i18n } from '../../support/dialogTable';
import { loadedSecrets } from '../../../bot/secrets';

function memoryStore(): StateStore {
  return { storage: new MemoryStorage(), isOpen: () => true, close: () => undefined };
}

/** Echoes each message after a random pause, so turns of different chats overtake each other. */
async function echo(context: TurnContext): Promise<void> {
  if (context.activity.type !== 'message') return;
  for (let pauses = Math.floor(Math.random() * 4); pauses > 0; pauses -= 1) await yieldToEventLoop();
  await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
}

describe('Telegram channel', () => {
  let sandbox: sinon.SinonSandbox;
  let fake: FakeTelegramApi;
  let channel: Channel | undefined;
  let gone: sinon.SinonStub<[ConversationGone], Promise<void>>;
  let waits: number[];

  const deps = (env: Record<string, string> = {}): ChannelDeps => ({
    config: parseConfig({ TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN, TELEGRAM_API_ROOT: fake.url, ...env }),
    logic: echo,
    i18n,
    logger: silentLogger(),
    stateStore: memoryStore(),
    secrets: loadedSecrets({}),
    isClosing: () => false,
    conversationGone: gone,
    channelFor: () => channel,
  });

  const startChannel = async (env: Record<string, string> = {}): Promise<Channel> => {
    channel = makeTelegramChannel(deps(env), {
      wait: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    assert.ok(channel);
    await channel.start();
    return channel;
  };

  const text = (chatId: number, body: string) => ({
    message: {
      message_id: 1,
      date: 1,
      chat: { id: chatId, type: 'private' },
      from: { id: chatId, is_bot: false, first_name: 'C', language_code: 'en' },
      text: body,
    },
  });

  beforeEach(async () => {
    sandbox = sinon.createSandbox();
    gone = sandbox.stub<[ConversationGone], Promise<void>>().resolves();
    waits = [];
    fake = await FakeTelegramApi.start();
  });

  afterEach(async () => {
    if (channel) {
      await channel.stopAccepting();
      await channel.close();
    }
    channel = undefined;
    await fake.close();
    sandbox.restore();
  });

  it('telegramChannel() is off without TELEGRAM_BOT_TOKEN', () => {
    assert.equal(telegramChannel({ ...deps(), config: parseConfig({}) }), undefined);
    assert.equal(telegramChannel(deps())?.name, 'telegram');
  });

  it('start() names the variables to check when the token is refused', async () => {
    channel = makeTelegramChannel({
      ...deps(),
      config: parseConfig({
        TELEGRAM_BOT_TOKEN: '123:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        TELEGRAM_API_ROOT: fake.url,
      }),
    });
    await assert.rejects(
      channel!.start(),
      /Telegram channel: getMe failed \(check TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT\): 401: Unauthorized/,
    );
    assert.equal(channel!.isReady(), false);
    channel = undefined;
  });

  it('polling: 100 updates of 10 chats, queued at once, are answered in order within each chat', async () => {
    await startChannel();
    const chats = Array.from({ length: 10 }, (_, index) => 3000 + index);
    for (let turn = 0; turn < 10; turn += 1)
      for (const chat of chats) fake.queueUpdate(text(chat, `m${turn}`));
    await fake.until('100 replies', () => fake.callsOf('sendMessage').length >= 100);
    for (const chat of chats) {
      assert.deepEqual(
        fake.textsTo(String(chat)),
        Array.from({ length: 10 }, (_, turn) => `echo: m${turn}`),
        `chat ${chat}`,
      );
    }
    assert.equal(channel!.isReady(), true);
  });

  it('sendActivities() waits the retry_after of a 429 and tries again', async () => {
    await startChannel();
    fake.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 3',
      retry_after: 3,
    });
    fake.queueUpdate(text(3100, 'hi'));
    await fake.until('reply', () => fake.textsTo('3100').length === 1);
    assert.deepEqual(waits, [3000]);
    assert.deepEqual(fake.textsTo('3100'), ['echo: hi']);
  });

  it('a 403 marks the chat gone once: later sends of the turn fail without calling Telegram', async () => {
    await startChannel();
    fake.block('3200');
    const failures: string[] = [];
    await channel!.continueConversation(
      {
        channelId: 'telegram',
        conversation: { id: '3200', isGroup: false, conversationType: 'private', name: '' },
      },
      async (context) => {
        for (const reply of ['one', 'two']) {
          await context
            .sendActivity(reply)
            .catch((error: Error) => failures.push(`${error.name}: ${error.message}`));
        }
      },
    );
    assert.deepEqual(failures, [
      'ChatGoneError: Telegram chat 3200 cannot be reached: Forbidden: bot was blocked by the user',
      'ChatGoneError: Telegram chat 3200 cannot be reached: the customer blocked the bot',
    ]);
    assert.equal(fake.callsOf('sendMessage', '3200').length, 1);
    assert.deepEqual(gone.args, [[{ channelId: 'telegram', conversationId: '3200', reason: 'blocked' }]]);
  });

  it('a my_chat_member "kicked" update tells the bot the customer blocked it', async () => {
    await startChannel();
    fake.queueUpdate({
      my_chat_member: {
        chat: { id: 3300, type: 'private' },
        from: { id: 3300, is_bot: false, first_name: 'C' },
        date: 1,
        old_chat_member: { status: 'member' },
        new_chat_member: { status: 'kicked' },
      },
    });
    fake.queueUpdate(text(3301, 'after'));
    await fake.until('later update handled', () => fake.textsTo('3301').length === 1);
    assert.deepEqual(gone.args, [[{ channelId: 'telegram', conversationId: '3300', reason: 'blocked' }]]);
  });

  it('group chats are answered only with TELEGRAM_ALLOW_GROUPS=true', async () => {
    const group = (id: number) => ({
      message: { ...text(id, 'hi').message, chat: { id, type: 'group', title: 'G' } },
    });
    await startChannel();
    fake.queueUpdate(group(-1));
    fake.queueUpdate(text(3400, 'private'));
    await fake.until('private answered', () => fake.textsTo('3400').length === 1);
    assert.deepEqual(fake.textsTo('-1'), []);
    await channel!.stopAccepting();
    await channel!.close();

    await startChannel({ TELEGRAM_ALLOW_GROUPS: 'true' });
    fake.queueUpdate(group(-2));
    await fake.until('group answered', () => fake.textsTo('-2').length === 1);
  });

  it('a button whose stored value is gone is answered with a notice and runs no turn', async () => {
    await startChannel();
    fake.queueUpdate({
      callback_query: {
        id: 'q-old',
        from: { id: 3500, is_bot: false, first_name: 'C', language_code: 'es' },
        message: { message_id: 1, date: 1, chat: { id: 3500, type: 'private' } },
        chat_instance: 'x',
        data: 'h:unknownunknownunknow',
      },
    });
    await fake.until('answered', () => fake.callsOf('answerCallbackQuery').length === 1);
    assert.equal(
      fake.callsOf('answerCallbackQuery')[0]?.params.text,
      'Ese botón ya no funciona. Escribe tu respuesta, por favor.',
    );
    fake.queueUpdate(text(3500, 'next'));
    await fake.until('next answered', () => fake.textsTo('3500').length === 1);
    assert.deepEqual(fake.textsTo('3500'), ['echo: next']);
  });

  it('continueConversation(), updateActivity() and deleteActivity() reach the chat', async () => {
    await startChannel();
    const reference = {
      channelId: 'telegram',
      conversation: { id: '3600', isGroup: false, conversationType: 'private', name: '' },
      user: { id: 'tg:3600', name: 'C' },
      bot: { id: 'tg:777000111', name: 'Switchboard' },
      serviceUrl: fake.url,
    };
    let sentId = '';
    await channel!.continueConversation(reference, async (context) => {
      await context.sendActivity({ type: 'typing' });
      sentId = (await context.sendActivity('Your position: 3'))?.id ?? '';
      await context.updateActivity({ type: 'message', id: sentId, text: 'Your position: 2' });
      await context.deleteActivity(sentId);
    });
    assert.match(sentId, /^\d+$/);
    assert.deepEqual(fake.callsOf('sendChatAction', '3600')[0]?.params.action, 'typing');
    assert.deepEqual(
      fake.callsOf('editMessageText', '3600').map((call) => [call.params.message_id, call.params.text]),
      [[Number(sentId), 'Your position: 2']],
    );
    assert.deepEqual(fake.callsOf('deleteMessage', '3600')[0]?.params.message_id, Number(sentId));
  });

  it('a long reply is split into messages of at most 4096 characters', async () => {
    await startChannel();
    const paragraph = `${'word '.repeat(500)}end.`;
    await channel!.continueConversation(
      {
        channelId: 'telegram',
        conversation: { id: '3700', isGroup: false, conversationType: 'private', name: '' },
      },
      async (context) => {
        await context.sendActivity(`${paragraph}\n\n${paragraph}\n\n${paragraph}`);
      },
    );
    const texts = fake.textsTo('3700');
    // One paragraph per message: two do not fit in one.
    assert.equal(texts.length, 3);
    for (const part of texts) assert.ok(part.length <= 4096, String(part.length));
    assert.equal(texts.join('\n\n'), `${paragraph}\n\n${paragraph}\n\n${paragraph}`);
  });
});

describe('SeenUpdates', () => {
  it('firstTime() is true once per id, remembers across instances and forgets after the TTL', async () => {
    const storage = new MemoryStorage();
    let now = 1_000_000;
    const seen = new SeenUpdates(storage, { ttlMs: 144_000, botId: 1, now: () => now });
    assert.deepEqual(await Promise.all([seen.firstTime(1), seen.firstTime(1), seen.firstTime(2)]), [
      true,
      false,
      true,
    ]);
    const restarted = new SeenUpdates(storage, { ttlMs: 144_000, botId: 1, now: () => now });
    assert.equal(await restarted.firstTime(1), false);
    assert.equal(
      await new SeenUpdates(storage, { ttlMs: 144_000, botId: 2, now: () => now }).firstTime(1),
      true,
    );
    now += 146_000;
    assert.equal(await restarted.firstTime(1), true);
  });

  it('firstTime() does not remember an id whose write failed', async () => {
    const storage = new MemoryStorage();
    const seen = new SeenUpdates(storage, { ttlMs: 60_000, botId: 1 });
    const write = sinon.stub(storage, 'write').rejects(new Error('disk full'));
    try {
      await assert.rejects(seen.firstTime(5), /disk full/);
    } finally {
      write.restore();
    }
    assert.equal(await seen.firstTime(5), true);
  });
});

describe('CallbackData', () => {
  it('keeps short values in the button and long ones under an id that survives a restart', async () => {
    const storage = new MemoryStorage();
    const long = 'Martes, 17 de junio de 2025, 10:00 — Entrega para reparación (tienda centro)';
    assert.equal(CallbackData.encode('Sí'), 'v:Sí');
    const data = CallbackData.encode(long);
    assert.ok(Buffer.byteLength(data) <= 64, data);
    await new CallbackData(storage).remember([long, 'Sí']);
    assert.equal(await new CallbackData(storage).decode(data), long);
    assert.equal(await new CallbackData(storage).decode('v:Sí'), 'Sí');
    assert.equal(await new CallbackData(new MemoryStorage()).decode(data), undefined);
    assert.equal(await new CallbackData(storage).decode('garbage'), undefined);
  });
});

describe('parseConfig() for Telegram', () => {
  const problems = (env: Record<string, string>): string[] => {
    try {
      parseConfig(env);
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.problems;
    }
    return [];
  };

  it('reads every TELEGRAM_* variable', () => {
    assert.deepEqual(
      parseConfig({
        TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
        TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
        TELEGRAM_WEBHOOK_URL: 'https://bot.example/api/telegram',
        TELEGRAM_WEBHOOK_SECRET: 'a_secret-of-16chars',
        TELEGRAM_ALLOW_GROUPS: 'true',
      }).telegram,
      {
        botToken: FAKE_BOT_TOKEN,
        apiRoot: 'http://127.0.0.1:8081',
        webhookUrl: 'https://bot.example/api/telegram',
        webhookSecret: 'a_secret-of-16chars',
        allowGroups: true,
      },
    );
  });

  it('names TELEGRAM_WEBHOOK_SECRET when a webhook URL comes without it, and hides bad secrets', () => {
    assert.deepEqual(
      problems({
        TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
        TELEGRAM_WEBHOOK_URL: 'https://bot.example/api/telegram',
      }),
      ['TELEGRAM_WEBHOOK_SECRET must be set when TELEGRAM_WEBHOOK_URL is set'],
    );
    assert.deepEqual(problems({ TELEGRAM_BOT_TOKEN: 'not a token' }), [
      'TELEGRAM_BOT_TOKEN must be the token BotFather gave, like 123456789:AA… (value hidden)',
    ]);
    assert.deepEqual(
      problems({
        TELEGRAM_WEBHOOK_URL: 'https://x.example/api/telegram',
        TELEGRAM_WEBHOOK_SECRET: 'short secret!',
      }),
      ['TELEGRAM_WEBHOOK_SECRET must be 16 to 256 characters of A-Z, a-z, 0-9, _ and - (value hidden)'],
    );
    assert.deepEqual(problems({ TELEGRAM_ALLOW_GROUPS: 'yes' }), [
      'TELEGRAM_ALLOW_GROUPS must be one of true, false (received "yes")',
    ]);
  });
});
