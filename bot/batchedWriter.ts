import type Database from 'better-sqlite3';

/** One queued write: runs inside the batch's transaction. */
export type QueuedWrite = () => void;

export interface BatchedWriterOptions {
  /**
   * Called with a write that failed even on its own (the database closed under it, the disk is
   * full); the other writes of its batch are committed. By default the error is thrown from an
   * explicit {@link BatchedWriter.flush} and, from a scheduled one (where nobody could catch it),
   * reported as a process warning rather than crash the process.
   */
  onError?: (error: unknown) => void;
  /** When the next batch is committed; `setImmediate` by default (once per event-loop turn). */
  schedule?: (flush: () => void) => void;
}

/**
 * Appends that nobody waits for (transcript lines, audit entries) collected and committed
 * together, once per turn of the event loop, after the replies of the turns that made them
 * went out: one SQLite transaction for every line written by every turn in that time instead
 * of one per turn on the reply path.
 *
 * Durability: a graceful stop (SIGTERM → the store's `close()`) calls {@link flush}, so nothing
 * queued is lost; a process killed outright loses at most the writes of its last event-loop
 * turn. Readers of the same tables call {@link flush} first, so this process always reads what
 * it wrote.
 *
 * NOTE: the writes of one batch commit or fail together; when a batch fails, each of its writes
 * is tried again alone, so one bad write cannot take the others with it.
 */
export class BatchedWriter {
  private queued: QueuedWrite[] = [];
  private scheduled = false;
  private flushing = false;
  private readonly commit: (writes: readonly QueuedWrite[]) => void;
  private readonly schedule: (flush: () => void) => void;
  private readonly onError: ((error: unknown) => void) | undefined;

  constructor(
    private readonly db: Database.Database,
    options: BatchedWriterOptions = {},
  ) {
    // NOTE: better-sqlite3 builds wrapper functions per `transaction()` call; built once here.
    this.commit = db.transaction((writes: readonly QueuedWrite[]) => {
      for (const write of writes) write();
    });
    this.schedule = options.schedule ?? ((flush) => setImmediate(flush));
    this.onError = options.onError;
  }

  /** Writes waiting for the next commit. */
  get pending(): number {
    return this.queued.length;
  }

  /** Queues a write for the next commit (scheduled on the first write of a batch). */
  add(write: QueuedWrite): void {
    this.queued.push(write);
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => {
        this.scheduled = false;
        try {
          this.flush();
        } catch (error) {
          process.emitWarning(error instanceof Error ? error : new Error(String(error)), 'BatchedWriter');
        }
      });
    }
  }

  /**
   * Commits every queued write now, in one transaction. Safe to call at any time, also from a
   * write of the batch itself (it then does nothing) and after the database closed (the writes
   * are then reported as failed).
   */
  flush(): void {
    if (this.flushing || this.queued.length === 0) return;
    const writes = this.queued;
    this.queued = [];
    this.flushing = true;
    try {
      if (!this.db.open) throw new Error('BatchedWriter.flush(): the database is closed');
      this.commit(writes);
    } catch {
      this.retryOneByOne(writes);
    } finally {
      this.flushing = false;
    }
  }

  private retryOneByOne(writes: readonly QueuedWrite[]): void {
    let firstError: Error | undefined;
    for (const write of writes) {
      try {
        if (!this.db.open) throw new Error('BatchedWriter.flush(): the database is closed');
        this.commit([write]);
      } catch (error) {
        if (this.onError) this.onError(error);
        else firstError ??= error instanceof Error ? error : new Error(String(error));
      }
    }
    if (firstError) throw firstError;
  }
}
