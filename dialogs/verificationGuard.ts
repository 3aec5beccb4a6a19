import type { Storage, StoreItem } from 'botbuilder';
import type { Clock } from '../services/types';

export interface VerificationGuardOptions {
  /** Failed verifications within `windowMinutes` that lock (default 5). */
  maxFailures: number;
  /** How long a lock lasts (default 15). */
  lockMinutes: number;
  /** Failures older than this are forgotten (default 60). */
  windowMinutes: number;
}

interface Attempts extends StoreItem {
  /** Times (ms) of recent failures. */
  failures: number[];
  /** Locked until this time (ms). */
  lockedUntil?: number;
}

const DEFAULTS: VerificationGuardOptions = { maxFailures: 5, lockMinutes: 15, windowMinutes: 60 };

/** Writes retried after an eTag conflict (another conversation failing on the same order). */
const WRITE_ATTEMPTS = 3;

/**
 * Stops guessing: after 5 failed verifications for one order (or booking), or in one
 * conversation, within an hour, that order and that conversation are locked for 15 minutes.
 * Counters live in the bot's state storage under `verification/…`, so they hold across
 * conversations, restarts and instances sharing the storage.
 */
export class VerificationGuard {
  private readonly options: VerificationGuardOptions;
  /** Updates in flight per key, so failures counted at the same moment in this process add up. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    options: Partial<VerificationGuardOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  static orderKey(orderNumber: string): string {
    return `verification/order/${orderNumber.toUpperCase()}`;
  }

  static bookingKey(reference: string): string {
    return `verification/booking/${reference.toUpperCase()}`;
  }

  static conversationKey(conversationRef: string): string {
    return `verification/conversation/${conversationRef}`;
  }

  /** The end of the latest lock among `keys` still in force, if any. */
  async lockedUntil(keys: readonly string[]): Promise<Date | undefined> {
    const items = await this.storage.read([...keys]);
    const now = this.clock.now().getTime();
    const until = Math.max(0, ...keys.map((key) => (items[key] as Attempts | undefined)?.lockedUntil ?? 0));
    return until > now ? new Date(until) : undefined;
  }

  /** Counts one failure against each key; returns the lock's end when this failure locked any. */
  async recordFailure(keys: readonly string[]): Promise<Date | undefined> {
    for (const key of keys) await this.countFailure(key);
    return this.lockedUntil(keys);
  }

  /**
   * NOTE: updates of one key run one after the other in this process; across processes the
   * eTag check catches a concurrent update (except the very first write of a key).
   */
  private async countFailure(key: string): Promise<void> {
    const previous = this.pending.get(key) ?? Promise.resolve();
    const update = previous.then(() => this.writeFailure(key));
    const settled = update.then(
      () => undefined,
      () => undefined,
    );
    this.pending.set(key, settled);
    try {
      await update;
    } finally {
      if (this.pending.get(key) === settled) this.pending.delete(key);
    }
  }

  private async writeFailure(key: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const now = this.clock.now().getTime();
      const stored = (await this.storage.read([key]))[key] as Attempts | undefined;
      const failures = (stored?.failures ?? []).filter(
        (time) => time > now - this.options.windowMinutes * 60_000,
      );
      failures.push(now);
      const next: Attempts =
        failures.length >= this.options.maxFailures
          ? { failures: [], lockedUntil: now + this.options.lockMinutes * 60_000 }
          : { failures, ...(stored?.lockedUntil ? { lockedUntil: stored.lockedUntil } : {}) };
      if (stored?.eTag) next.eTag = stored.eTag;
      try {
        await this.storage.write({ [key]: next });
        return;
      } catch (error) {
        if (attempt >= WRITE_ATTEMPTS) throw error;
      }
    }
  }
}
