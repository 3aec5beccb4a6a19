import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { PASSWORD, login, type ConsoleSession } from '../handoff/consoleFixture';
import { expectedText, type ExpectedReply } from '../support/dialogTable';
import { WebCustomer } from '../support/webCustomer';
import {
  customerMessage,
  makeDataDir,
  postActivity,
  removeDataDir,
  startServer,
  type RunningServer,
  webOf,
} from '../support/testServer';

const en = (reply: ExpectedReply) => expectedText('en', reply);
const queued = (position: number) => en({ key: 'handoff.queued', vars: { position, minutes: 3 * position } });

interface QueueEntry {
  id: number;
  state: string;
  customerName?: string;
  topic: string;
}

async function queue(agent: ConsoleSession): Promise<QueueEntry[]> {
  const { status, body } = await agent.get<{ cases: QueueEntry[] }>('/api/console/queue');
  assert.equal(status, 200);
  return body.cases;
}

describe('human handoff end to end (Direct Line customer, console API agent)', function () {
  this.timeout(60_000);
  let server: RunningServer;
  let dataDir: string;

  const boot = async () => {
    server = await startServer({ DATA_DIR: dataDir, HANDOFF_POSITION_UPDATE_SECONDS: '0' });
    return server;
  };

  beforeEach(async () => {
    dataDir = makeDataDir();
    await boot();
    for (const username of ['ana', 'bo']) {
      if (!(await server.app.handoff.agents.find(username))) {
        await server.app.handoff.agents.create({
          username,
          name: username === 'ana' ? 'Ana' : 'Bo',
          role: 'agent',
          teams: ['support'],
          password: PASSWORD,
        });
      }
    }
  });

  afterEach(async () => {
    await server.app.close();
    removeDataDir(dataDir);
  });

  it('a customer asks for a person mid-task, an agent claims and replies, ends, the survey is answered and the task resumes', async () => {
    const customer = await WebCustomer.start(server.url, webOf(server.app).settings.secret);
    await customer.say('where is my order');
    assert.deepEqual(await customer.botSays(1), [en('orders.askNumber')]);
    await customer.say('agent');
    assert.deepEqual(await customer.botSays(1), [queued(1)]);

    // While waiting, messages go to the queue, not to the dialogs.
    await customer.say('my parcel is late, my email is ana@example.com');
    assert.deepEqual(await customer.botSays(1), [
      en({ key: 'handoff.stillWaiting', vars: { position: 1, minutes: 3 } }),
    ]);

    const ana = await login(server.url, 'ana');
    const [waiting] = await queue(ana);
    assert.equal(waiting?.state, 'queued');
    assert.equal(waiting?.topic, 'orderStatus');
    const claimed = await ana.post(`/api/console/cases/${waiting.id}/claim`);
    assert.equal(claimed.status, 200);
    assert.deepEqual(await customer.botSays(1), [
      en({ key: 'handoff.agentJoined', vars: { agentName: 'Ana' } }),
    ]);

    const details = await ana.get<{ transcript: { role: string; text: string }[] }>(
      `/api/console/cases/${waiting.id}`,
    );
    assert.equal(details.status, 200);
    const lines = details.body.transcript.map((line) => `${line.role}: ${line.text}`);
    assert.ok(lines.includes('customer: where is my order'), lines.join('\n'));
    assert.ok(
      lines.includes('customer: my parcel is late, my email is [email]'),
      'the transcript is redacted',
    );

    assert.equal(
      (
        await ana.post(`/api/console/cases/${waiting.id}/messages`, {
          text: 'Hi, I am checking your order.',
        })
      ).status,
      200,
    );
    // Web chat shows the agent as the sender, so the text comes as the agent wrote it.
    assert.deepEqual(await customer.botSays(1), ['Hi, I am checking your order.']);

    // With an agent, the bot stays quiet and the agent sees the message.
    await customer.say('thank you');
    const after = await ana.get<{ transcript: { role: string; text: string }[] }>(
      `/api/console/cases/${waiting.id}`,
    );
    assert.equal(after.body.transcript.at(-1)?.text, 'thank you');
    // NOTE: no sleep to prove silence: the agent's next reply is the customer's next message,
    // so anything the bot had said to "thank you" would come first and fail this.
    await ana.post(`/api/console/cases/${waiting.id}/messages`, { text: 'Anything else?' });
    assert.deepEqual(await customer.botSays(1), ['Anything else?']);

    const ended = await ana.post(`/api/console/cases/${waiting.id}/end`, { disposition: 'resolved' });
    assert.equal(ended.status, 200);
    assert.deepEqual(await customer.botSays(2), [en('handoff.ended'), en('handoff.survey')]);
    await customer.say('5');
    // The survey is thanked and the interrupted order-status question comes back.
    assert.deepEqual(await customer.botSays(2), [en('handoff.surveyThanks'), en('orders.askNumber')]);
    assert.equal((await server.app.handoff.store.getCase(waiting.id))?.satisfaction, 5);

    // An agent replying to the ended conversation gets a clear 409.
    const late = await ana.post(`/api/console/cases/${waiting.id}/messages`, { text: 'one more thing' });
    assert.equal(late.status, 409);
  });

  it('"cancel" while waiting leaves the queue and the task asks its question again', async () => {
    const customer = await WebCustomer.start(server.url, webOf(server.app).settings.secret);
    await customer.say('where is my order');
    await customer.botSays(1);
    await customer.say('talk to a person');
    assert.deepEqual(await customer.botSays(1), [queued(1)]);
    await customer.say('cancel');
    assert.deepEqual(await customer.botSays(2), [en('handoff.cancelled'), en('orders.askNumber')]);
    const ana = await login(server.url, 'ana');
    assert.deepEqual(await queue(ana), []);
  });

  it('keeps the queue and its order across a restart, and tells the next customer their new place', async () => {
    const first = await WebCustomer.start(server.url, webOf(server.app).settings.secret);
    const second = await WebCustomer.start(server.url, webOf(server.app).settings.secret);
    await first.say('agent');
    assert.deepEqual(await first.botSays(1), [queued(1)]);
    await second.say('agent');
    assert.deepEqual(await second.botSays(1), [queued(2)]);

    await server.app.close();
    await boot();
    const firstAgain = first.reconnect(server.url);
    const secondAgain = second.reconnect(server.url);

    const ana = await login(server.url, 'ana');
    const waiting = await queue(ana);
    assert.equal(waiting.length, 2);
    assert.equal((await ana.post(`/api/console/cases/${waiting[0]!.id}/claim`)).status, 200);
    assert.deepEqual(await firstAgain.botSays(1), [
      en({ key: 'handoff.agentJoined', vars: { agentName: 'Ana' } }),
    ]);
    // The pickup just measured (a few ms) now drives the estimate: one minute at least.
    assert.deepEqual(await secondAgain.botSays(1), [
      en({ key: 'handoff.position', vars: { position: 1, minutes: 1 } }),
    ]);
  });

  it('two agents claiming one conversation at once: exactly one wins, the other is told', async () => {
    const customer = await WebCustomer.start(server.url, webOf(server.app).settings.secret);
    await customer.say('agent');
    await customer.botSays(1);
    const [ana, bo] = await Promise.all([login(server.url, 'ana'), login(server.url, 'bo')]);
    const [waiting] = await queue(ana);
    const results = await Promise.all([
      ana.post(`/api/console/cases/${waiting!.id}/claim`),
      bo.post(`/api/console/cases/${waiting!.id}/claim`),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    assert.equal((await customer.botSays(1)).length, 1, 'the customer hears of one agent only');
  });

  it('a customer message arriving while the agent transfers is delivered, not lost', async () => {
    const customer = await WebCustomer.start(server.url, webOf(server.app).settings.secret);
    await customer.say('agent');
    await customer.botSays(1);
    const ana = await login(server.url, 'ana');
    const [waiting] = await queue(ana);
    await ana.post(`/api/console/cases/${waiting!.id}/claim`);
    await customer.botSays(1);
    const [transfer] = await Promise.all([
      ana.post(`/api/console/cases/${waiting!.id}/transfer`, { agent: 'bo' }),
      customer.say('are you still there?'),
    ]);
    assert.equal(transfer.status, 200);
    const bo = await login(server.url, 'bo');
    const details = await bo.get<{ transcript: { role: string; text: string }[] }>(
      `/api/console/cases/${waiting!.id}`,
    );
    assert.equal(details.status, 200);
    assert.ok(
      details.body.transcript.some(
        (line) => line.role === 'customer' && line.text === 'are you still there?',
      ),
    );
  });
  it('an agent reveals a phone number the customer gave, but never a card number', async () => {
    const customer = await WebCustomer.start(server.url, webOf(server.app).settings.secret);
    await customer.say('agent');
    await customer.botSays(1);
    const ana = await login(server.url, 'ana');
    const [waiting] = await queue(ana);
    await ana.post(`/api/console/cases/${waiting!.id}/claim`);
    await customer.botSays(1);
    await customer.say('call me on +34 612 345 678, or charge 4111 1111 1111 1111');
    const details = await ana.get<{ transcript: { id: number; role: string; text: string }[] }>(
      `/api/console/cases/${waiting!.id}`,
    );
    const line = details.body.transcript.find(
      (entry) => entry.text === 'call me on [phone], or charge [card]',
    );
    assert.ok(line, JSON.stringify(details.body.transcript));
    const revealed = await ana.post<{ text: string }>(
      `/api/console/cases/${waiting!.id}/messages/${line.id}/reveal`,
    );
    assert.equal(revealed.status, 200);
    assert.equal(revealed.body.text, 'call me on +34 612 345 678, or charge [card]');
  });
});

describe('human handoff on Bot Framework channels', () => {
  let server: RunningServer;

  beforeEach(async () => {
    server = await startServer();
  });

  afterEach(async () => {
    await server.app.close();
    removeDataDir(server.dataDir);
  });

  it('emits handoff.initiate with the transcript, and handoff.status completed returns the customer to the bot', async () => {
    await postActivity(server.url, customerMessage('bf', 'hello'));
    const asked = await postActivity(server.url, customerMessage('bf', 'agent'));
    const activities = (asked.body as { activities: Activity[] }).activities;
    const initiate = activities.find((a) => a.type === 'event');
    assert.equal(initiate?.name, 'handoff.initiate');
    const transcript = initiate?.attachments?.[0]?.content as { activities: Activity[] } | undefined;
    assert.ok(transcript?.activities.some((a) => a.text === 'agent'));
    assert.ok(activities.some((a) => a.text === queued(1)));

    const status = await postActivity(server.url, {
      ...customerMessage('bf', ''),
      type: 'event',
      name: 'handoff.status',
      text: undefined,
      value: { state: 'completed' },
    });
    const texts = (status.body as { activities: Activity[] }).activities.map((a) => a.text);
    assert.deepEqual(texts, [en('handoff.ended'), en('handoff.survey')]);
  });
});

describe('handoff.status from outside an agent hub', () => {
  let server: RunningServer;

  beforeEach(async () => {
    server = await startServer();
  });

  afterEach(async () => {
    await server.app.close();
    removeDataDir(server.dataDir);
  });

  it('is ignored from a web customer, who cannot end or take over their own case', async () => {
    const customer = await WebCustomer.start(server.url, webOf(server.app).settings.secret);
    await customer.say('agent');
    const key = `directline/${customer.conversationId}`;
    assert.equal((await server.app.handoff.store.activeCase(key))?.state, 'queued');
    for (const state of ['accepted', 'completed', 'failed']) {
      await customer.post({ type: 'event', name: 'handoff.status', value: { state } });
      assert.equal((await server.app.handoff.store.activeCase(key))?.state, 'queued', state);
    }
  });

  it('is checked and redacted on a Bot Framework channel: an unknown state changes nothing', async () => {
    await postActivity(server.url, customerMessage('hub', 'hello'));
    await postActivity(server.url, customerMessage('hub', 'agent'));
    const status = (value: unknown) =>
      postActivity(server.url, {
        ...customerMessage('hub', ''),
        type: 'event',
        name: 'handoff.status',
        text: undefined,
        value,
      });
    await status({ state: 'taken-over' });
    await status('completed');
    assert.equal((await server.app.handoff.store.activeCase('test/hub'))?.state, 'queued');
    await status({ state: 'failed', message: 'card 4111 1111 1111 1111, IBAN DE89370400440532013000' });
    assert.equal(await server.app.handoff.store.activeCase('test/hub'), undefined);
    const failed = (await server.app.handoff.store.auditLog(10)).find((entry) => entry.action === 'failed');
    assert.deepEqual(failed?.detail, { message: 'card [card], IBAN [iban]' });
  });
});

describe("customers the shop vouches for (Direct Line token minted by the shop's server)", () => {
  let server: RunningServer;

  beforeEach(async () => {
    server = await startServer();
  });

  afterEach(async () => {
    await server.app.close();
    removeDataDir(server.dataDir);
  });

  async function vouchedConversation(
    body: unknown,
  ): Promise<{ status: number; conversationId?: string; token?: string }> {
    const generated = await fetch(`${server.url}/v3/directline/tokens/generate`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${webOf(server.app).settings.secret}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    if (generated.status !== 200) return { status: generated.status };
    const { token } = (await generated.json()) as { token: string };
    const started = await fetch(`${server.url}/v3/directline/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ locale: 'en-US' }),
    });
    const { conversationId } = (await started.json()) as { conversationId: string };
    return { status: started.status, conversationId, token };
  }

  async function say(conversationId: string, token: string, text: string): Promise<void> {
    const response = await fetch(`${server.url}/v3/directline/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text, locale: 'en-US' }),
    });
    assert.equal(response.status, 200);
  }

  it('a tagged customer is queued with the priority the teams file gives the tag', async () => {
    const plain = await vouchedConversation({});
    const vip = await vouchedConversation({ tags: ['vip'] });
    await say(plain.conversationId!, plain.token!, 'agent');
    await say(vip.conversationId!, vip.token!, 'agent');
    const queuedCases = await server.app.handoff.store.queued();
    assert.deepEqual(
      queuedCases.map((c) => c.tags),
      [['vip'], []],
      'the VIP, though second, is first in the queue',
    );
    assert.equal(queuedCases[0]?.boostMs, 10 * 60_000);
  });

  it('a customer whose email the shop verified sees their orders without being asked to prove it', async () => {
    const { conversationId, token } = await vouchedConversation({
      verified: { email: 'ana.garcia@example.com' },
    });
    await say(conversationId!, token!, 'where is my order');
    const response = await fetch(`${server.url}/v3/directline/conversations/${conversationId}/activities`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { activities } = (await response.json()) as { activities: Activity[] };
    const offered = activities.at(-1)?.suggestedActions?.actions.map((action) => String(action.value)) ?? [];
    assert.ok(
      offered.some((choice) => choice.includes('SB-10001')),
      `her orders are offered: ${JSON.stringify(offered)}`,
    );
  });

  it('agents see the customer by the name the shop vouched for, never by a name the page posted', async () => {
    const named = await vouchedConversation({ verified: { name: 'Ana García' } });
    const anonymous = await vouchedConversation({});
    await say(named.conversationId!, named.token!, 'agent');
    const posted = await fetch(
      `${server.url}/v3/directline/conversations/${anonymous.conversationId}/activities`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${anonymous.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'agent', from: { id: 'x', name: 'The CEO' } }),
      },
    );
    assert.equal(posted.status, 200);
    assert.deepEqual(
      (await server.app.handoff.store.queued()).map((c) => c.customerName),
      ['Ana García', undefined],
    );
  });

  it('refuses vouched fields that are not well formed, and the page token route ignores them', async () => {
    assert.equal((await vouchedConversation({ tags: ['not a tag!'] })).status, 400);
    assert.equal((await vouchedConversation({ verified: 'ana@example.com' })).status, 400);
    assert.equal((await vouchedConversation({ verified: { name: 42 } })).status, 400);
  });
});
