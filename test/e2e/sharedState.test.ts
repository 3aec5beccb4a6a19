import assert from 'node:assert/strict';
import { SharedDatabase } from '../../bot/database';
import type { ConversationData } from '../../bot/state';
import { DatabaseStorage } from '../../bot/storage';
import { sharedInstances, type SharedInstances } from '../support/sharedInstances';
import { WebSocket } from 'ws';
import { PASSWORD, login } from '../handoff/consoleFixture';
import { expectedText } from '../support/dialogTable';
import { say, startServer, webOf, type RunningServer } from '../support/testServer';
import { WebCustomer } from '../support/webCustomer';
import { EventSocket } from '../handoff/eventSocket';
import { postLogin } from '../handoff/consoleFixture';

/** What a customer says, in order, in the conversations below: an order-status lookup. */
const SCRIPT = ['hello', 'where is my order', 'SB-10001', 'help', 'cancel', 'hello'];

/** Logs in to a server's console; the cookie and CSRF token of the session. */
async function cookieLogin(url: string, username: string, password: string) {
  const result = await postLogin(url, username, password);
  assert.equal(result.status, 200, JSON.stringify(result.body));
  return { cookie: result.setCookie?.split(';')[0] ?? '', csrfToken: String(result.body.csrfToken) };
}

describe('two instances on one PostgreSQL and one Redis (STORAGE=postgres)', function () {
  let instances: SharedInstances | undefined;
  let one: RunningServer;
  let two: RunningServer;

  before(async function () {
    instances = await sharedInstances(this);
    // Separate DATA_DIRs: what they share is the database and Redis only.
    one = await instances.start();
    two = await instances.start();
  });
  after(async () => {
    await instances?.stop();
  });

  it('/readyz reports the database and Redis', async () => {
    const body = (await (await fetch(`${one.url}/readyz`)).json()) as { checks: Record<string, unknown> };
    assert.equal(body.checks.storage, true);
    assert.equal(body.checks.redis, true);
  });

  it('a conversation whose turns alternate between the instances answers as one instance would', async () => {
    const reference = instances!.keep(await startServer());
    const expected: string[][] = [];
    for (const text of SCRIPT) expected.push(await say(reference.url, 'alternating', text));
    const actual: string[][] = [];
    for (const [turn, text] of SCRIPT.entries()) {
      actual.push(await say((turn % 2 === 0 ? one : two).url, 'alternating', text));
    }
    assert.deepEqual(actual, expected);
  });

  it('a Direct Line token one instance issued is accepted by the other (one generated secret for both)', async () => {
    const issued = await fetch(`${one.url}/api/directline/token`, { method: 'POST' });
    assert.equal(issued.status, 200);
    const { token } = (await issued.json()) as { token: string };
    const started = await fetch(`${two.url}/v3/directline/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(started.status, 201, await started.text());
  });

  it('a Direct Line client streaming from one instance gets the replies to posts that went through the other', async () => {
    const issued = (await (await fetch(`${one.url}/api/directline/token`, { method: 'POST' })).json()) as {
      token: string;
    };
    const headers = { authorization: `Bearer ${issued.token}`, 'content-type': 'application/json' };
    const started = (await (
      await fetch(`${one.url}/v3/directline/conversations`, { method: 'POST', headers })
    ).json()) as {
      conversationId: string;
      streamUrl: string;
    };
    const socket = new WebSocket(started.streamUrl);
    const texts: string[] = [];
    const replied = new Promise<void>((resolve, reject) => {
      socket.on('message', (frame: Buffer) => {
        if (frame.length === 0) return;
        const set = JSON.parse(frame.toString()) as {
          activities: { type: string; from: { id: string }; text?: string }[];
        };
        for (const activity of set.activities) {
          if (activity.type === 'message' && activity.text !== undefined) texts.push(activity.text);
          if (activity.type === 'message' && activity.text === expectedText('en', 'help.main')) resolve();
        }
      });
      socket.on('error', reject);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    try {
      // Posted to the other instance: the reply is appended there and must reach the socket here.
      const posted = await fetch(
        `${two.url}/v3/directline/conversations/${started.conversationId}/activities`,
        {
          method: 'POST',
          headers,
          body: JSON.stringify({ type: 'message', from: { id: 'customer' }, text: 'help' }),
        },
      );
      assert.equal(posted.status, 200, await posted.text());
      await Promise.race([
        replied,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`no reply on the stream; got ${JSON.stringify(texts)}`)), 10_000),
        ),
      ]);
      assert.ok(texts.includes('help'), 'the customer’s own message is echoed on the stream too');
    } finally {
      socket.close();
    }
  });

  it('20 concurrent turns of one conversation split across the instances: all answered, none lost', async () => {
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, turn) => say((turn % 2 === 0 ? one : two).url, 'busy', 'help')),
    );
    for (const texts of replies) assert.ok(texts.length > 0, 'every turn got an answer');
    const shared = new SharedDatabase({
      dialect: 'postgres',
      url: instances!.env.DATABASE_URL!,
      poolSize: 1,
    });
    try {
      const key = 'test/conversations/busy/';
      const items = await new DatabaseStorage(shared).read([key]);
      const data = (items[key] as { conversationData?: ConversationData } | undefined)?.conversationData;
      // Without one turn at a time across instances, concurrent turns overwrite each other's counts.
      assert.equal(data?.turns, 20);
    } finally {
      await shared.close();
    }
  });

  it('an agent account created through one instance logs in on the other, whose console cookie works on the first until logged out there', async () => {
    await one.app.handoff.agents.create({
      username: 'shared-ana',
      name: 'Ana',
      role: 'agent',
      teams: ['support'],
      password: 'a long enough secret',
    });
    const session = await cookieLogin(two.url, 'shared-ana', 'a long enough secret');
    const me = await fetch(`${one.url}/api/console/me`, { headers: { cookie: session.cookie } });
    assert.equal(me.status, 200, await me.text());
    const logout = await fetch(`${one.url}/api/console/logout`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
    });
    assert.equal(logout.status, 204);
    const after = await fetch(`${two.url}/api/console/me`, { headers: { cookie: session.cookie } });
    assert.equal(after.status, 401);
  });

  it("logging out through one instance closes the session's event socket on the other at once", async () => {
    await one.app.handoff.agents.create({
      username: 'socket-cy',
      name: 'Cy',
      role: 'agent',
      teams: ['support'],
      password: PASSWORD,
    });
    const session = await login(one.url, 'socket-cy');
    const socket = await EventSocket.open(`${two.url.replace('http', 'ws')}/api/console/events`, {
      cookie: session.cookie,
    });
    assert.equal((await session.post('/api/console/logout')).status, 204);
    // Without the fan-out it would stay open until the other instance's next heartbeat (30 s).
    assert.equal(await socket.closed, 4401);
  });

  it('a customer queued through one instance is in the queue of the other; two agents, one on each, claim at once: one wins', async () => {
    // Accounts, cases and the queue are all in the shared database.
    for (const [server, username] of [
      [one, 'ana'],
      [two, 'bo'],
    ] as const) {
      await server.app.handoff.agents.create({
        username,
        name: username === 'ana' ? 'Ana' : 'Bo',
        role: 'agent',
        teams: ['support'],
        password: PASSWORD,
      });
    }
    const customer = await WebCustomer.start(one.url, webOf(one.app).settings.secret);
    await customer.say('agent');
    assert.deepEqual(await customer.botSays(1), [
      expectedText('en', { key: 'handoff.queued', vars: { position: 1, minutes: 3 } }),
    ]);
    const [ana, bo] = await Promise.all([login(one.url, 'ana'), login(two.url, 'bo')]);
    type Queue = { cases: { id: number; state: string; position?: number }[] };
    const seenByBo = await bo.get<Queue>('/api/console/queue');
    assert.equal(seenByBo.status, 200);
    const [waiting] = seenByBo.body.cases;
    assert.deepEqual(
      { state: waiting?.state, position: waiting?.position },
      { state: 'queued', position: 1 },
    );
    assert.deepEqual(
      (await ana.get<Queue>('/api/console/queue')).body.cases.map((c) => c.id),
      [waiting!.id],
      'both instances show the one queue',
    );

    // Each agent's console listens on its own instance.
    const events = await Promise.all(
      [ana, bo].map((session) =>
        EventSocket.open(`${session.url.replace('http', 'ws')}/api/console/events`, {
          cookie: session.cookie,
        }),
      ),
    );
    const claims = await Promise.all([
      ana.post(`/api/console/cases/${waiting!.id}/claim`),
      bo.post(`/api/console/cases/${waiting!.id}/claim`),
    ]);
    assert.deepEqual(claims.map((claim) => claim.status).sort(), [200, 409]);
    const winner = claims[0]?.status === 200 ? 'Ana' : 'Bo';
    // The loser's console is on the other instance: it hears of the claim through Redis.
    const loserEvents = events[winner === 'Ana' ? 1 : 0]!;
    let heard: unknown;
    do heard = await loserEvents.next();
    while ((heard as { type?: string }).type !== 'changed');
    assert.deepEqual(heard, { type: 'changed', caseId: waiting!.id });
    await Promise.all(events.map((socket) => socket.close()));
    assert.deepEqual(
      await customer.botSays(1),
      [expectedText('en', { key: 'handoff.agentJoined', vars: { agentName: winner } })],
      'the customer hears of one agent only',
    );
    // The winner holds it on both instances' records; the loser no longer sees it.
    const [held, lost] = winner === 'Ana' ? [ana, bo] : [bo, ana];
    const holding = await held.get<{ case: { state: string; agentName?: string } }>(
      `/api/console/cases/${waiting!.id}`,
    );
    assert.deepEqual([holding.body.case.state, holding.body.case.agentName], ['withAgent', winner]);
    assert.equal((await lost.get(`/api/console/cases/${waiting!.id}`)).status, 403);
    assert.deepEqual((await lost.get<Queue>('/api/console/queue')).body.cases, []);
  });
});
