import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisConversationLocks, type ConversationLocks } from './conversationLocks';
import type { Logger } from './logger';

/**
 * Messages between instances on one topic: what one instance sends, every other instance
 * receives (not the sender itself). Redis pub/sub: nothing is kept for an instance that is down.
 */
export interface FanOut {
  send(message: string): void;
  onMessage(handler: (message: string) => void): void;
}

/**
 * True for the one caller, of every instance, that claims `key` first within `ttlMs`; false for
 * every later one until the claim expires. Rejects when Redis cannot be asked.
 */
export type ClaimOnce = (key: string, ttlMs: number) => Promise<boolean>;

/** Prefix of the keys {@link ClaimOnce} sets. */
const CLAIM_PREFIX = 'switchboard:seen:';

/** Prefix of the Redis pub/sub channels. */
const FAN_OUT_PREFIX = 'switchboard:fanout:';

/** What instances share through Redis: one lock per conversation, and fan-out topics. */
export interface Coordination {
  readonly locks: ConversationLocks;
  /** The fan-out of `topic` (e.g. `directline`: activities for streams open on other instances). */
  fanOut(topic: string): FanOut;
  /** True for the first instance to claim `key` within `ttlMs` (see {@link ClaimOnce}). */
  claimOnce: ClaimOnce;
  /** Whether Redis is connected (for `/readyz`); it reconnects on its own. */
  isReady(): boolean;
  close(): Promise<void>;
}

export interface CoordinationOptions {
  /** `TURN_LOCK_LEASE_MS`: how long a turn lock lives without renewal. */
  lockLeaseMs: number;
}

/**
 * Connects to `REDIS_URL`. Commands fail at once while the connection is down (no offline
 * queue), so a turn that cannot take its lock fails with an apology instead of hanging, and the
 * client keeps reconnecting in the background until Redis is back.
 */
export function openCoordination(
  redisUrl: string,
  logger: Logger,
  options: CoordinationOptions,
): Coordination {
  const redis = new Redis(redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  let lastError = '';
  const reportError = (error: Error): void => {
    // ioredis reports every failed reconnect; one line per distinct problem is enough.
    if (error.message !== lastError) logger.warn({ err: error }, 'Redis connection problem');
    lastError = error.message;
  };
  redis.on('error', reportError);
  redis.on('ready', () => {
    if (lastError !== '') logger.info('Redis connection restored');
    lastError = '';
  });
  // A subscribed connection can do nothing else, so fan-out has a connection of its own.
  // NOTE: it queues its SUBSCRIBE until connected (the main connection fails fast instead), and
  // ioredis subscribes again by itself after a reconnect.
  const subscriber = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
  subscriber.on('error', reportError);
  const handlers = new Map<string, ((message: string) => void)[]>();
  const instance = randomUUID();
  subscriber.on('message', (channel: string, raw: string) => {
    const separator = raw.indexOf(' ');
    // Own messages come back too; the instance id in front tells them apart.
    if (separator < 0 || raw.slice(0, separator) === instance) return;
    const message = raw.slice(separator + 1);
    for (const handler of handlers.get(channel) ?? []) {
      try {
        handler(message);
      } catch (error) {
        logger.error({ err: error, channel }, 'fan-out message handler failed');
      }
    }
  });
  const fanOut = (topic: string): FanOut => {
    const channel = `${FAN_OUT_PREFIX}${topic}`;
    return {
      send(message: string): void {
        redis.publish(channel, `${instance} ${message}`).catch((error: unknown) => {
          logger.warn({ err: error, channel }, 'fan-out message not sent');
        });
      },
      onMessage(handler: (message: string) => void): void {
        const existing = handlers.get(channel);
        if (existing) {
          existing.push(handler);
          return;
        }
        handlers.set(channel, [handler]);
        subscriber.subscribe(channel).catch((error: unknown) => {
          logger.error({ err: error, channel }, 'fan-out subscription failed');
        });
      },
    };
  };
  return {
    locks: new RedisConversationLocks(redis, { leaseMs: options.lockLeaseMs }),
    fanOut,
    // SET NX: Redis answers OK to the first and nothing to the others, atomically.
    claimOnce: async (key, ttlMs) =>
      (await redis.set(`${CLAIM_PREFIX}${key}`, '1', 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK',
    isReady: () => redis.status === 'ready' && subscriber.status === 'ready',
    async close(): Promise<void> {
      await subscriber.quit().catch(() => subscriber.disconnect());
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
