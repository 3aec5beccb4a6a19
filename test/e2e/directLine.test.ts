import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { expectedText } from '../support/dialogTable';
import { TestDirectLineClient, type Transport } from '../support/directLineClient';
import { makeDataDir, removeDataDir, startServer, type RunningServer, webOf } from '../support/testServer';

const en = (key: Parameters<typeof expectedText>[1]) => expectedText('en', key);

/** A token for a new conversation, as the web chat page gets one. */
async function pageToken(url: string): Promise<{ token: string; conversationId: string; userId: string }> {
  const response = await fetch(`${url}/api/directline/token`, { method: 'POST' });
  assert.equal(response.status, 200);
  return (await response.json()) as { token: string; conversationId: string; userId: string };
}

function assertWellFormed(activities: Activity[]): void {
  for (const activity of activities) {
    assert.equal(typeof activity.id, 'string', JSON.stringify(activity));
    assert.match(
      String(activity.timestamp),
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/,
      JSON.stringify(activity),
    );
    assert.ok(activity.from?.role === 'user' || activity.from?.role === 'bot', JSON.stringify(activity.from));
  }
}

for (const transport of ['polling', 'websocket'] as Transport[]) {
  describe(`Direct Line 3.0 with botframework-directlinejs over ${transport}`, () => {
    let server: RunningServer;
    const clients: TestDirectLineClient[] = [];
    const client = (options: ConstructorParameters<typeof TestDirectLineClient>[0]) => {
      const created = new TestDirectLineClient(options);
      clients.push(created);
      return created;
    };

    afterEach(async () => {
      for (const c of clients.splice(0)) c.end();
      await server?.app.close();
      if (server) removeDataDir(server.dataDir);
    });

    it("starts a conversation, echoes the customer's message with its clientActivityID and delivers the replies", async () => {
      server = await startServer();
      const { token } = await pageToken(server.url);
      const dl = client({ baseUrl: server.url, token, transport });

      await dl.waitFor((a) => a.text === en('welcome.greeting'), 'welcome on conversation start');
      const id = await dl.send('help', 'client-1');
      const echo = await dl.waitFor((a) => a.id === id, 'echo of the posted message');
      assert.equal(echo.from.role, 'user');
      assert.equal(echo.text, 'help');
      assert.equal((echo.channelData as { clientActivityID?: string }).clientActivityID, 'client-1');
      await dl.waitFor((a) => a.text === en('help.main'), 'help reply');
      const menu = await dl.waitFor(
        (a) => a.text === en('menu.prompt') && a.replyToId === id,
        'menu after help',
      );
      assert.deepEqual(
        menu.suggestedActions?.actions.map((action) => action.title),
        ['Order status', 'Return an item', 'Appointments', 'Talk to a person'],
      );
      assertWellFormed(dl.received);
      const order = dl.received.map((a) => Number(a.id?.split('|')[1]));
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        'activities arrive in watermark order',
      );
    });

    it('works with the secret instead of a token', async () => {
      server = await startServer();
      const dl = client({ baseUrl: server.url, secret: webOf(server.app).settings.secret, transport });
      await dl.send('hello');
      await dl.waitFor((a) => a.text === en('menu.prompt'), 'menu');
    });

    it('resumes with its watermark after a server restart and receives only what it missed', async () => {
      const dataDir = makeDataDir();
      server = await startServer({ DATA_DIR: dataDir });
      const { token } = await pageToken(server.url);
      const first = client({ baseUrl: server.url, token, transport });
      await first.send('help');
      await first.waitFor((a) => a.text === en('menu.prompt'), 'menu after help');
      const { watermark, conversationId } = first;
      const seenIds = new Set(first.received.map((a) => a.id));
      first.end();

      // While the client is away the customer writes from another tab; then the server restarts.
      const posted = await fetch(`${server.url}/v3/directline/conversations/${conversationId}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', from: { id: 'customer' }, text: 'language' }),
      });
      assert.equal(posted.status, 200);
      await server.app.close();
      server = await startServer({ DATA_DIR: dataDir });

      const resumed = client({ baseUrl: server.url, token, conversationId, watermark, transport });
      await resumed.waitFor(
        (a) => a.text === 'language' && a.from.role === 'user',
        'the missed customer message',
      );
      await resumed.waitFor((a) => a.text === en('language.prompt'), 'the missed bot reply');
      assert.deepEqual(
        resumed.received.filter((a) => seenIds.has(a.id)).map((a) => a.text),
        [],
        'nothing already seen is delivered again',
      );
      // The conversation itself continues where it was: the language prompt is waiting.
      await resumed.send('Español');
      await resumed.waitFor(
        (a) => a.text === expectedText('es', 'language.changed'),
        'answer to the resumed prompt',
      );
    });
  });
}
