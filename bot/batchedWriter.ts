export interface BatchedWriterOptions {
  /**
   * Called with a write that failed even on its own (the database closed under it, the disk is
   * full); the other writes of its batch are committed. By default it becomes a process warning:
   * nobody waits for these writes, and a failure must not crash the process.
   */
  onError?: (error: unknown) => void;
  /** When the next batch is committed; `setImmediate` by default (once per event-loop turn). */
  schedule?: (flush: () => void) => void;
}

/**
 * Appends that nobody waits for (transcript lines, audit entries) collected and committed
 * together, once per turn of the event loop, after the replies of the turns that made them
 * went out: one transaction for every write of every turn in that time instead of one per
 * turn on the reply path. `commit` writes a batch in one transaction (it is given one write
 * alone when a batch is retried).
 *
 * Durability: a graceful stop (SIGTERM → the store's `close()`) awaits {@link flush}, so nothing
 * queued is lost; a process killed outright loses at most the writes of its last event-loop
 * turn. Readers of the same tables await {@link flush} first, so this process always reads what
 * it wrote.
 *
 * NOTE: the writes of one batch commit or fail together; when a batch fails, each of its writes
 * is tried again alone, so one bad write cannot take the others with it. One batch is in flight
 * at a time: writes queued meanwhile go in the next.
 */
export class BatchedWriter<T> {
  private queued: T[] = [];
  private inFlight = 0;
  private scheduled = false;
  private committing: Promise<void> | undefined;
  private readonly schedule: (flush: () => void) => void;
  private readonly onError: (error: unknown) => void;

  constructor(
    private readonly commit: (writes: readonly T[]) => Promise<void>,
    options: BatchedWriterOptions = {},
  ) {
    this.schedule = options.schedule ?? ((flush) => setImmediate(flush));
    this.onError =
      options.onError ??
      ((error) =>
        process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'BatchedWriter'));
  }

  /** Writes not committed yet (queued, or in the batch being committed). */
  get pending(): number {
    return this.queued.length + this.inFlight;
  }

  /** Queues a write for the next commit (scheduled on the first write of a batch). */
  add(write: T): void {
    this.queued.push(write);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => {
        this.scheduled = false;
        void this.flush();
      });
    }
  }

  /**
   * Commits every write queued until now, in one transaction, after the batch in flight (if
   * any). Resolves once they are committed or reported failed to `onError`; never rejects.
   */
  async flush(): Promise<void> {
    while (this.committing) await this.committing;
    if (this.queued.length === 0) return;
    const writes = this.queued;
    this.queued = [];
    this.inFlight = writes.length;
    this.committing = this.commitBatch(writes);
    try {
      await this.committing;
    } finally {
      this.committing = undefined;
      this.inFlight = 0;
    }
  }

  private async commitBatch(writes: readonly T[]): Promise<void> {
    try {
      await this.commit(writes);
      return;
    } catch (error) {
      if (writes.length === 1) {
        this.onError(error);
        return;
      }
      // Tried again one by one below.
    }
    for (const write of writes) {
      try {
        await this.commit([write]);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
