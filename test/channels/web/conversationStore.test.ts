import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import Database from 'better-sqlite3';
import { SharedDatabase, type DatabaseTarget } from '../../../bot/database';
import { appliedMigrations, migrationNames } from '../../../bot/database/migrations';
import { ConversationStore } from '../../../channels/web/conversationStore';
import { DIRECT_LINE_MIGRATIONS } from '../../../channels/web/migrations';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

const build =
  (text: string) =>
  (seq: number): Activity =>
    ({ type: 'message', id: `x${seq}`, text }) as Activity;

/** The store's behaviour, the same on both dialects. */
function storeSuite(name: string, target: () => DatabaseTarget, sharedByInstances: boolean): void {
  describe(`ConversationStore on ${name}`, () => {
    const opened: SharedDatabase[] = [];
    let now = 0;
    const open = (): ConversationStore => {
      const database = new SharedDatabase(target(), [DIRECT_LINE_MIGRATIONS]);
      opened.push(database);
      return new ConversationStore(database, () => now);
    };
    let prefix = 0;
    const id = (conversation: string): string => `${conversation}-${prefix}`;
    beforeEach(() => {
      now = 1_000_000;
      prefix += 1;
    });
    afterEach(async () => {
      for (const database of opened.splice(0)) await database.close();
    });

    it('numbers activities per conversation and answers after a watermark', async () => {
      const store = open();
      await store.createConversation(id('a'), 'u', 'en');
      await store.createConversation(id('b'), 'u', undefined);
      await store.append(id('a'), build('one'));
      await store.append(id('b'), build('other'));
      await store.append(id('a'), build('two'));
      assert.deepEqual(
        (await store.activitiesAfter(id('a'), 0)).activities.map((activity) => activity.text),
        ['one', 'two'],
      );
      assert.deepEqual(await store.activitiesAfter(id('a'), 1), {
        activities: [{ type: 'message', id: 'x2', text: 'two' }],
        watermark: '2',
      });
      assert.deepEqual(await store.activitiesAfter(id('a'), 2), { activities: [], watermark: '2' });
    });

    it('createConversation() of an existing id returns it unchanged, with the customer it started with', async () => {
      const store = open();
      const first = await store.createConversation(id('c'), 'u1', 'es', {
        verified: { name: 'Ana' },
      });
      const again = await store.createConversation(id('c'), 'u2', 'en');
      assert.deepEqual(again, first);
      assert.equal(again.userId, 'u1');
      assert.deepEqual(again.customer, { verified: { name: 'Ana' } });
    });

    it('append() stores a client activity once: a retried post returns the first with duplicate', async () => {
      const store = open();
      await store.createConversation(id('d'), 'u', undefined);
      const first = await store.append(id('d'), build('hi'), 'client-1');
      const retry = await store.append(id('d'), build('hi again'), 'client-1');
      assert.equal(first.duplicate, false);
      assert.deepEqual(retry, { activity: first.activity, seq: first.seq, duplicate: true });
      assert.equal((await store.activitiesAfter(id('d'), 0)).activities.length, 1);
    });

    it('append() to a conversation that does not exist fails and stores nothing', async () => {
      const store = open();
      await assert.rejects(store.append(id('missing'), build('x')), /unknown conversation/);
      assert.deepEqual(await store.activitiesAfter(id('missing'), 0), { activities: [], watermark: '0' });
    });

    it('does not replay old typing indicators', async () => {
      const store = open();
      await store.createConversation(id('t'), 'u', undefined);
      await store.append(id('t'), (seq) => ({ type: 'typing', id: `t${seq}` }) as Activity);
      assert.equal((await store.activitiesAfter(id('t'), 0)).activities.length, 1);
      now += 60_000;
      assert.deepEqual(await store.activitiesAfter(id('t'), 0), { activities: [], watermark: '1' });
    });

    it('keeps uploads as bytes, and prune() forgets idle conversations with their activities and uploads', async () => {
      const store = open();
      await store.createConversation(id('old'), 'u', undefined);
      await store.append(id('old'), build('x'));
      const data = Buffer.from([0, 1, 2, 250, 255]);
      await store.saveUpload({
        id: id('f'),
        conversationId: id('old'),
        name: 'a.bin',
        contentType: 'application/octet-stream',
        data,
      });
      assert.deepEqual((await store.getUpload(id('old'), id('f')))?.data, data);
      now += 10_000;
      await store.createConversation(id('new'), 'u', undefined);
      assert.ok((await store.prune(5_000)) >= 1);
      assert.equal(await store.getConversation(id('old')), undefined);
      assert.equal(await store.getUpload(id('old'), id('f')), undefined);
      assert.deepEqual((await store.activitiesAfter(id('old'), 0)).activities, []);
      assert.notEqual(await store.getConversation(id('new')), undefined);
    });

    if (sharedByInstances) {
      it('two instances appending to one conversation at once get distinct, gapless watermarks', async () => {
        const one = open();
        const two = open();
        await one.createConversation(id('race'), 'u', undefined);
        const appended = await Promise.all(
          Array.from({ length: 30 }, (_, n) => (n % 2 === 0 ? one : two).append(id('race'), build(`m${n}`))),
        );
        assert.deepEqual(
          appended.map((result) => result.seq).sort((a, b) => a - b),
          Array.from({ length: 30 }, (_, n) => n + 1),
        );
      });

      it('the same client activity posted to two instances at once is stored once', async () => {
        const one = open();
        const two = open();
        await one.createConversation(id('dup'), 'u', undefined);
        const [a, b] = await Promise.all([
          one.append(id('dup'), build('hi'), 'same-client-id'),
          two.append(id('dup'), build('hi'), 'same-client-id'),
        ]);
        assert.equal(a.seq, b.seq);
        assert.deepEqual([a.duplicate, b.duplicate].sort(), [false, true]);
        assert.equal((await one.activitiesAfter(id('dup'), 0)).activities.length, 1);
      });
    }
  });
}

const tempDirs: string[] = [];
function tempFile(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-dl-'));
  tempDirs.push(dir);
  return path.join(dir, name);
}
after(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

storeSuite('SQLite', () => ({ dialect: 'sqlite', file: ':memory:' }), false);

describe('ConversationStore (PostgreSQL)', function () {
  let database: TestDatabase | undefined;
  before(async function () {
    database = await createTestDatabase(this);
  });
  after(async () => {
    await database?.drop();
  });
  storeSuite('PostgreSQL', () => ({ dialect: 'postgres', url: database!.url, poolSize: 4 }), true);
});

describe('ConversationStore on a Direct Line file from before migrations', () => {
  it('adopts the old tables: conversations, activities, customers and uploads are kept', async () => {
    const file = tempFile('directline.sqlite');
    const legacy = new Database(file);
    legacy.exec(`
      CREATE TABLE conversations (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, locale TEXT,
        created_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL, last_seq INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
      CREATE TABLE activities (conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL,
        client_activity_id TEXT, json TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (conversation_id, seq)) WITHOUT ROWID;
      CREATE TABLE conversation_customers (conversation_id TEXT PRIMARY KEY, customer TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE uploads (id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, name TEXT NOT NULL,
        content_type TEXT NOT NULL, data BLOB NOT NULL, created_at INTEGER NOT NULL);
      INSERT INTO conversations VALUES ('kept', 'u', 'lv', 5, 6, 1);
      INSERT INTO activities VALUES ('kept', 1, 'message', 'c1', '{"type":"message","text":"sveiki"}', 6);
      INSERT INTO conversation_customers VALUES ('kept', '{"tags":["vip"]}');
      INSERT INTO uploads VALUES ('f', 'kept', 'a.txt', 'text/plain', x'41', 6);
    `);
    legacy.close();
    const database = new SharedDatabase({ dialect: 'sqlite', file }, [DIRECT_LINE_MIGRATIONS]);
    try {
      const store = new ConversationStore(database, () => 7);
      assert.deepEqual(await store.getConversation('kept'), {
        id: 'kept',
        userId: 'u',
        locale: 'lv',
        customer: { tags: ['vip'] },
        createdAt: 5,
        lastActivityAt: 6,
      });
      assert.deepEqual((await store.activitiesAfter('kept', 0)).activities, [
        { type: 'message', text: 'sveiki' },
      ]);
      assert.equal(
        (await store.append('kept', build('next'))).seq,
        2,
        'the watermark goes on from the old one',
      );
      assert.deepEqual((await store.getUpload('kept', 'f'))?.data, Buffer.from('A'));
      assert.deepEqual(
        await appliedMigrations(database.db, DIRECT_LINE_MIGRATIONS),
        migrationNames(DIRECT_LINE_MIGRATIONS),
      );
    } finally {
      await database.close();
    }
  });
});
