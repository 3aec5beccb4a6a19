import assert from 'node:assert/strict';
import type { InsightsReport } from '../../bot/insights';
import { PASSWORD, login } from '../handoff/consoleFixture';
import { expectedText } from '../support/dialogTable';
import { FAKE_BOT_TOKEN, FakeTelegramApi } from '../support/fakeTelegramApi';
import { removeDataDir, startServer, type RunningServer } from '../support/testServer';

describe('insights of a Telegram conversation (real server, fake Bot API)', function () {
  this.timeout(60_000);
  let fake: FakeTelegramApi;
  let server: RunningServer;

  before(async () => {
    fake = await FakeTelegramApi.start();
    server = await startServer({ TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN, TELEGRAM_API_ROOT: fake.url });
    await server.app.handoff.agents.create({
      username: 'lena',
      name: 'Lena',
      role: 'lead',
      teams: [],
      password: PASSWORD,
    });
  });
  after(async () => {
    await server.app.close();
    removeDataDir(server.dataDir);
    await fake.close();
  });

  let messageId = 1;
  const say = async (text: string, replies: number): Promise<string[]> => {
    const before = fake.textsTo('5150').length;
    fake.queueUpdate({
      message: {
        message_id: messageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: 5150, type: 'private', first_name: 'Marta' },
        from: { id: 5150, is_bot: false, first_name: 'Marta', language_code: 'es' },
        text,
      },
    });
    await fake.until(`${replies} replies`, () => fake.textsTo('5150').length >= before + replies);
    return fake.textsTo('5150').slice(before);
  };

  it('counts the conversation in channel telegram and locale es, with its cancelled task', async () => {
    await say('dónde está mi pedido', 2);
    assert.deepEqual(await say('cancelar', 2), [
      expectedText('es', 'cancel.done'),
      expectedText('es', 'menu.anythingElse'),
    ]);
    // The replies arrive before their turns end: the events of a turn's end come after.
    await server.app.turnQueue.idle();
    await server.app.insights.recorder.flush();
    const lena = await login(server.url, 'lena');
    const { body } = await lena.get<InsightsReport>('/api/console/insights?channel=telegram&locale=es');
    assert.equal(body.totals.conversations, 1);
    assert.deepEqual([body.totals.tasks.started, body.totals.tasks.cancelled], [1, 1]);
    assert.equal(body.totals.messages.total, 2);
    const stored = JSON.stringify(
      await server.app.insights.database.db
        .withTables<{ insight_events: Record<string, unknown> }>()
        .selectFrom('insight_events')
        .selectAll()
        .execute(),
    );
    assert.ok(!stored.includes('5150'), 'the chat id is not stored');
    assert.ok(!stored.includes('Marta'));
  });
});
