import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { ConversationBusyError, RedisConversationLocks } from '../../bot/conversationLocks';
import { openCoordination } from '../../bot/coordination';
import { createLogger } from '../../bot/logger';
import { connectTestRedis, redisClient, TEST_REDIS_URL, testPrefix } from '../support/redis';

/** A promise with its resolver, to hold work open until the test lets it go. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('RedisConversationLocks (real Redis)', function () {
  let one: Redis;
  let two: Redis;
  let prefix: string;

  before(async function () {
    one = await connectTestRedis(this);
    two = await connectTestRedis(this);
  });
  beforeEach(() => {
    prefix = testPrefix();
  });
  after(async () => {
    const keys = await one.keys('switchboard-test:*');
    if (keys.length > 0) await one.del(...keys);
    one.disconnect();
    two.disconnect();
  });

  it('run() lets one instance at a time work on a conversation: 20 racing turns on two instances', async () => {
    const instances = [one, two].map((redis) => new RedisConversationLocks(redis, { prefix, leaseMs: 5000 }));
    let inside = 0;
    let mostInside = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, turn) =>
        instances[turn % 2]!.run('webchat/c1', async () => {
          inside += 1;
          mostInside = Math.max(mostInside, inside);
          await new Promise((resolve) => setImmediate(resolve));
          order.push(turn);
          inside -= 1;
        }),
      ),
    );
    assert.equal(mostInside, 1);
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, turn) => turn),
    );
  });

  it('run() lets different conversations work at the same time', async () => {
    const locks = new RedisConversationLocks(one, { prefix });
    const held = gate();
    const first = locks.run('webchat/a', () => held.opened);
    // The second conversation finishes while the first still holds its lock.
    await locks.run('webchat/b', () => Promise.resolve());
    held.open();
    await first;
  });

  it('run() gives every take a larger fence and releases the lock when work throws', async () => {
    const locks = new RedisConversationLocks(one, { prefix });
    const fences: number[] = [];
    await locks.run('k', (lease) => Promise.resolve(fences.push(lease.fence)));
    await assert.rejects(
      locks.run('k', (lease) => {
        fences.push(lease.fence);
        return Promise.reject(new Error('turn failed'));
      }),
      /turn failed/,
    );
    await locks.run('k', (lease) => Promise.resolve(fences.push(lease.fence)));
    assert.deepEqual(fences, [1, 2, 3]);
    assert.equal(await one.exists(`${prefix}k`), 0);
  });

  it('a crashed holder: its lock expires with the lease and the next turn proceeds', async () => {
    // What a killed instance leaves behind: a lock with its token and nobody to release it.
    await one.set(`${prefix}k`, 'dead-instance', 'PX', 300);
    const locks = new RedisConversationLocks(two, { prefix, leaseMs: 300, waitMs: 10_000 });
    let ran = false;
    await locks.run('k', () => Promise.resolve((ran = true)));
    assert.equal(ran, true);
    assert.equal(await one.get(`${prefix}k`), null, 'the dead holder’s lock is gone');
  });

  it('a long turn renews its lease, so another instance waits for it rather than entering', async () => {
    const holder = new RedisConversationLocks(one, { prefix, leaseMs: 600 });
    const contender = new RedisConversationLocks(two, { prefix, leaseMs: 600, waitMs: 10_000 });
    const held = gate();
    let entered: (() => void) | undefined;
    const holderEntered = new Promise<void>((resolve) => (entered = resolve));
    let holderDone = false;
    const holding = holder.run('k', async (lease) => {
      entered?.();
      await held.opened;
      holderDone = true;
      return lease.lost;
    });
    await holderEntered;
    const contending = contender.run('k', () => Promise.resolve(holderDone));
    // Several lease lengths pass while the holder works: the renewals must keep the key alive.
    for (let i = 0; i < 6; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      assert.equal(await one.exists(`${prefix}k`), 1, 'the lease was renewed');
    }
    held.open();
    assert.equal(await holding, false, 'the holder never lost its lease');
    assert.equal(await contending, true, 'the contender entered only after the holder was done');
  });

  it('a lease taken over by another holder is reported lost, and its release leaves the new lock alone', async () => {
    const locks = new RedisConversationLocks(one, { prefix, leaseMs: 150 });
    const lost = await locks.run('k', async (lease) => {
      // Another instance took the lock (as after a pause longer than the lease).
      await two.set(`${prefix}k`, 'other-holder', 'PX', 10_000);
      while (!lease.lost) await new Promise((resolve) => setTimeout(resolve, 20));
      return lease.lost;
    });
    assert.equal(lost, true);
    assert.equal(await one.get(`${prefix}k`), 'other-holder');
  });

  it('run() gives up with ConversationBusyError after the wait limit', async () => {
    await one.set(`${prefix}k`, 'stuck', 'PX', 10_000);
    const locks = new RedisConversationLocks(two, { prefix, waitMs: 200 });
    let ran = false;
    await assert.rejects(
      locks.run('k', () => Promise.resolve((ran = true))),
      (error: unknown) => error instanceof ConversationBusyError && error.key === 'k',
    );
    assert.equal(ran, false);
  });

  it('run() rejects at once when Redis cannot be reached, and never runs the work', async () => {
    const unreachable = redisClient('redis://127.0.0.1:1');
    unreachable.on('error', () => undefined);
    const locks = new RedisConversationLocks(unreachable, { prefix });
    let ran = false;
    try {
      await assert.rejects(locks.run('k', () => Promise.resolve((ran = true))));
      assert.equal(ran, false);
    } finally {
      unreachable.disconnect();
    }
  });

  it('openCoordination() gives the turn lock the lease of TURN_LOCK_LEASE_MS', async () => {
    const coordination = openCoordination(TEST_REDIS_URL, createLogger('silent'), { lockLeaseMs: 1234 });
    try {
      for (let waited = 0; !coordination.isReady(); waited += 10) {
        if (waited > 5000) assert.fail('openCoordination(): not connected to Redis within 5 s');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // NOTE: openCoordination has no key prefix setting: the lock keys are switchboard:turn:<key>.
      const key = `${testPrefix()}conversation`;
      const ttl = await coordination.locks.run(key, () => one.pttl(`switchboard:turn:${key}`));
      assert.ok(ttl > 0 && ttl <= 1234, `the lock lives 1234 ms at most (PTTL ${ttl})`);
      await one.del(`switchboard:turn:${key}:fence`);
    } finally {
      await coordination.close();
    }
  });
});
