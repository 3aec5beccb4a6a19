import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Activity, Storage } from 'botbuilder';
import sinon from 'sinon';
import { SharedDatabase } from '../../bot/database';
import { STATE_MIGRATIONS } from '../../bot/database/migrations';
import { silentLogger } from '../../bot/logger';
import { RetentionSweeper } from '../../bot/privacy';
import { customerStores } from '../../bot/privacy';
import { DatabaseStorage, SqliteStorage } from '../../bot/storage';
import { ConversationStore } from '../../channels/web/conversationStore';
import { DIRECT_LINE_MIGRATIONS } from '../../channels/web/migrations';
import { HandoffStore, type NewCase } from '../../handoff/handoffStore';
import { HANDOFF_MIGRATIONS } from '../../handoff/migrations';
import { eventually } from '../support/polling';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);
const POLICY = { transcriptDays: 90, ticketDays: 365 };

interface Stores {
  state: Storage & { recordsOf: SqliteStorage['recordsOf'] };
  directLine: ConversationStore;
  handoff: HandoffStore;
  close(): Promise<void>;
}

function newCase(conversationKey: string): NewCase {
  const [channelId = '', id = ''] = conversationKey.split('/');
  return {
    conversationKey,
    channelId,
    reference: {
      conversation: { id, isGroup: false, conversationType: '', name: '' },
      user: { id: `u-${id}`, name: 'Ana' },
    },
    locale: 'en',
    customerName: 'Ana',
    reason: 'customerAsked',
    topic: 'none',
    sentiment: undefined,
    tags: [],
    team: 'support',
    boostMs: 0,
    collected: {},
  };
}

const backends: { name: string; open: (dir: string, database?: TestDatabase) => Stores }[] = [
  {
    name: 'SQLite',
    open: (dir) => {
      const state = new SqliteStorage(path.join(dir, 'state.sqlite'));
      const dl = new SharedDatabase({ dialect: 'sqlite', file: path.join(dir, 'directline.sqlite') }, [
        DIRECT_LINE_MIGRATIONS,
      ]);
      const handoffDatabase = new SharedDatabase(
        { dialect: 'sqlite', file: path.join(dir, 'handoff.sqlite') },
        [HANDOFF_MIGRATIONS],
      );
      const handoff = new HandoffStore(handoffDatabase, () => Date.now());
      return {
        state,
        directLine: new ConversationStore(dl, () => Date.now()),
        handoff,
        close: async () => {
          state.close();
          await dl.close();
          await handoff.close();
          await handoffDatabase.close();
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    // The handoff store in the shared database too, as with STORAGE=postgres.
    open: (_dir, database) => {
      const shared = new SharedDatabase({ dialect: 'postgres', url: database!.url, poolSize: 2 }, [
        STATE_MIGRATIONS,
        DIRECT_LINE_MIGRATIONS,
        HANDOFF_MIGRATIONS,
      ]);
      const handoff = new HandoffStore(shared, () => Date.now());
      return {
        state: new DatabaseStorage(shared),
        directLine: new ConversationStore(shared, () => Date.now()),
        handoff,
        close: async () => {
          await handoff.close();
          await shared.close();
        },
      };
    },
  },
];

for (const backend of backends) {
  describe(`RetentionSweeper on ${backend.name}`, function () {
    this.timeout(30_000);
    let database: TestDatabase | undefined;
    let dir: string;
    let stores: Stores;
    let clock: sinon.SinonFakeTimers;

    before(async function () {
      if (backend.name === 'PostgreSQL') database = await createTestDatabase(this);
    });
    after(async () => {
      await database?.drop();
    });
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-retention-'));
      stores = backend.open(dir, database);
      // Only `Date` is faked: the stores stamp what they write with it; timers stay real.
      clock = sinon.useFakeTimers({ now: T0, toFake: ['Date'] });
    });
    afterEach(async () => {
      clock.restore();
      await stores.close();
      fs.rmSync(dir, { recursive: true, force: true });
      if (database) {
        const cleanup = backend.open(dir, database);
        await cleanup.state.delete(
          (await cleanup.state.recordsOf({ keys: [{ prefix: '' }] })).map((record) => record.key),
        );
        await cleanup.directLine.expire(Number.MAX_SAFE_INTEGER);
        await cleanup.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    /** A web chat conversation `id` with everything the stores keep of one, written now. */
    async function converse(id: string, options: { endCase: boolean } = { endCase: true }): Promise<void> {
      const key = `directline/${id}`;
      await stores.directLine.createConversation(id, `u-${id}`, 'en');
      await stores.directLine.append(
        id,
        (seq) => ({ type: 'message', id: `${id}|${seq}`, text: 'hi' }) as Activity,
      );
      await stores.directLine.saveUpload({
        id: `up-${id}`,
        conversationId: id,
        name: 'receipt.pdf',
        contentType: 'application/pdf',
        data: Buffer.from('%PDF'),
      });
      await stores.state.write({
        [`directline/conversations/${id}/`]: { conversationData: { turns: 1 } },
        [`directline/users/u-${id}/`]: { customerProfile: { locale: 'en' } },
        [`verification/conversation/${key}`]: { failures: [Date.now()] },
        [`whatsapp/cloud/1/lastInbound/${id}`]: { at: Date.now() },
      });
      const { handoffCase } = await stores.handoff.enqueue(newCase(key));
      stores.handoff.appendTranscriptLines(key, [
        { role: 'customer', text: 'agent please' },
        { role: 'bot', text: 'queued' },
      ]);
      if (options.endCase) await stores.handoff.end(handoffCase.id, 'resolved');
      await stores.handoff.createTicket({
        conversationKey: key,
        team: 'support',
        locale: 'en',
        text: 'call me',
        collected: {},
      });
    }

    const sweeperAt = (days: number) =>
      new RetentionSweeper(
        customerStores({ state: stores.state, directLine: () => stores.directLine, handoff: stores.handoff }),
        POLICY,
        silentLogger(),
        () => T0 + days * DAY,
      );

    const stateKeys = async () =>
      (await stores.state.recordsOf({ keys: [{ prefix: '' }] })).map((record) => record.key).sort();
    const transcriptKeys = async () =>
      [
        ...new Set(
          (
            await stores.handoff.recordsOf(['directline/old', 'directline/recent', 'directline/waiting'])
          ).transcript.map((l) => l.conversationKey),
        ),
      ].sort();
    const ticketKeys = async () =>
      (await stores.handoff.tickets()).map((ticket) => ticket.conversationKey).sort();
    const caseKeys = async () =>
      (await stores.handoff.recordsOf(['directline/old', 'directline/recent', 'directline/waiting'])).cases
        .map((c) => `${c.conversationKey}:${c.state}`)
        .sort();

    it('sweep() removes transcripts after TRANSCRIPT_RETENTION_DAYS and tickets and ended cases after TICKET_RETENTION_DAYS, nothing younger', async () => {
      await converse('old');
      await converse('waiting', { endCase: false }); // still waiting for a person at day 100
      await stores.state.write({ 'telegram/callbackData/b1': { value: 'SB-10001 from June 9, 2025' } });
      clock.setSystemTime(T0 + 60 * DAY);
      await converse('recent');

      const at100 = await sweeperAt(100).sweep();
      assert.deepEqual(at100, {
        botState: { conversationState: 1, verificationGuard: 1, channelState: 3 },
        directLine: { conversations: 2, activities: 2, uploads: 2 },
        handoff: { transcriptLines: 2, cases: 0, tickets: 0 },
      });
      assert.equal(await stores.directLine.getConversation('old'), undefined);
      assert.equal(
        await stores.directLine.getConversation('waiting'),
        undefined,
        'web transcripts go regardless',
      );
      assert.equal((await stores.directLine.recordsOf(['recent'])).activities.length, 1);
      assert.equal((await stores.directLine.getUpload('recent', 'up-recent'))?.name, 'receipt.pdf');
      assert.deepEqual(await stateKeys(), [
        'directline/conversations/recent/',
        'directline/conversations/waiting/',
        'directline/users/u-old/',
        'directline/users/u-recent/',
        'directline/users/u-waiting/',
        'verification/conversation/directline/recent',
        'verification/conversation/directline/waiting',
        'whatsapp/cloud/1/lastInbound/recent',
      ]);
      assert.deepEqual(await transcriptKeys(), ['directline/recent', 'directline/waiting']);
      assert.deepEqual(await ticketKeys(), ['directline/old', 'directline/recent', 'directline/waiting']);
      assert.deepEqual(await caseKeys(), [
        'directline/old:ended',
        'directline/recent:ended',
        'directline/waiting:queued',
      ]);

      // A year on: the old ticket and case go, the recent ones (340 days) stay; the waiting case stays open.
      const at400 = await sweeperAt(400).sweep();
      assert.deepEqual(at400.handoff, { transcriptLines: 2, cases: 1, tickets: 2 });
      assert.deepEqual(await ticketKeys(), ['directline/recent']);
      assert.deepEqual(await caseKeys(), ['directline/recent:ended', 'directline/waiting:queued']);
      assert.deepEqual(await transcriptKeys(), ['directline/waiting']);
      // Nothing is left to expire: a sweep again removes nothing.
      const again = await sweeperAt(400).sweep();
      assert.deepEqual(
        Object.values(again)
          .flatMap((counts) => Object.values(counts))
          .filter((n) => n > 0),
        [],
      );
    });

    it('start() sweeps at once and again on its interval; close() stops it', async () => {
      await converse('old');
      clock.setSystemTime(T0 + 100 * DAY);
      const sweeper = new RetentionSweeper(
        customerStores({ state: stores.state, directLine: () => stores.directLine, handoff: stores.handoff }),
        POLICY,
        silentLogger(),
        () => T0 + 100 * DAY,
        50,
      );
      sweeper.start();
      await eventually(
        async () => (await stores.directLine.getConversation('old')) === undefined,
        'the first sweep',
      );
      // Written after the first sweep, with an old date: the next sweep takes it.
      clock.setSystemTime(T0);
      await stores.state.write({ ['directline/conversations/later/']: { conversationData: { turns: 1 } } });
      clock.setSystemTime(T0 + 100 * DAY);
      await eventually(
        async () => !(await stateKeys()).includes('directline/conversations/later/'),
        'a later sweep',
      );
      await sweeper.close();
      clock.setSystemTime(T0);
      await stores.state.write({
        ['directline/conversations/after-close/']: { conversationData: { turns: 1 } },
      });
      assert.deepEqual(await sweeper.sweep(), {}, 'a closed sweeper does nothing');
      assert.ok((await stateKeys()).includes('directline/conversations/after-close/'));
    });
  });
}
