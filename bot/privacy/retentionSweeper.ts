import type { Logger } from '../logger';
import type { CustomerStore, RecordCounts, RetentionCutoffs } from './customerStores';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the sweeper runs after its first run at start. */
export const SWEEP_EVERY_MS = 60 * 60 * 1000;

/** How long data is kept (`TRANSCRIPT_RETENTION_DAYS`, `TICKET_RETENTION_DAYS`). */
export interface RetentionPolicy {
  transcriptDays: number;
  ticketDays: number;
}

/** The cutoffs of `policy` at `now`. */
export function retentionCutoffs(policy: RetentionPolicy, now: number): RetentionCutoffs {
  return {
    transcriptsBefore: now - policy.transcriptDays * DAY_MS,
    recordsBefore: now - policy.ticketDays * DAY_MS,
  };
}

/**
 * Removes expired data from every store: at start and every hour, never two sweeps at once.
 * Transcripts (handoff lines, Direct Line activities and uploads, idle conversations' state)
 * after `transcriptDays`; tickets and ended cases after `ticketDays`.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<Record<string, RecordCounts>> | undefined;
  private closed = false;

  constructor(
    private readonly stores: readonly CustomerStore[],
    private readonly policy: RetentionPolicy,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly everyMs = SWEEP_EVERY_MS,
  ) {}

  /** Sweeps now, then every `everyMs`; the timer does not keep the process alive. */
  start(): void {
    if (this.timer || this.closed) return;
    const run = (): void => {
      this.sweep().catch((error: unknown) => this.logger.error({ err: error }, 'retention sweep failed'));
    };
    run();
    this.timer = setInterval(run, this.everyMs);
    this.timer.unref();
  }

  /** One sweep (or the one in progress); resolves with what each store removed. */
  sweep(): Promise<Record<string, RecordCounts>> {
    if (this.closed) return Promise.resolve({});
    this.running ??= this.sweepStores().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops the timer and waits for a sweep in progress, so stores can close after it. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private async sweepStores(): Promise<Record<string, RecordCounts>> {
    const cutoffs = retentionCutoffs(this.policy, this.now());
    const removed: Record<string, RecordCounts> = {};
    for (const store of this.stores) removed[store.name] = await store.expire(cutoffs);
    const total = Object.values(removed).reduce(
      (sum, counts) => sum + Object.values(counts).reduce((a, b) => a + b, 0),
      0,
    );
    if (total > 0) this.logger.info({ removed }, 'expired customer data removed');
    return removed;
  }
}
