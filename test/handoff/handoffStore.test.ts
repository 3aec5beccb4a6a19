import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HandoffStore, type NewCase } from '../../handoff/handoffStore';

function newCase(key: string, extra: Partial<NewCase> = {}): NewCase {
  return {
    conversationKey: key,
    channelId: 'directline',
    reference: { conversation: { id: key, isGroup: false, conversationType: '', name: '' } },
    locale: 'en',
    customerName: undefined,
    reason: 'customerAsked',
    topic: 'none',
    sentiment: undefined,
    tags: [],
    team: 'support',
    boostMs: 0,
    collected: {},
    ...extra,
  };
}

describe('HandoffStore', () => {
  let dir: string;
  let now: number;
  let store: HandoffStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-handoff-'));
    now = 1_000_000;
    store = new HandoffStore(path.join(dir, 'handoff.sqlite'), () => now);
  });

  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('enqueue() keeps one open case per conversation', () => {
    const first = store.enqueue(newCase('c1'));
    const again = store.enqueue(newCase('c1'));
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    assert.equal(again.handoffCase.id, first.handoffCase.id);
  });

  it('orders the queue by waiting time, crediting priority boosts, per team', () => {
    const a = store.enqueue(newCase('a')).handoffCase;
    now += 60_000;
    const b = store.enqueue(newCase('b')).handoffCase;
    now += 60_000;
    const vip = store.enqueue(newCase('vip', { boostMs: 5 * 60_000 })).handoffCase;
    const other = store.enqueue(newCase('other', { team: 'orders' })).handoffCase;
    assert.deepEqual(
      store.queued(['support']).map((c) => c.conversationKey),
      ['vip', 'a', 'b'],
    );
    assert.deepEqual(
      [store.position(vip), store.position(a), store.position(b), store.position(other)],
      [1, 2, 3, 1],
    );
  });

  it('claim() lets exactly one agent take a case', () => {
    const { handoffCase } = store.enqueue(newCase('c1'));
    const results = [store.claim(handoffCase.id, 'ana'), store.claim(handoffCase.id, 'bo')];
    assert.deepEqual(results, [true, false]);
    assert.equal(store.getCase(handoffCase.id)?.agentId, 'ana');
    assert.equal(store.activeCase('c1')?.state, 'withAgent');
  });

  it('keeps the queue, in order, across a close and reopen of the file', () => {
    store.enqueue(newCase('first'));
    now += 1000;
    store.enqueue(newCase('second'));
    store.close();
    store = new HandoffStore(path.join(dir, 'handoff.sqlite'), () => now);
    assert.deepEqual(
      store.queued().map((c) => c.conversationKey),
      ['first', 'second'],
    );
  });

  it('requeue() puts a case back with its original waiting time; reassign() hands it over', () => {
    const early = store.enqueue(newCase('early')).handoffCase;
    now += 1000;
    store.enqueue(newCase('late'));
    assert.equal(store.claim(early.id, 'ana'), true);
    assert.equal(store.reassign(early.id, 'bo', 'cy'), false, 'only the holder can hand over');
    assert.equal(store.reassign(early.id, 'ana', 'bo'), true);
    assert.equal(store.requeue(early.id, 'bo', 'orders'), true);
    assert.equal(store.getCase(early.id)?.team, 'orders');
    assert.equal(store.position(store.getCase(early.id)!), 1);
  });

  it('end() ends an open case once, and only for its holder when one is named', () => {
    const { handoffCase } = store.enqueue(newCase('c1'));
    store.claim(handoffCase.id, 'ana');
    assert.equal(store.end(handoffCase.id, 'resolved', 'bo'), false);
    assert.equal(store.end(handoffCase.id, 'resolved', 'ana'), true);
    assert.equal(store.end(handoffCase.id, 'resolved'), false);
    assert.equal(store.activeCase('c1'), undefined);
    assert.equal(store.lastEndedCase('c1')?.disposition, 'resolved');
    assert.equal(store.enqueue(newCase('c1')).created, true, 'a new handoff after the end is a new case');
  });

  it('averagePickupMs() is the mean wait of recent pickups', () => {
    assert.equal(store.averagePickupMs(), undefined);
    const a = store.enqueue(newCase('a')).handoffCase;
    const b = store.enqueue(newCase('b')).handoffCase;
    now += 60_000;
    store.claim(a.id, 'ana');
    now += 120_000;
    store.claim(b.id, 'bo');
    assert.equal(store.averagePickupMs(), 120_000);
  });

  it('keeps the transcript in order, tickets and the audit log', () => {
    store.appendTranscript('c1', 'customer', 'hello');
    store.appendTranscript('c1', 'bot', 'hi');
    store.appendTranscript('c2', 'customer', 'other conversation');
    store.appendTranscript('c1', 'agent', 'Ana here', 'ana');
    assert.deepEqual(
      store.transcript('c1').map((l) => [l.role, l.text, l.agentId]),
      [
        ['customer', 'hello', undefined],
        ['bot', 'hi', undefined],
        ['agent', 'Ana here', 'ana'],
      ],
    );
    const ticket = store.createTicket({
      conversationKey: 'c1',
      team: 'support',
      locale: 'es',
      text: 'call me',
      collected: { orderNumber: 'SB-1' },
    });
    assert.deepEqual(
      store.tickets('open').map((t) => t.id),
      [ticket.id],
    );
    assert.equal(store.closeTicket(ticket.id, 'ana'), true);
    assert.equal(store.closeTicket(ticket.id, 'ana'), false);
    store.audit('ana', 'claimed', 1, { note: 'x' });
    assert.deepEqual(store.auditLog(1)[0], {
      at: now,
      actor: 'ana',
      action: 'claimed',
      caseId: 1,
      detail: { note: 'x' },
    });
  });
});
