import type { Storage } from 'botbuilder';
import type { ClaimOnce } from '../bot/coordination';

/** Buckets per TTL: the remembered ids are forgotten in steps of a TTL / this. */
const BUCKETS_PER_TTL = 144;

export interface SeenIdsOptions {
  /** Storage key prefix that separates one sender of ids from another (`whatsapp/cloud/<phone id>/seen`). */
  namespace: string;
  /** How long an id is remembered. */
  ttlMs: number;
  /** Milliseconds since the epoch. */
  now?: () => number;
  /**
   * Instances that share one storage (`REDIS_URL`): ids are claimed in Redis instead, so one the
   * platform delivers to two instances (a retry landing on the other) is processed once.
   */
  claimOnce?: ClaimOnce;
}

interface Bucket {
  ids: string[];
}

/**
 * Remembers the ids of the messages a channel received, so one the platform delivers again (a
 * webhook answered late, a reconnect replaying history) is processed once. Ids live in the bot's
 * storage for a TTL, so a restart does not forget them.
 *
 * NOTE: ids are kept in time buckets (one storage item per TTL/144), because botbuilder's
 * Storage cannot list or expire keys: a bucket's key is computed from the clock, so old ones are
 * deleted by name. Checks run one at a time in this process, so two ids in one bucket never
 * overwrite each other. Several instances on one storage would overwrite each other's buckets
 * and never see each other's ids, so with `claimOnce` (Redis) each id is claimed there instead.
 */
export class SeenIds {
  private readonly bucketMs: number;
  private readonly now: () => number;
  /** Bucket number → ids received in it; loaded from storage on first use. */
  private readonly buckets = new Map<number, Set<string>>();
  private loaded = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly storage: Storage,
    private readonly options: SeenIdsOptions,
  ) {
    this.bucketMs = Math.max(1, Math.ceil(options.ttlMs / BUCKETS_PER_TTL));
    this.now = options.now ?? Date.now;
  }

  /**
   * True the first time `id` is offered (and remembers it), false for a repeat.
   * @throws when the storage cannot be read or written; the id is then not remembered.
   */
  firstTime(id: string): Promise<boolean> {
    const { claimOnce } = this.options;
    if (claimOnce) return claimOnce(`${this.options.namespace}/${id}`, this.options.ttlMs);
    const result = this.queue.then(() => this.check(id));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private key(bucket: number): string {
    return `${this.options.namespace}/${bucket}`;
  }

  private async check(id: string): Promise<boolean> {
    const current = Math.floor(this.now() / this.bucketMs);
    if (!this.loaded) await this.load(current);
    await this.forgetBefore(current - BUCKETS_PER_TTL);
    for (const ids of this.buckets.values()) if (ids.has(id)) return false;
    const ids = this.buckets.get(current) ?? new Set<string>();
    ids.add(id);
    this.buckets.set(current, ids);
    try {
      await this.storage.write({ [this.key(current)]: { ids: [...ids], eTag: '*' } });
    } catch (error) {
      ids.delete(id);
      throw error;
    }
    return true;
  }

  private async load(current: number): Promise<void> {
    const numbers = Array.from({ length: BUCKETS_PER_TTL + 1 }, (_, index) => current - index);
    const items = await this.storage.read(numbers.map((bucket) => this.key(bucket)));
    for (const bucket of numbers) {
      const stored = items[this.key(bucket)] as Partial<Bucket> | undefined;
      if (Array.isArray(stored?.ids)) this.buckets.set(bucket, new Set(stored.ids.map(String)));
    }
    // Buckets of the TTL before the window, left by a process that stopped before deleting them.
    const stale = Array.from({ length: BUCKETS_PER_TTL }, (_, index) =>
      this.key(current - BUCKETS_PER_TTL - 1 - index),
    );
    await this.storage.delete(stale);
    this.loaded = true;
  }

  private async forgetBefore(oldest: number): Promise<void> {
    const expired = [...this.buckets.keys()].filter((bucket) => bucket < oldest);
    if (expired.length === 0) return;
    for (const bucket of expired) this.buckets.delete(bucket);
    await this.storage.delete(expired.map((bucket) => this.key(bucket)));
  }
}
