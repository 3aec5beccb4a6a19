import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The machine's Redis (`.ci/run` starts it); override with `TEST_REDIS_URL`. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses, so runs on one server never see each other's keys. */
export function testPrefix(): string {
  return `switchboard-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** A client that fails commands at once while disconnected, instead of queueing them. */
export function redisClient(url = TEST_REDIS_URL): Redis {
  return new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
}

/**
 * Connects to the test Redis for a suite (call from `before`). Without a reachable server the
 * suite is skipped with the reason printed, except under `CI`, where it fails.
 */
export async function connectTestRedis(suite: Mocha.Context): Promise<Redis> {
  const client = redisClient();
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.CI)
      throw new Error(`Redis at ${TEST_REDIS_URL} is not reachable (${reason}): .ci/run must start it`);
    console.log(`    (skipped: Redis at ${TEST_REDIS_URL} is not reachable: ${reason})`);
    suite.skip();
  }
  return client;
}
