import { Redis } from 'ioredis';
import { RedisConversationLocks, type ConversationLocks } from './conversationLocks';
import type { Logger } from './logger';

/** What instances share through Redis: one lock per conversation (later also fan-out). */
export interface Coordination {
  readonly locks: ConversationLocks;
  /** Whether Redis is connected (for `/readyz`); it reconnects on its own. */
  isReady(): boolean;
  close(): Promise<void>;
}

/**
 * Connects to `REDIS_URL`. Commands fail at once while the connection is down (no offline
 * queue), so a turn that cannot take its lock fails with an apology instead of hanging, and the
 * client keeps reconnecting in the background until Redis is back.
 */
export function openCoordination(redisUrl: string, logger: Logger): Coordination {
  const redis = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  let lastError = '';
  redis.on('error', (error: Error) => {
    // ioredis reports every failed reconnect; one line per distinct problem is enough.
    if (error.message !== lastError) logger.warn({ err: error }, 'Redis connection problem');
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (lastError !== '') logger.info('Redis connection restored');
    lastError = '';
  });
  return {
    locks: new RedisConversationLocks(redis),
    isReady: () => redis.status === 'ready',
    async close(): Promise<void> {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
