import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** What a turn holds while it runs under a {@link ConversationLocks} lock. */
export interface ConversationLease {
  /** Grows by one every time any instance takes this conversation's lock (a fencing token). */
  readonly fence: number;
  /** True once the lease could not be renewed: another instance may hold the lock now. */
  readonly lost: boolean;
}

/** Runs work of one conversation on one instance at a time, across every instance. */
export interface ConversationLocks {
  run<T>(key: string, work: (lease: ConversationLease) => Promise<T>): Promise<T>;
}

/** Raised when a conversation's lock was not free within the wait limit. */
export class ConversationBusyError extends Error {
  constructor(
    readonly key: string,
    waitedMs: number,
  ) {
    super(`ConversationLocks.run(): "${key}" was locked by another instance for more than ${waitedMs} ms`);
    this.name = 'ConversationBusyError';
  }
}

export interface RedisLockOptions {
  /**
   * How long a lock lives without renewal (`TURN_LOCK_LEASE_MS`); a crashed holder's lock frees
   * itself after this, and a running turn renews it every third of it.
   */
  leaseMs: number;
  /** How long a turn waits for the lock before giving up with {@link ConversationBusyError}. */
  waitMs: number;
  /** Prefix of the Redis keys. */
  prefix: string;
}

const DEFAULTS: RedisLockOptions = { leaseMs: 15_000, waitMs: 30_000, prefix: 'switchboard:turn:' };

/** Deletes the lock only if it still holds this token (never another holder's lock). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Extends the lock only if it still holds this token. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * A lease per conversation in Redis (`SET key token NX PX lease`), renewed while the work runs
 * and released with a compare-and-delete, so a slow turn keeps its lock and a crashed instance's
 * lock expires on its own. Each take also increments a counter, the fence a holder can present.
 *
 * NOTE: a lease can still be lost (a pause longer than the lease, Redis failing over); what a
 * holder writes after that is guarded by the state store's eTags, not by this lock.
 */
export class RedisConversationLocks implements ConversationLocks {
  private readonly options: RedisLockOptions;

  constructor(
    private readonly redis: Redis,
    options: Partial<RedisLockOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  async run<T>(key: string, work: (lease: ConversationLease) => Promise<T>): Promise<T> {
    const lockKey = `${this.options.prefix}${key}`;
    const token = randomUUID();
    await this.acquire(lockKey, token, key);
    const fence = await this.redis.incr(`${lockKey}:fence`);
    const lease = { fence, lost: false };
    const renewal = setInterval(
      () => {
        this.redis.eval(RENEW, 1, lockKey, token, String(this.options.leaseMs)).then(
          (renewed) => {
            if (renewed !== 1) lease.lost = true;
          },
          () => {
            lease.lost = true;
          },
        );
      },
      Math.max(10, Math.floor(this.options.leaseMs / 3)),
    );
    renewal.unref();
    try {
      return await work(lease);
    } finally {
      clearInterval(renewal);
      // A lock that cannot be released expires with its lease; the turn's own result stands.
      await this.redis.eval(RELEASE, 1, lockKey, token).catch(() => undefined);
    }
  }

  private async acquire(lockKey: string, token: string, key: string): Promise<void> {
    const started = Date.now();
    let pause = 5;
    for (;;) {
      const taken = await this.redis.set(lockKey, token, 'PX', this.options.leaseMs, 'NX');
      if (taken === 'OK') return;
      const waited = Date.now() - started;
      if (waited >= this.options.waitMs) throw new ConversationBusyError(key, waited);
      // Jittered, growing pauses: waiters of one busy conversation do not poll in step.
      await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 100);
    }
  }
}
