import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { openCoordination, type Coordination } from '../../bot/coordination';
import { silentLogger } from '../../bot/logger';
import { relayDeskEvents } from '../../handoff/deskFanOut';
import { connectTestRedis, TEST_REDIS_URL } from '../support/redis';

/** Events `desk` emitted, by name, as they arrive. */
function recorder(desk: EventEmitter, names: readonly string[]): { event: string; payload: unknown }[] {
  const seen: { event: string; payload: unknown }[] = [];
  for (const event of names) desk.on(event, (payload: unknown) => seen.push({ event, payload }));
  return seen;
}

/** Resolves once `desk` emitted `event` (or rejects after the test's own timeout). */
const next = (desk: EventEmitter, event: string): Promise<unknown[]> => once(desk, event);

describe('desk events across instances (Redis fan-out)', function () {
  let first: Coordination;
  let second: Coordination;
  let topic: string;

  before(async function () {
    (await connectTestRedis(this)).disconnect();
  });

  beforeEach(() => {
    first = openCoordination(TEST_REDIS_URL, silentLogger(), { lockLeaseMs: 15_000 });
    second = openCoordination(TEST_REDIS_URL, silentLogger(), { lockLeaseMs: 15_000 });
    // A topic of this test alone: other runs on the same Redis never hear it.
    topic = `desk-test-${randomBytes(4).toString('hex')}`;
  });

  afterEach(async () => {
    await Promise.all([first.close(), second.close()]);
  });

  /** Two desks, each relayed through its own instance's connection, once both are subscribed. */
  async function twoDesks(): Promise<{ a: EventEmitter; b: EventEmitter }> {
    const a = new EventEmitter();
    const b = new EventEmitter();
    relayDeskEvents(a, first.fanOut(topic));
    relayDeskEvents(b, second.fanOut(topic));
    // Subscriptions are asynchronous: wait until a probe sent from each side arrives on the other.
    const probe = second.fanOut(`${topic}-probe`);
    const heard = new Promise<void>((resolve) => probe.onMessage(() => resolve()));
    const timer = setInterval(() => first.fanOut(`${topic}-probe`).send('ping'), 20);
    await heard;
    clearInterval(timer);
    const ready = next(a, 'changed');
    const again = setInterval(() => b.emit('changed', 0), 20);
    await ready;
    clearInterval(again);
    // Messages arrive in the order they were sent: once this last one is in, no probe is left.
    const drained = new Promise<void>((resolve) => {
      const listener = (id: unknown): void => {
        if (id !== -1) return;
        a.off('changed', listener);
        resolve();
      };
      a.on('changed', listener);
    });
    b.emit('changed', -1);
    await drained;
    return { a, b };
  }

  it("emits on the other instance's desk every console event, with its payload, and not back on the sender", async () => {
    const { a, b } = await twoDesks();
    const onA = recorder(a, ['changed', 'customerMessage', 'ticket']);
    const onB = recorder(b, ['changed', 'customerMessage', 'ticket']);
    const arrived = next(a, 'ticket');
    b.emit('changed', 7);
    b.emit('customerMessage', { caseId: 7, text: 'hello' });
    b.emit('ticket', 3);
    await arrived;
    assert.deepEqual(onA, [
      { event: 'changed', payload: 7 },
      { event: 'customerMessage', payload: { caseId: 7, text: 'hello' } },
      { event: 'ticket', payload: 3 },
    ]);
    // B saw its own three once: what A replayed was not sent back.
    const echo = next(b, 'ticket').then(() => 'echoed');
    const quiet = new Promise((resolve) => setTimeout(resolve, 200, 'quiet'));
    assert.equal(await Promise.race([echo, quiet]), 'quiet');
    assert.equal(onB.length, 3);
  });

  it('does not relay the insights events (`case`): each instance records its own', async () => {
    const { a, b } = await twoDesks();
    const onA = recorder(a, ['case', 'changed']);
    const arrived = next(a, 'changed');
    b.emit('case', { kind: 'claimed' });
    b.emit('changed', 9);
    await arrived;
    assert.deepEqual(onA, [{ event: 'changed', payload: 9 }]);
  });

  it('ignores a message on the topic that is not a desk event, and reports it', async () => {
    const a = new EventEmitter();
    const bad: string[] = [];
    relayDeskEvents(a, first.fanOut(topic), { onBadMessage: (message) => bad.push(message) });
    const onA = recorder(a, ['changed', 'error']);
    const sender = second.fanOut(topic);
    const reported = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        sender.send('not json');
        sender.send(JSON.stringify({ event: 'error', payload: 'boom' }));
        if (bad.length >= 2) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    await reported;
    assert.ok(bad.includes('not json'));
    assert.ok(bad.some((message) => message.includes('"error"')));
    assert.deepEqual(onA, []);
  });

  it('sends an event once what it announces is committed (flush), in the order the events came', async () => {
    const desk = new EventEmitter();
    const sent: string[] = [];
    let commit: () => void = () => undefined;
    const flushes: Promise<void>[] = [];
    const flush = (): Promise<void> => {
      const committed = new Promise<void>((resolve) => (commit = resolve));
      flushes.push(committed);
      return committed;
    };
    relayDeskEvents(desk, { send: (message) => sent.push(message), onMessage: () => undefined }, { flush });
    desk.emit('customerMessage', { caseId: 4, text: 'my order?' });
    desk.emit('changed', 4);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(sent, [], 'nothing before the first commit');
    commit();
    await flushes[0];
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      sent.map((message) => (JSON.parse(message) as { event: string }).event),
      ['customerMessage'],
    );
    commit();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      sent.map((message) => (JSON.parse(message) as { event: string }).event),
      ['customerMessage', 'changed'],
    );
  });
});
