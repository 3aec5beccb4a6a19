import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Activity } from 'botbuilder';
import { WebSocket } from 'ws';
import { DirectLineTokens } from '../../channels/web/tokens';
import { expectedText } from '../support/dialogTable';
import { removeDataDir, startServer, type RunningServer, webOf } from '../support/testServer';
import { waitFor } from '../support/polling';

const en = (key: Parameters<typeof expectedText>[1]) => expectedText('en', key);
const BASE = '/v3/directline';

interface Started {
  conversationId: string;
  token: string;
  streamUrl: string;
}

describe('Direct Line 3.0 endpoint', () => {
  let server: RunningServer;
  let secret: string;
  const sockets: WebSocket[] = [];

  const call = async (
    method: string,
    path: string,
    options: { auth?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.auth) headers.authorization = `Bearer ${options.auth}`;
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      headers: response.headers,
    };
  };

  const start = async (): Promise<Started> => {
    const { status, body } = await call('POST', `${BASE}/conversations`, {
      auth: secret,
      json: { user: { id: 'shopper' } },
    });
    assert.equal(status, 201);
    return body as unknown as Started;
  };

  const activities = async (
    conversation: Started,
    watermark = '',
  ): Promise<{ activities: Activity[]; watermark: string }> => {
    const { status, body } = await call(
      'GET',
      `${BASE}/conversations/${conversation.conversationId}/activities?watermark=${watermark}`,
      {
        auth: conversation.token,
      },
    );
    assert.equal(status, 200);
    return body as unknown as { activities: Activity[]; watermark: string };
  };

  /** Polls until the transcript has `count` activities (the welcome arrives after the 201). */
  const transcript = (conversation: Started, count: number): Promise<Activity[]> =>
    waitFor(async () => {
      const set = await activities(conversation);
      return set.activities.length >= count && set.activities;
    }, `${count} activities in the transcript`);

  const openStream = (url: string, extraHeaders: Record<string, string> = {}): WebSocket => {
    const socket = new WebSocket(url, { headers: extraHeaders });
    // Refused upgrades are asserted through 'unexpected-response'; their error event is expected.
    socket.on('error', () => undefined);
    sockets.push(socket);
    return socket;
  };

  const keepsServing = async () => {
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    await start();
  };

  beforeEach(async () => {
    server = await startServer({
      DIRECTLINE_MAX_UPLOAD_MB: '0.01',
      DIRECTLINE_TOKEN_RATE_LIMIT: '3',
      DIRECTLINE_ALLOWED_ORIGINS: 'https://shop.example',
    });
    secret = webOf(server.app).settings.secret;
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) if (socket.readyState === WebSocket.OPEN) socket.terminate();
    await server.app.close();
    removeDataDir(server.dataDir);
  });

  it('POST /tokens/generate issues a token bound to a new conversation, and POST /conversations starts it', async () => {
    const generated = await call('POST', `${BASE}/tokens/generate`, { auth: secret });
    assert.equal(generated.status, 200);
    assert.equal(typeof generated.body.conversationId, 'string');
    assert.equal(generated.body.expires_in, 1800);
    const started = await call('POST', `${BASE}/conversations`, { auth: String(generated.body.token) });
    assert.equal(started.status, 201);
    assert.equal(started.body.conversationId, generated.body.conversationId);
    assert.match(
      String(started.body.streamUrl),
      /^ws:\/\/127\.0\.0\.1:\d+\/v3\/directline\/conversations\/.+\/stream\?watermark=&t=/,
    );
    const again = await call('POST', `${BASE}/conversations`, { auth: String(generated.body.token) });
    assert.equal(again.status, 200, 'starting an existing conversation returns it');
  });

  it('POST /tokens/refresh extends a token for the same conversation and refuses the secret', async () => {
    const conversation = await start();
    const refreshed = await call('POST', `${BASE}/tokens/refresh`, { auth: conversation.token });
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.conversationId, conversation.conversationId);
    const withSecret = await call('POST', `${BASE}/tokens/refresh`, { auth: secret });
    assert.equal(withSecret.status, 400);
  });

  it('GET /conversations/{id} gives a new token and a stream URL from the watermark', async () => {
    const conversation = await start();
    const resumed = await call('GET', `${BASE}/conversations/${conversation.conversationId}?watermark=2`, {
      auth: conversation.token,
    });
    assert.equal(resumed.status, 200);
    assert.match(String(resumed.body.streamUrl), /\?watermark=2&t=/);
    assert.equal(typeof resumed.body.token, 'string');
  });

  it('polling returns new activities after the watermark, and watermarks only grow', async () => {
    const conversation = await start();
    const welcome = await transcript(conversation, 2);
    assert.deepEqual(
      welcome.map((a) => a.text),
      [en('welcome.greeting'), en('menu.prompt')],
    );
    const first = await activities(conversation);
    const posted = await call('POST', `${BASE}/conversations/${conversation.conversationId}/activities`, {
      auth: conversation.token,
      json: { type: 'message', text: 'help', from: { id: 'someone-else' } },
    });
    assert.equal(posted.status, 200);
    const next = await activities(conversation, first.watermark);
    assert.ok(Number(next.watermark) > Number(first.watermark));
    assert.deepEqual(
      next.activities.map((a) => a.text),
      ['help', en('help.main'), en('menu.prompt')],
    );
    assert.equal(
      next.activities[0]?.from.id,
      'shopper',
      "the conversation's user, not the one the client claims",
    );
    const none = await activities(conversation, next.watermark);
    assert.deepEqual(none, { activities: [], watermark: next.watermark });
  });

  it('a message posted twice with one clientActivityID is answered once', async () => {
    const conversation = await start();
    await transcript(conversation, 2);
    const message = { type: 'message', text: 'help', channelData: { clientActivityID: 'retry-me' } };
    const path = `${BASE}/conversations/${conversation.conversationId}/activities`;
    const [a, b] = await Promise.all([
      call('POST', path, { auth: conversation.token, json: message }),
      call('POST', path, { auth: conversation.token, json: message }),
    ]);
    assert.equal(a.body.id, b.body.id);
    const all = await transcript(conversation, 5);
    // The positive signal that the repeat ran no turn: the next message's reply follows at once.
    await call('POST', path, { auth: conversation.token, json: { type: 'message', text: 'hello' } });
    const after = await transcript(conversation, 7);
    assert.deepEqual(
      after.map((x) => x.text),
      [...all.map((x) => x.text), 'hello', en('menu.prompt')],
    );
    assert.deepEqual(
      all.slice(2).map((x) => x.text),
      ['help', en('help.main'), en('menu.prompt')],
    );
  });

  it("the stream pushes the echo and the replies, and ignores the client's empty pings", async () => {
    const conversation = await start();
    await transcript(conversation, 2);
    const socket = openStream(conversation.streamUrl);
    const frames: { activities: Activity[]; watermark: string }[] = [];
    socket.on('message', (data: Buffer) =>
      frames.push(JSON.parse(data.toString()) as { activities: Activity[]; watermark: string }),
    );
    await once(socket, 'open');
    socket.send('');
    await call('POST', `${BASE}/conversations/${conversation.conversationId}/activities`, {
      auth: conversation.token,
      json: { type: 'message', text: 'help' },
    });
    await waitFor(() => frames.flatMap((f) => f.activities).length >= 5, 'five activities on the stream');
    const texts = frames.flatMap((f) => f.activities).map((a) => a.text);
    assert.deepEqual(texts, [
      en('welcome.greeting'),
      en('menu.prompt'),
      'help',
      en('help.main'),
      en('menu.prompt'),
    ]);
    const marks = frames.map((f) => Number(f.watermark));
    assert.deepEqual(
      marks,
      [...marks].sort((x, y) => x - y),
    );
  });

  it('delivers typing and file attachments the bot sends, through continueConversation', async () => {
    const conversation = await start();
    await transcript(conversation, 2);
    const reference = {
      channelId: 'directline',
      conversation: { id: conversation.conversationId, isGroup: false, conversationType: '', name: '' },
      serviceUrl: server.url,
      bot: { id: 'switchboard', name: 'Switchboard' },
      user: { id: 'shopper', name: '' },
    };
    await webOf(server.app).adapter.continueConversation(reference, async (context) => {
      await context.sendActivity({ type: 'typing' });
      await context.sendActivity({
        type: 'message',
        text: 'Your label',
        attachments: [
          {
            contentType: 'application/pdf',
            contentUrl: 'https://files.example/label.pdf',
            name: 'label.pdf',
          },
        ],
      });
    });
    const received = (await activities(conversation)).activities.slice(2);
    assert.deepEqual(
      received.map((a) => a.type),
      ['typing', 'message'],
    );
    assert.deepEqual(received[1]?.attachments, [
      { contentType: 'application/pdf', contentUrl: 'https://files.example/label.pdf', name: 'label.pdf' },
    ]);
    assert.equal(received[1]?.from.role, 'bot');
  });

  it('uploads files: the bot receives them as attachments behind signed links', async () => {
    const conversation = await start();
    await transcript(conversation, 2);
    const form = new FormData();
    form.append(
      'activity',
      new Blob([JSON.stringify({ type: 'message', text: 'photo of the damage' })], {
        type: 'application/vnd.microsoft.activity',
      }),
    );
    form.append('file', new Blob([Buffer.from('fake-jpeg-bytes')], { type: 'image/jpeg' }), 'damage.jpg');
    const uploaded = await call(
      'POST',
      `${BASE}/conversations/${conversation.conversationId}/upload?userId=shopper`,
      {
        auth: conversation.token,
        body: form,
      },
    );
    assert.equal(uploaded.status, 200);
    const echo = (await activities(conversation)).activities.find((a) => a.id === uploaded.body.id);
    const attachment = echo?.attachments?.[0];
    assert.equal(attachment?.name, 'damage.jpg');
    assert.equal(attachment?.contentType, 'image/jpeg');
    const file = await fetch(String(attachment?.contentUrl));
    assert.equal(file.status, 200);
    assert.equal(Buffer.from(await file.arrayBuffer()).toString(), 'fake-jpeg-bytes');
    const tampered = await fetch(
      String(attachment?.contentUrl).replace(/signature=[^&]+/, 'signature=forged'),
    );
    assert.equal(tampered.status, 403);
  });

  describe('bad input', () => {
    it('an unknown conversation is 404', async () => {
      const response = await call('GET', `${BASE}/conversations/nope/activities`, { auth: secret });
      assert.equal(response.status, 404);
      assert.equal(response.body.code, 'NotFound');
      await keepsServing();
    });

    it('a token of another conversation is 403', async () => {
      const a = await start();
      const b = await start();
      const response = await call('GET', `${BASE}/conversations/${b.conversationId}/activities`, {
        auth: a.token,
      });
      assert.equal(response.status, 403);
      assert.equal(response.body.code, 'Forbidden');
      await keepsServing();
    });

    it('an expired token is 403', async () => {
      const conversation = await start();
      const old = new DirectLineTokens(secret, () => Date.now() - 2 * 60 * 60 * 1000).issue(
        conversation.conversationId,
      );
      const response = await call('POST', `${BASE}/conversations/${conversation.conversationId}/activities`, {
        auth: old.token,
        json: { type: 'message', text: 'hi' },
      });
      assert.equal(response.status, 403);
      assert.equal(response.body.code, 'TokenExpired');
      await keepsServing();
    });

    it('a missing or wrong secret is 401', async () => {
      assert.equal((await call('POST', `${BASE}/conversations`)).status, 401);
      const wrong = await call('POST', `${BASE}/conversations`, { auth: 'not-the-secret' });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.code, 'Unauthorized');
      assert.equal((await call('POST', `${BASE}/tokens/generate`, { auth: 'x'.repeat(43) })).status, 401);
      await keepsServing();
    });

    it('malformed JSON is 400, and so is an activity without a type', async () => {
      const conversation = await start();
      const path = `${BASE}/conversations/${conversation.conversationId}/activities`;
      const malformed = await call('POST', path, {
        auth: conversation.token,
        body: '{"type":',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(malformed.status, 400);
      assert.equal(typeof malformed.body.message, 'string');
      const typeless = await call('POST', path, { auth: conversation.token, json: { text: 'hi' } });
      assert.equal(typeless.status, 400);
      assert.equal(typeless.body.code, 'BadArgument');
      const badWatermark = await call('GET', `${path}?watermark=abc`, { auth: conversation.token });
      assert.equal(badWatermark.status, 400);
      await keepsServing();
    });

    const wrongTypes: [field: string, activity: Record<string, unknown>, message: string][] = [
      ['type', { type: ['message'] }, 'activity.type must be a string'],
      ['text', { type: 'message', text: 12345 }, 'activity.text must be a string'],
      ['locale', { type: 'message', locale: { x: 1 } }, 'activity.locale must be a string'],
      ['id', { type: 'message', id: 9 }, 'activity.id must be a string'],
      ['attachments', { type: 'message', attachments: 'a.png' }, 'activity.attachments must be an array'],
      [
        'attachments[0].name',
        { type: 'message', attachments: [{ name: 1 }] },
        'activity.attachments[0].name must be a string',
      ],
      ['from.id', { type: 'message', from: { id: 5 } }, 'activity.from.id must be a string'],
      [
        'from.name',
        { type: 'message', from: { id: 'shopper', name: {} } },
        'activity.from.name must be a string',
      ],
      ['localTimezone', { type: 'message', localTimezone: 1 }, 'activity.localTimezone must be a string'],
    ];
    for (const [field, activity, message] of wrongTypes) {
      it(`POST /activities with a wrong ${field} is 400 naming the field, and nothing is posted`, async () => {
        const conversation = await start();
        await transcript(conversation, 2);
        const response = await call(
          'POST',
          `${BASE}/conversations/${conversation.conversationId}/activities`,
          {
            auth: conversation.token,
            json: activity,
          },
        );
        assert.equal(response.status, 400);
        assert.deepEqual(response.body, { code: 'BadArgument', message });
        assert.equal((await activities(conversation)).activities.length, 2);
      });
    }

    it('an upload whose activity part has a wrong locale is 400 naming the field', async () => {
      const conversation = await start();
      await transcript(conversation, 2);
      const form = new FormData();
      form.append(
        'activity',
        new Blob([JSON.stringify({ type: 'message', locale: 7 })], {
          type: 'application/vnd.microsoft.activity',
        }),
      );
      form.append('file', new Blob(['x'], { type: 'text/plain' }), 'a.txt');
      const response = await call('POST', `${BASE}/conversations/${conversation.conversationId}/upload`, {
        auth: conversation.token,
        body: form,
      });
      assert.equal(response.status, 400);
      assert.deepEqual(response.body, { code: 'BadArgument', message: 'activity.locale must be a string' });
      assert.equal((await activities(conversation)).activities.length, 2);
    });

    it('POST /activities accepts unknown fields, a JSON value and a sender name', async () => {
      const conversation = await start();
      await transcript(conversation, 2);
      const response = await call('POST', `${BASE}/conversations/${conversation.conversationId}/activities`, {
        auth: conversation.token,
        json: {
          type: 'message',
          text: 'help',
          locale: 'en-US',
          from: { id: 'shopper', name: 'Ana' },
          value: { rating: [1, null] },
          somethingNew: { x: 1 },
        },
      });
      assert.equal(response.status, 200);
      assert.deepEqual(
        (await transcript(conversation, 5)).slice(2).map((a) => a.text),
        ['help', en('help.main'), en('menu.prompt')],
      );
    });

    it('an upload over the limit is 413 and nothing is posted', async () => {
      const conversation = await start();
      await transcript(conversation, 2);
      const form = new FormData();
      form.append(
        'activity',
        new Blob([JSON.stringify({ type: 'message' })], { type: 'application/vnd.microsoft.activity' }),
      );
      form.append(
        'file',
        new Blob([Buffer.alloc(20 * 1024, 1)], { type: 'application/octet-stream' }),
        'big.bin',
      );
      const response = await call(
        'POST',
        `${BASE}/conversations/${conversation.conversationId}/upload?userId=shopper`,
        {
          auth: conversation.token,
          body: form,
        },
      );
      assert.equal(response.status, 413);
      assert.equal(response.body.code, 'PayloadTooLarge');
      assert.equal((await activities(conversation)).activities.length, 2);
      await keepsServing();
    });

    it('an upload without an activity part is 400', async () => {
      const conversation = await start();
      const form = new FormData();
      form.append('file', new Blob(['x'], { type: 'text/plain' }), 'a.txt');
      const response = await call('POST', `${BASE}/conversations/${conversation.conversationId}/upload`, {
        auth: conversation.token,
        body: form,
      });
      assert.equal(response.status, 400);
      await keepsServing();
    });

    it('more than 4 streams for one conversation are refused', async () => {
      const conversation = await start();
      const open = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const socket = openStream(conversation.streamUrl);
          await once(socket, 'open');
          return socket;
        }),
      );
      assert.equal(open.length, 4);
      const fifth = openStream(conversation.streamUrl);
      const [, response] = (await once(fifth, 'unexpected-response')) as [unknown, { statusCode: number }];
      assert.equal(response.statusCode, 429);
      await keepsServing();
    });

    it('a stream with a foreign or missing token is refused', async () => {
      const a = await start();
      const b = await start();
      const foreign = openStream(b.streamUrl.replace(/t=[^&]+/, `t=${encodeURIComponent(a.token)}`));
      const [, refused] = (await once(foreign, 'unexpected-response')) as [unknown, { statusCode: number }];
      assert.equal(refused.statusCode, 403);
      const missing = openStream(b.streamUrl.replace(/&t=[^&]+/, ''));
      const [, unauthorized] = (await once(missing, 'unexpected-response')) as [
        unknown,
        { statusCode: number },
      ];
      assert.equal(unauthorized.statusCode, 401);
      await keepsServing();
    });
  });

  describe('POST /api/directline/token (the web page)', () => {
    it('issues tokens for new conversations, then 429 with Retry-After past the rate limit', async () => {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 4; i += 1) {
        const response = await fetch(`${server.url}/api/directline/token`, { method: 'POST' });
        statuses.push(response.status);
        if (response.status === 429) retryAfter = response.headers.get('retry-after');
        await response.body?.cancel();
      }
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      assert.match(String(retryAfter), /^\d+$/);
    });
  });

  describe('CORS', () => {
    it('answers a preflight from an allowed origin with the headers the client needs', async () => {
      const response = await fetch(`${server.url}${BASE}/conversations`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://shop.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,x-ms-bot-agent',
        },
      });
      assert.equal(response.status, 204);
      assert.equal(response.headers.get('access-control-allow-origin'), 'https://shop.example');
      assert.match(String(response.headers.get('access-control-allow-headers')), /Authorization/);
      assert.match(String(response.headers.get('access-control-allow-headers')), /x-ms-bot-agent/);
    });

    it('refuses a preflight from another origin', async () => {
      const response = await fetch(`${server.url}${BASE}/conversations`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(response.status, 403);
      assert.equal(response.headers.get('access-control-allow-origin'), null);
      assert.match(((await response.json()) as { message: string }).message, /DIRECTLINE_ALLOWED_ORIGINS/);
    });
  });
});
