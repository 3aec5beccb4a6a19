import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TurnQueue } from '../../bot/turnQueue';

describe('TurnQueue', () => {
  it('run() runs work of one key one at a time, in the order queued', async () => {
    const queue = new TurnQueue();
    const events: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const work = (n: number) => async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      events.push(`start ${n}`);
      // Later work finishes sooner: without the queue the order would come out reversed.
      await sleep(20 - n);
      events.push(`end ${n}`);
      running -= 1;
      return n;
    };
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => queue.run('conv', work(n))));
    assert.deepEqual(
      results,
      Array.from({ length: 20 }, (_, n) => n),
    );
    assert.equal(maxRunning, 1);
    assert.deepEqual(events, Array.from({ length: 20 }, (_, n) => [`start ${n}`, `end ${n}`]).flat());
  });

  it('run() runs different keys in parallel', async () => {
    const queue = new TurnQueue();
    let running = 0;
    let maxRunning = 0;
    const work = async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await sleep(10);
      running -= 1;
    };
    await Promise.all(['a', 'b', 'c'].map((key) => queue.run(key, work)));
    assert.equal(maxRunning, 3);
  });

  it('run() passes a failure to its caller and keeps the key usable', async () => {
    const queue = new TurnQueue();
    const failed = queue.run('conv', () => Promise.reject(new Error('boom')));
    const next = queue.run('conv', () => Promise.resolve('after'));
    await assert.rejects(failed, /boom/);
    assert.equal(await next, 'after');
  });

  it('forgets keys once their work is done', async () => {
    const queue = new TurnQueue();
    await Promise.all(Array.from({ length: 50 }, (_, n) => queue.run(`conv-${n}`, () => sleep(1))));
    await sleep(1);
    assert.equal(queue.activeKeys, 0);
  });

  it('idle() resolves only after queued work is done', async () => {
    const queue = new TurnQueue();
    let done = false;
    void queue.run('conv', async () => {
      await sleep(20);
      done = true;
    });
    await queue.idle();
    assert.equal(done, true);
    await queue.idle(); // and at once when nothing runs
  });
});
