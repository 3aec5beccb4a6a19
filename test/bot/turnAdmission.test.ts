import assert from 'node:assert/strict';
import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import type { TurnContext } from 'botbuilder';
import { SerializeTurns } from '../../bot/middleware';
import { TurnAdmission } from '../../bot/turnAdmission';
import { TurnQueue } from '../../bot/turnQueue';

/** A clock the test moves by hand, so no assertion depends on how fast the machine is. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('TurnAdmission', () => {
  it('lets turns start at once while the slice lasts', () => {
    const clock = manualClock();
    const admission = new TurnAdmission({ sliceMs: 10, clock: clock.now });
    assert.equal(admission.enter(), undefined);
    clock.advance(9);
    assert.equal(admission.enter(), undefined);
    assert.equal(admission.queued, 0);
  });

  it('holds turns that come once the slice is used up until the event loop had a turn', async () => {
    const clock = manualClock();
    const admission = new TurnAdmission({ sliceMs: 10, clock: clock.now });
    assert.equal(admission.enter(), undefined);
    clock.advance(10);
    const wait = admission.enter();
    assert.ok(wait, 'a turn after the slice waits');
    assert.equal(admission.queued, 1);
    let started = false;
    const startedTurn = wait.then(() => (started = true));
    for (let i = 0; i < 20; i += 1) await Promise.resolve();
    assert.equal(started, false, 'not in the microtasks of the stretch that used the slice up');
    await startedTurn;
    assert.equal(admission.queued, 0);
  });

  it('starts waiting turns in arrival order, back to back while the slice lasts, the rest in later event-loop turns', async () => {
    const clock = manualClock();
    const admission = new TurnAdmission({ sliceMs: 10, clock: clock.now });
    assert.equal(admission.enter(), undefined);
    clock.advance(50);
    const started: number[] = [];
    let running = 0;
    let mostRunning = 0;
    // Each turn holds the thread for 4 ms (as the clock says).
    const turn = (n: number) => () => {
      started.push(n);
      running += 1;
      mostRunning = Math.max(mostRunning, running);
      clock.advance(4);
      running -= 1;
      return Promise.resolve(n);
    };
    const turns = [0, 1, 2].map((n) => admission.run(turn(n)));
    // The slice has not run out for the newest stretch, but turns wait already: no overtaking.
    clock.advance(-45);
    const late = admission.enter();
    assert.ok(late, 'a turn does not overtake the waiting ones');
    const fourth = late.then(() => turn(3)()).finally(() => admission.done());
    const fifth = admission.run(turn(4));

    await nextLoopTurn();
    // One stretch: 0 (0–4 ms), 1 (4–8), 2 (8–12); the slice of 10 ms is used up after 2.
    assert.deepEqual(started, [0, 1, 2]);
    await nextLoopTurn();
    assert.deepEqual(started, [0, 1, 2, 3, 4]);
    assert.deepEqual(await Promise.all([...turns, fourth, fifth]), [0, 1, 2, 3, 4]);
    assert.equal(mostRunning, 1);
  });

  it('without done(), waiting turns still start, one per event-loop turn', async () => {
    const clock = manualClock();
    const admission = new TurnAdmission({ sliceMs: 10, clock: clock.now });
    assert.equal(admission.enter(), undefined);
    clock.advance(50);
    const started: number[] = [];
    const waits = [0, 1, 2].map((n) => admission.enter()?.then(() => started.push(n)));
    assert.ok(waits.every(Boolean));
    const seenPerLoopTurn: number[] = [];
    while (started.length < 3) {
      await nextLoopTurn();
      seenPerLoopTurn.push(started.length);
    }
    assert.deepEqual(started, [0, 1, 2]);
    // None in the first: the stretch before it used its slice, so the timers come first.
    assert.deepEqual(seenPerLoopTurn, [0, 1, 2, 3]);
  });

  it('begins a new slice once the event loop had its turn', async () => {
    const clock = manualClock();
    const admission = new TurnAdmission({ sliceMs: 10, clock: clock.now });
    assert.equal(admission.enter(), undefined);
    clock.advance(30);
    await nextLoopTurn();
    assert.equal(admission.enter(), undefined, 'the next stretch starts with a fresh slice');
  });

  it('run() runs the work once admitted and passes its result and errors on', async () => {
    const clock = manualClock();
    const admission = new TurnAdmission({ sliceMs: 10, clock: clock.now });
    assert.equal(await admission.run(() => Promise.resolve(7)), 7);
    clock.advance(20);
    await assert.rejects(
      admission.run(() => Promise.reject(new Error('turn failed'))),
      /turn failed/,
    );
    assert.equal(await admission.run(() => Promise.resolve('next')), 'next');
  });

  it('keeps the turns of one conversation in order behind SerializeTurns', async () => {
    const clock = manualClock();
    const admission = new TurnAdmission({ sliceMs: 10, clock: clock.now });
    const serialize = new SerializeTurns(new TurnQueue(), undefined, admission);
    const contextOf = (conversation: string) =>
      ({ activity: { channelId: 'test', conversation: { id: conversation } } }) as unknown as TurnContext;
    const events: string[] = [];
    const turn = (name: string, cost: number) => async () => {
      events.push(`start ${name}`);
      clock.advance(cost);
      await Promise.resolve();
      events.push(`end ${name}`);
    };
    await Promise.all([
      serialize.onTurn(contextOf('a'), turn('a1', 15)),
      serialize.onTurn(contextOf('b'), turn('b1', 15)),
      serialize.onTurn(contextOf('a'), turn('a2', 1)),
      serialize.onTurn(contextOf('b'), turn('b2', 1)),
    ]);
    assert.ok(events.indexOf('end a1') < events.indexOf('start a2'));
    assert.ok(events.indexOf('end b1') < events.indexOf('start b2'));
    // a1 used the slice up: b1 waited for the next event-loop turn instead of starting with it.
    assert.ok(events.indexOf('end a1') < events.indexOf('start b1'));
  });

  it('after a stretch that used its slice outside the check phase, waiting turns start an event-loop turn later', async () => {
    const clock = manualClock();
    const admission = new TurnAdmission({ sliceMs: 10, clock: clock.now });
    let started = false;
    // A stretch begins in a timer (as it would in the I/O phase) and uses its slice up.
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        assert.equal(admission.enter(), undefined);
        clock.advance(15);
        void admission.enter()?.then(() => (started = true));
        resolve();
      }, 0),
    );
    // This event-loop turn's check phase: no turn starts, the next timers phase comes first.
    await nextLoopTurn();
    assert.equal(started, false);
    await nextLoopTurn();
    assert.equal(started, true);
  });
});
