/**
 * Runs work one at a time per key, in the order it was queued, and different keys in parallel.
 *
 * Bot Framework state is saved with eTag '*' (last writer wins), so two turns of one
 * conversation running at once lose updates and can corrupt the dialog stack. Every adapter
 * passes its turns through one TurnQueue keyed by conversation.
 *
 * NOTE: this orders turns inside one process. Several instances on shared storage need a
 * shared lock or sticky routing per conversation as well.
 */
export class TurnQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  /** Number of keys with queued or running work. */
  get activeKeys(): number {
    return this.tails.size;
  }

  /** Runs `work` after everything queued before it under `key`; resolves or rejects with its result. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    this.inFlight += 1;
    const result = previous.then(work);
    // The tail never rejects, so one failed turn does not block the conversation.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      // Forget the key once nothing more was queued behind this work, so the map stays small.
      if (this.tails.get(key) === tail) this.tails.delete(key);
      this.inFlight -= 1;
      if (this.inFlight === 0) this.releaseIdleWaiters();
    });
    return result;
  }

  /** Resolves once no work is queued or running (used by graceful shutdown). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
