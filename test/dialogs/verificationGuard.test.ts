import assert from 'node:assert/strict';
import { MemoryStorage } from 'botbuilder';
import { VerificationGuard } from '../../dialogs/verificationGuard';
import { TestClock } from './commerceFixtures';

describe('VerificationGuard', () => {
  const order = VerificationGuard.orderKey('SB-10001');
  const conversation = VerificationGuard.conversationKey('test/c1');
  let clock: TestClock;
  let guard: VerificationGuard;
  beforeEach(() => {
    clock = new TestClock();
    guard = new VerificationGuard(new MemoryStorage(), clock);
  });

  it('recordFailure() locks both keys for 15 minutes at the fifth failure, not before', async () => {
    for (let failure = 1; failure <= 4; failure++) {
      assert.equal(await guard.recordFailure([order, conversation]), undefined, `failure ${failure}`);
    }
    const until = await guard.recordFailure([order, conversation]);
    assert.equal(until?.toISOString(), '2025-06-11T08:15:00.000Z');
    assert.equal((await guard.lockedUntil([order]))?.toISOString(), '2025-06-11T08:15:00.000Z');
    assert.equal((await guard.lockedUntil([conversation]))?.toISOString(), '2025-06-11T08:15:00.000Z');
    assert.equal(await guard.lockedUntil([VerificationGuard.orderKey('SB-10002')]), undefined);
  });

  it('lockedUntil() is over after 15 minutes, and counting starts again', async () => {
    for (let failure = 1; failure <= 5; failure++) await guard.recordFailure([order]);
    clock.advanceMinutes(14);
    assert.notEqual(await guard.lockedUntil([order]), undefined);
    clock.advanceMinutes(1);
    assert.equal(await guard.lockedUntil([order]), undefined);
    assert.equal(await guard.recordFailure([order]), undefined);
  });

  it('forgets failures older than an hour', async () => {
    for (let failure = 1; failure <= 4; failure++) await guard.recordFailure([order]);
    clock.advanceMinutes(61);
    assert.equal(await guard.recordFailure([order]), undefined);
  });

  it('counts failures from concurrent conversations on one order without losing any', async () => {
    await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        guard.recordFailure([order, VerificationGuard.conversationKey(`test/c${index}`)]),
      ),
    );
    assert.notEqual(await guard.lockedUntil([order]), undefined);
  });
});
