import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openCoordination, type Coordination } from '../../bot/coordination';
import { silentLogger } from '../../bot/logger';
import { eventually } from '../support/polling';
import { connectTestRedis, TEST_REDIS_URL } from '../support/redis';

describe('Coordination.claimOnce() (Redis)', function () {
  let instances: Coordination[] = [];
  /** A key no other test run claims. */
  const key = (): string => `test/${process.pid}/${randomBytes(6).toString('hex')}`;

  before(async function () {
    (await connectTestRedis(this)).disconnect();
  });

  beforeEach(async () => {
    instances = [1, 2].map(() => openCoordination(TEST_REDIS_URL, silentLogger(), { lockLeaseMs: 15_000 }));
    // Commands fail at once until connected (no offline queue), as a turn would while Redis is away.
    await eventually(() => instances.every((instance) => instance.isReady()), 'both connected');
  });

  afterEach(async () => {
    await Promise.all(instances.map((instance) => instance.close()));
  });

  it('of ten racing claims of one key on two instances, exactly one wins', async () => {
    const claimed = key();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => instances[i % 2]!.claimOnce(claimed, 60_000)),
    );
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await instances[0]!.claimOnce(key(), 60_000), true, 'another key is its own');
  });

  it('can be claimed again once its claim expired', async () => {
    const claimed = key();
    assert.equal(await instances[0]!.claimOnce(claimed, 30), true);
    assert.equal(await instances[1]!.claimOnce(claimed, 30), false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(await instances[1]!.claimOnce(claimed, 30), true);
  });
});
