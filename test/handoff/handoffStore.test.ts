import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SharedDatabase } from '../../bot/database';
import { appliedMigrations } from '../../bot/database/migrations';
import { HandoffStore, type NewCase } from '../../handoff/handoffStore';
import { HANDOFF_MIGRATIONS } from '../../handoff/migrations';
import { TextSeal } from '../../handoff/sealedText';
import { HANDOFF_DIALECTS, handoffDatabases } from '../support/handoffDatabases';

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

const SEAL = new TextSeal(() => 'a-test-seal-secret-of-enough-length');

for (const dialect of HANDOFF_DIALECTS) {
  describe(`HandoffStore (${dialect})`, () => {
    const databases = handoffDatabases(dialect);
    let now: number;
    let database: SharedDatabase;
    let store: HandoffStore;

    before(async function () {
      await databases.before(this);
    });
    after(() => databases.after());

    beforeEach(() => {
      now = 1_000_000;
      database = databases.open();
      store = new HandoffStore(database, () => now, SEAL);
    });

    afterEach(async () => {
      await store.close();
      await databases.reset();
    });

    /** A second instance's store: another connection to the same database. */
    const secondStore = (): HandoffStore => new HandoffStore(databases.openAgain(), () => now, SEAL);

    it('enqueue() keeps one open case per conversation', async () => {
      const first = await store.enqueue(newCase('c1'));
      const again = await store.enqueue(newCase('c1'));
      assert.equal(first.created, true);
      assert.equal(again.created, false);
      assert.equal(again.handoffCase.id, first.handoffCase.id);
      assert.deepEqual(first.handoffCase.reference, newCase('c1').reference);
    });

    it('orders the queue by waiting time, crediting priority boosts, per team', async () => {
      const a = (await store.enqueue(newCase('a'))).handoffCase;
      now += 60_000;
      const b = (await store.enqueue(newCase('b'))).handoffCase;
      now += 60_000;
      const vip = (await store.enqueue(newCase('vip', { boostMs: 5 * 60_000 }))).handoffCase;
      const other = (await store.enqueue(newCase('other', { team: 'orders' }))).handoffCase;
      assert.deepEqual(
        (await store.queued(['support'])).map((c) => c.conversationKey),
        ['vip', 'a', 'b'],
      );
      assert.deepEqual(await Promise.all([vip, a, b, other].map((c) => store.position(c))), [1, 2, 3, 1]);
      assert.deepEqual(await store.queued([]), []);
    });

    it("claim() with a team takes the case only while it is in that team's queue; end() with an agent only while they hold it", async () => {
      const { handoffCase } = await store.enqueue(newCase('moved'));
      // Taken and put back in another team's queue since the caller read it.
      assert.equal(await store.claim(handoffCase.id, 'ana'), true);
      assert.equal(await store.requeue(handoffCase.id, 'ana', 'orders'), true);
      assert.equal(await store.claim(handoffCase.id, 'bo', { team: 'support' }), false);
      assert.equal(await store.claim(handoffCase.id, 'cy', { team: 'orders' }), true);
      assert.equal(await store.end(handoffCase.id, 'resolved', 'ana'), false, 'ana no longer holds it');
      assert.equal((await store.getCase(handoffCase.id))?.state, 'withAgent');
      assert.equal(await store.end(handoffCase.id, 'resolved', 'cy'), true);
    });

    it('claim() lets exactly one agent take a case', async () => {
      const { handoffCase } = await store.enqueue(newCase('c1'));
      const results = [await store.claim(handoffCase.id, 'ana'), await store.claim(handoffCase.id, 'bo')];
      assert.deepEqual(results, [true, false]);
      assert.equal((await store.getCase(handoffCase.id))?.agentId, 'ana');
      assert.equal((await store.activeCase('c1'))?.state, 'withAgent');
      assert.deepEqual(
        (await store.withAgent('ana')).map((c) => c.id),
        [handoffCase.id],
      );
      assert.deepEqual(await store.withAgent('bo'), []);
    });

    it('two instances racing claim() of one case: exactly one wins, and both see the winner', async () => {
      const other = secondStore();
      try {
        for (let round = 0; round < 10; round += 1) {
          const { handoffCase } = await store.enqueue(newCase(`race-${round}`));
          const results = await Promise.all([
            store.claim(handoffCase.id, 'ana'),
            other.claim(handoffCase.id, 'bo'),
          ]);
          assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${JSON.stringify(results)}`);
          const winner = results[0] ? 'ana' : 'bo';
          assert.equal((await store.getCase(handoffCase.id))?.agentId, winner);
          assert.equal((await other.getCase(handoffCase.id))?.agentId, winner);
        }
        // One pickup per won claim: the losers recorded none.
        const pickups = await database.db
          .selectFrom('pickups')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(pickups.n), 10);
      } finally {
        await other.close();
      }
    });

    it('two instances racing enqueue() of one conversation: one case, and one queue order for both', async () => {
      const other = secondStore();
      try {
        const attempts = await Promise.all(
          Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? store : other).enqueue(newCase('same'))),
        );
        assert.equal(attempts.filter((attempt) => attempt.created).length, 1);
        assert.equal(new Set(attempts.map((attempt) => attempt.handoffCase.id)).size, 1);
        now += 1000;
        await other.enqueue(newCase('second'));
        now += 1000;
        await store.enqueue(newCase('third'));
        const order = (await store.queued()).map((c) => c.conversationKey);
        assert.deepEqual(order, ['same', 'second', 'third']);
        assert.deepEqual(
          (await other.queued()).map((c) => c.conversationKey),
          order,
        );
        const third = await other.activeCase('third');
        assert.ok(third);
        assert.equal(await store.position(third), 3);
        assert.equal(await other.position(third), 3);
      } finally {
        await other.close();
      }
    });

    it('requeue() puts a case back with its original waiting time; reassign() hands it over', async () => {
      const early = (await store.enqueue(newCase('early'))).handoffCase;
      now += 1000;
      await store.enqueue(newCase('late'));
      assert.equal(await store.claim(early.id, 'ana'), true);
      assert.equal(await store.reassign(early.id, 'bo', 'cy'), false, 'only the holder can hand over');
      assert.equal(await store.reassign(early.id, 'ana', 'bo'), true);
      assert.equal(await store.requeue(early.id, 'bo', 'orders'), true);
      const moved = await store.getCase(early.id);
      assert.equal(moved?.team, 'orders');
      assert.equal(moved?.agentId, undefined);
      assert.ok(moved);
      assert.equal(await store.position(moved), 1);
    });

    it('end() ends an open case once, and only for its holder when one is named', async () => {
      const { handoffCase } = await store.enqueue(newCase('c1'));
      await store.claim(handoffCase.id, 'ana');
      assert.equal(await store.end(handoffCase.id, 'resolved', 'bo'), false);
      assert.equal(await store.end(handoffCase.id, 'resolved', 'ana'), true);
      assert.equal(await store.end(handoffCase.id, 'resolved'), false);
      assert.equal(await store.activeCase('c1'), undefined);
      const ended = await store.lastEndedCase('c1');
      assert.equal(ended?.disposition, 'resolved');
      assert.equal(ended?.endedAt, now);
      await store.recordSatisfaction(handoffCase.id, 4);
      assert.equal((await store.getCase(handoffCase.id))?.satisfaction, 4);
      assert.equal(
        (await store.enqueue(newCase('c1'))).created,
        true,
        'a new handoff after the end is a new case',
      );
    });

    it('averagePickupMs() is the mean wait of recent pickups', async () => {
      assert.equal(await store.averagePickupMs(), undefined);
      const a = (await store.enqueue(newCase('a'))).handoffCase;
      const b = (await store.enqueue(newCase('b'))).handoffCase;
      now += 60_000;
      await store.claim(a.id, 'ana');
      now += 120_000;
      await store.claim(b.id, 'bo');
      assert.equal(await store.averagePickupMs(), 120_000);
    });

    it('keeps the transcript in order, tickets and the audit log', async () => {
      store.appendTranscript('c1', 'customer', 'hello');
      store.appendTranscript('c1', 'bot', 'hi');
      store.appendTranscript('c2', 'customer', 'other conversation');
      store.appendTranscript('c1', 'agent', 'Ana here', 'ana');
      assert.deepEqual(
        (await store.transcript('c1')).map((l) => [l.role, l.text, l.agentId, l.redacted]),
        [
          ['customer', 'hello', undefined, false],
          ['bot', 'hi', undefined, false],
          ['agent', 'Ana here', 'ana', false],
        ],
      );
      const ticket = await store.createTicket({
        conversationKey: 'c1',
        team: 'support',
        locale: 'es',
        text: 'call me',
        collected: { orderNumber: 'SB-1' },
      });
      assert.deepEqual(ticket.collected, { orderNumber: 'SB-1' });
      assert.deepEqual(
        (await store.tickets('open')).map((t) => t.id),
        [ticket.id],
      );
      assert.deepEqual(await store.tickets('open', ['orders']), []);
      assert.equal(await store.closeTicket(ticket.id, 'ana'), true);
      assert.equal(await store.closeTicket(ticket.id, 'ana'), false);
      assert.equal((await store.ticket(ticket.id))?.closedBy, 'ana');
      store.audit('ana', 'claimed', 1, { note: 'x' });
      assert.deepEqual((await store.auditLog(1))[0], {
        at: now,
        actor: 'ana',
        action: 'claimed',
        caseId: 1,
        detail: { note: 'x' },
      });
    });

    it('reads see the appends queued just before them; a redacted line keeps its sealed original', async () => {
      store.appendTranscriptLines('c1', [
        { role: 'customer', text: 'call me on [phone]', original: 'call me on 555 0100' },
        { role: 'bot', text: 'noted' },
      ]);
      store.audit('customer', 'queued', 7);
      assert.equal(store.pendingWrites, 3);
      const lines = await store.transcript('c1');
      assert.equal(store.pendingWrites, 0);
      assert.deepEqual(
        lines.map((line) => [line.text, line.redacted]),
        [
          ['call me on [phone]', true],
          ['noted', false],
        ],
      );
      const [redacted] = lines;
      assert.ok(redacted);
      assert.equal(await store.originalText('c1', redacted.id), 'call me on 555 0100');
      assert.equal(await store.originalText('other', redacted.id), undefined, 'only in its own conversation');
      assert.equal((await store.transcriptLine('c1', redacted.id))?.text, 'call me on [phone]');
      store.audit('agent', 'claimed', 7);
      assert.deepEqual(
        (await store.auditLog()).map((entry) => entry.action),
        ['claimed', 'queued'],
      );
    });

    it('close() commits the appends still queued', async () => {
      const database = databases.openAgain();
      const closing = new HandoffStore(database, () => now);
      closing.appendTranscript('c1', 'customer', 'last words');
      closing.audit('customer', 'left');
      await closing.close();
      assert.equal(closing.isOpen, false);
      assert.deepEqual(
        (await store.transcript('c1')).map((line) => line.text),
        ['last words'],
      );
      assert.equal((await store.auditLog(1))[0]?.action, 'left');
    });

    it('caseHistory() finds ended cases by name or reference whatever the case, with filters and pages', async () => {
      const ended = async (key: string, extra: Partial<NewCase>, agent: string): Promise<number> => {
        const { handoffCase } = await store.enqueue(newCase(key, extra));
        await store.claim(handoffCase.id, agent);
        now += 1000;
        await store.end(handoffCase.id, 'resolved', agent);
        return handoffCase.id;
      };
      const garcia = await ended(
        'a',
        { customerName: 'Ana García', collected: { orderNumber: 'SB-1234' } },
        'ana',
      );
      const rma = await ended(
        'b',
        { customerName: 'Bo', collected: { rma: 'RMA-77' }, team: 'orders' },
        'bo',
      );
      await store.enqueue(newCase('open', { customerName: 'Ana Open' }));
      const page = { limit: 10, offset: 0 };
      const ids = async (query: Parameters<HandoffStore['caseHistory']>[0]): Promise<number[]> =>
        (await store.caseHistory(query, page)).cases.map((c) => c.id);
      assert.deepEqual(await ids({}), [rma, garcia], 'most recently ended first, open cases left out');
      assert.deepEqual(await ids({ text: 'ANA' }), [garcia]);
      assert.deepEqual(await ids({ text: 'sb-12' }), [garcia]);
      assert.deepEqual(await ids({ text: 'rma-77' }), [rma]);
      assert.deepEqual(await ids({ text: '%' }), [], 'LIKE wildcards are literal');
      assert.deepEqual(await ids({ agentId: 'bo' }), [rma]);
      assert.deepEqual(await ids({ teams: ['support'] }), [garcia]);
      assert.deepEqual(await ids({ teams: [], orHeldBy: 'bo' }), [rma]);
      assert.deepEqual(await ids({ teams: [] }), []);
      assert.deepEqual(await ids({ endedFrom: now }), [rma]);
      const first = await store.caseHistory({}, { limit: 1, offset: 1 });
      assert.deepEqual(
        { ids: first.cases.map((c) => c.id), total: first.total },
        { ids: [garcia], total: 2 },
      );
    });

    it('canned replies: one name per locale and team, changes and deletion', async () => {
      const reply = {
        name: 'hello',
        locale: 'en',
        team: 'support',
        text: 'Hi {{customerName}}',
        updatedBy: 'lead',
      };
      const created = await store.createCannedReply(reply);
      assert.ok(created);
      assert.equal(await store.createCannedReply(reply), undefined, 'the name is taken');
      const other = await store.createCannedReply({ ...reply, name: 'bye' });
      assert.ok(other);
      assert.equal(await store.updateCannedReply(other.id, reply), 'conflict');
      const changed = await store.updateCannedReply(other.id, { ...reply, name: 'goodbye', text: 'Bye' });
      assert.equal(typeof changed === 'object' ? changed.text : changed, 'Bye');
      assert.equal(await store.updateCannedReply(9999, reply), 'notFound');
      assert.deepEqual(
        (await store.cannedReplies({ locale: 'en', teams: ['support'] })).map((r) => r.name),
        ['goodbye', 'hello'],
      );
      assert.equal(await store.deleteCannedReply(created.id), true);
      assert.equal(await store.deleteCannedReply(created.id), false);
      assert.equal(await store.cannedReply(created.id), undefined);
    });

    it("finds, exports, erases and expires one customer's records", async () => {
      const reference = {
        conversation: { id: 'c1', isGroup: false, conversationType: '', name: '' },
        user: { id: 'u-1', name: 'Ana' },
      };
      const { handoffCase } = await store.enqueue(
        newCase('directline/c1', { reference, customerName: 'Ana', collected: { email: 'ana@example.com' } }),
      );
      store.appendTranscriptLines('directline/c1', [
        { role: 'customer', text: 'my number is [phone]', original: 'my number is 555 0199' },
      ]);
      await store.enqueue(newCase('directline/c2'));
      assert.deepEqual(await store.conversationsOf({ users: ['directline/u-1'] }), ['directline/c1']);
      assert.deepEqual(await store.conversationsOf({ mentions: ['ANA@example.com'] }), ['directline/c1']);
      assert.deepEqual(
        await store.conversationsOf({ mentions: ['555 0199'] }),
        ['directline/c1'],
        'sealed originals too',
      );
      assert.deepEqual(await store.usersOf(['directline/c1', 'directline/c2']), ['directline/u-1']);
      const records = await store.recordsOf(['directline/c1']);
      assert.deepEqual(
        records.cases.map((c) => c.id),
        [handoffCase.id],
      );
      assert.equal(records.transcript[0]?.original, 'my number is 555 0199');
      assert.deepEqual((await store.activeConversationKeys()).sort(), ['directline/c1', 'directline/c2']);
      assert.deepEqual(
        await store.expire({ transcriptsBefore: now + 1, recordsBefore: now + 1 }),
        {
          transcriptLines: 0,
          cases: 0,
          tickets: 0,
        },
        'an open case keeps its transcript',
      );
      assert.deepEqual(await store.erase(['directline/c1']), { cases: 1, transcriptLines: 1, tickets: 0 });
      assert.equal(await store.activeCase('directline/c1'), undefined);
    });
  });
}

describe('HANDOFF_MIGRATIONS on a handoff.sqlite of an earlier version', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-handoff-old-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('adopts the tables, adds the columns they lack, and keeps their rows and the one-open-case rule', async () => {
    const file = path.join(dir, 'handoff.sqlite');
    // The shape the store created before migrations, from before transcript.original existed.
    const old = new Database(file);
    old.exec(`
      CREATE TABLE cases (
        id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_key TEXT NOT NULL, state TEXT NOT NULL,
        channel_id TEXT NOT NULL, reference TEXT NOT NULL, locale TEXT NOT NULL, customer_name TEXT,
        reason TEXT NOT NULL, topic TEXT NOT NULL, sentiment REAL, tags TEXT NOT NULL, team TEXT NOT NULL,
        agent_id TEXT, boost_ms INTEGER NOT NULL, collected TEXT NOT NULL, queued_at INTEGER NOT NULL,
        assigned_at INTEGER, ended_at INTEGER, disposition TEXT, satisfaction INTEGER,
        position_sent INTEGER, position_sent_at INTEGER
      );
      CREATE UNIQUE INDEX cases_one_active ON cases (conversation_key) WHERE state IN ('queued', 'withAgent');
      CREATE TABLE transcript (
        id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_key TEXT NOT NULL, at INTEGER NOT NULL,
        role TEXT NOT NULL, agent_id TEXT, text TEXT NOT NULL
      );
      CREATE TABLE pickups (at INTEGER NOT NULL, wait_ms INTEGER NOT NULL);
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL,
        action TEXT NOT NULL, case_id INTEGER, detail TEXT
      );
      INSERT INTO cases (conversation_key, state, channel_id, reference, locale, reason, topic, tags, team,
        boost_ms, collected, queued_at)
        VALUES ('web/old', 'queued', 'directline', '{"conversation":{"id":"old"}}', 'es', 'customerAsked',
          'none', '[]', 'support', 0, '{"orderNumber":"SB-9"}', 500);
      INSERT INTO transcript (conversation_key, at, role, text) VALUES ('web/old', 400, 'customer', 'hola');
      INSERT INTO audit (at, actor, action, case_id) VALUES (500, 'customer', 'queued', 1);
    `);
    old.close();

    const database = new SharedDatabase({ dialect: 'sqlite', file }, [HANDOFF_MIGRATIONS]);
    const store = new HandoffStore(database, () => 1000, SEAL);
    try {
      await database.ready;
      assert.deepEqual(await appliedMigrations(database.db, HANDOFF_MIGRATIONS), ['0001_handoff']);
      const kept = await store.activeCase('web/old');
      assert.equal(kept?.locale, 'es');
      assert.deepEqual(kept?.collected, { orderNumber: 'SB-9' });
      assert.equal((await store.enqueue(newCase('web/old'))).created, false, 'still one open case');
      assert.deepEqual(
        (await store.transcript('web/old')).map((line) => [line.text, line.redacted]),
        [['hola', false]],
      );
      // The column the old file lacked takes sealed originals now.
      store.appendTranscriptLines('web/old', [
        { role: 'customer', text: '[email]', original: 'a@b.example' },
      ]);
      const [, sealed] = await store.transcript('web/old');
      assert.equal(sealed?.redacted, true);
      assert.equal(await store.originalText('web/old', sealed?.id ?? 0), 'a@b.example');
      assert.equal((await store.auditLog())[0]?.action, 'queued');
      // Tables the old file lacked were created.
      assert.ok(
        await store.createTicket({
          conversationKey: 'web/old',
          team: 'support',
          locale: 'es',
          text: 'x',
          collected: {},
        }),
      );
    } finally {
      await store.close();
      await database.close();
    }
  });
});
