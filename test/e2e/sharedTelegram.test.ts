import assert from 'node:assert/strict';
import { FAKE_BOT_TOKEN, FakeTelegramApi, type UpdateBody } from '../support/fakeTelegramApi';
import { sharedInstances, type SharedInstances } from '../support/sharedInstances';
import { startServer, type RunningServer } from '../support/testServer';

const SECRET = 'webhook-secret-for-shared-tests_0123456789';
const TELEGRAM = {
  TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
  TELEGRAM_WEBHOOK_URL: 'https://bot.example.test/api/telegram',
  TELEGRAM_WEBHOOK_SECRET: SECRET,
};
/** What a customer writes, turn by turn: a greeting, a question, a task begun and cancelled. */
const SCRIPT = ['/start', 'what can you do?', 'I want to return something', 'cancel', 'thanks'];

/** A private-chat message update of `chatId`, numbered by the fake Bot API. */
function message(fake: FakeTelegramApi, chatId: number, messageId: number, text: string): UpdateBody {
  const user = { id: chatId, is_bot: false, first_name: 'Zelda', language_code: 'en' };
  return {
    update_id: fake.takeUpdateId(),
    message: {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: 'private', first_name: 'Zelda' },
      from: user,
      text,
      ...(text.startsWith('/')
        ? { entities: [{ type: 'bot_command', offset: 0, length: text.length }] }
        : {}),
    },
  };
}

/** Posts `update` to an instance's webhook as Telegram does; Telegram only needs the 200. */
async function deliver(server: RunningServer, update: UpdateBody): Promise<void> {
  const response = await fetch(`${server.url}/api/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify(update),
  });
  assert.equal(response.status, 200, await response.text());
}

describe('Telegram on two instances (one PostgreSQL, one Redis, two DATA_DIRs)', function () {
  this.timeout(60_000);
  let instances: SharedInstances | undefined;
  let fake: FakeTelegramApi;
  let one: RunningServer;
  let two: RunningServer;

  before(async function () {
    instances = await sharedInstances(this);
    fake = await FakeTelegramApi.start();
    one = await instances.start({ TELEGRAM_API_ROOT: fake.url, ...TELEGRAM });
    two = await instances.start({ TELEGRAM_API_ROOT: fake.url, ...TELEGRAM });
  });

  after(async () => {
    await instances?.stop();
    await fake?.close();
  });

  /**
   * Sends each text of SCRIPT in chat `chatId` through `pick(turn)`, and returns the replies of
   * each turn. NOTE: the webhook answers once the update's turn ran and its replies went out.
   */
  async function converse(chatId: number, pick: (turn: number) => RunningServer): Promise<string[][]> {
    const replies: string[][] = [];
    for (const [turn, text] of SCRIPT.entries()) {
      const before = fake.textsTo(String(chatId)).length;
      await deliver(pick(turn), message(fake, chatId, turn + 1, text));
      replies.push(fake.textsTo(String(chatId)).slice(before));
    }
    return replies;
  }

  it('a chat whose updates alternate between the instances is answered as one instance answers it', async () => {
    const reference = instances!.keep(await startServer({ TELEGRAM_API_ROOT: fake.url, ...TELEGRAM }));
    const expected = await converse(5001, () => reference);
    assert.ok(expected.every((turn) => turn.length > 0));
    const actual = await converse(5002, (turn) => (turn % 2 === 0 ? one : two));
    assert.deepEqual(actual, expected);
  });

  it('an update Telegram delivers to both instances (a retry landing on the other) is answered once', async () => {
    await deliver(one, message(fake, 5003, 1, 'hello'));
    const once = fake.textsTo('5003').length;
    assert.ok(once > 0);
    const update = message(fake, 5004, 1, 'hello');
    await Promise.all([deliver(one, update), deliver(two, update)]);
    await deliver(two, update);
    assert.equal(fake.textsTo('5004').length, once);
  });
});
