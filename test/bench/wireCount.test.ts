import assert from 'node:assert/strict';
import pg from 'pg';
import { Redis } from 'ioredis';
import { RedisConversationLocks } from '../../bot/conversationLocks';
import { CountingProxy, respEnd, statementLabel } from '../../bench/wireCount';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { connectTestRedis, TEST_REDIS_URL, testPrefix } from '../support/redis';

describe('statementLabel()', () => {
  it('names a statement by its verb and first table, as Kysely writes them', () => {
    assert.equal(
      statementLabel('select "key", "value", "etag" from "state" where "key" in ($1, $2)'),
      'select state',
    );
    assert.equal(
      statementLabel(
        'insert into "state" ("key", "value") values ($1, $2) on conflict ("key") do update set "value" = $3',
      ),
      'insert state',
    );
    assert.equal(
      statementLabel('delete from "insight_open_tasks" where "key" = $1'),
      'delete insight_open_tasks',
    );
    assert.equal(statementLabel('update "content_change" set "n" = $1'), 'update content_change');
    assert.equal(statementLabel('BEGIN'), 'begin');
    assert.equal(statementLabel('  commit '), 'commit');
  });
});

describe('respEnd()', () => {
  const end = (text: string, at = 0): number => respEnd(Buffer.from(text, 'latin1'), at);

  it('finds the end of every RESP 2 type, and of a command array', () => {
    assert.equal(end('+OK\r\n'), 5);
    assert.equal(end('-ERR no\r\n'), 9);
    assert.equal(end(':42\r\n'), 5);
    assert.equal(end('$-1\r\n'), 5);
    assert.equal(end('$3\r\nabc\r\n'), 9);
    assert.equal(end('*2\r\n$3\r\nget\r\n$1\r\nk\r\n:1\r\n'), 20);
    assert.equal(end('+OK\r\n:1\r\n', 5), 9);
  });

  it('reads RESP 3 maps and pushes (after HELLO 3)', () => {
    assert.equal(end('%1\r\n+a\r\n:1\r\n'), 12);
    assert.equal(end('>2\r\n+message\r\n+hi\r\n'), 19);
    assert.equal(end('_\r\n'), 3);
  });

  it('returns -1 while a value has not fully arrived', () => {
    assert.equal(end('$3\r\nab'), -1);
    assert.equal(end('*2\r\n$3\r\nget\r\n'), -1);
    assert.equal(end(':4'), -1);
    assert.equal(end(''), -1);
  });
});

describe('CountingProxy (real Redis and PostgreSQL)', function () {
  let redis: Redis;
  let database: TestDatabase;

  before(async function () {
    redis = await connectTestRedis(this);
    database = await createTestDatabase(this);
  });
  after(async () => {
    redis?.disconnect();
    await database?.drop();
  });

  it('counts the turn lock as three Redis round trips: SET NX, INCR of the fence, the release script', async () => {
    const proxy = await CountingProxy.start('redis', TEST_REDIS_URL);
    const client = new Redis(proxy.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      const prefix = testPrefix();
      const locks = new RedisConversationLocks(client, { prefix, leaseMs: 5000 });
      proxy.reset();
      await Promise.all(Array.from({ length: 5 }, (_, i) => locks.run(`conversation-${i}`, async () => i)));
      const trips = proxy.roundTrips();
      assert.deepEqual(
        Object.fromEntries(Object.entries(trips).map(([kind, entry]) => [kind, entry.count])),
        { set: 5, incr: 5, 'eval release': 5 },
      );
      for (const entry of Object.values(trips)) assert.ok(entry.meanMs >= 0 && entry.p99Ms >= entry.p50Ms);
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    } finally {
      client.disconnect();
      await proxy.close();
    }
  });

  it('counts a PostgreSQL query with parameters and a simple query as one round trip each', async () => {
    const proxy = await CountingProxy.start('postgres', database.url);
    const client = new pg.Client({ connectionString: proxy.url });
    try {
      await client.connect();
      proxy.reset();
      await client.query('begin');
      await client.query('create table visit (n int)');
      await client.query('insert into visit (n) values ($1), ($2)', [1, 2]);
      const { rows } = await client.query<{ n: number }>('select n from visit where n > $1', [0]);
      await client.query('commit');
      assert.equal(rows.length, 2, 'the proxy forwards the answers untouched');
      assert.deepEqual(
        Object.fromEntries(Object.entries(proxy.roundTrips()).map(([kind, entry]) => [kind, entry.count])),
        { begin: 1, 'create visit': 1, 'insert visit': 1, 'select visit': 1, commit: 1 },
      );
    } finally {
      await client.end();
      await proxy.close();
    }
  });
});
