/**
 * Fixed-window request limit per key (a client address). Windows that have passed are
 * forgotten as new requests come in, so the map stays as small as the set of recent clients.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { started: number; count: number }>();
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one request; `true` when allowed, else how long to wait. */
  take(key: string): true | { retryAfterSeconds: number } {
    const now = this.now();
    this.forgetPassedWindows(now);
    const window = this.windows.get(key);
    if (!window || now - window.started >= this.windowMs) {
      this.windows.set(key, { started: now, count: 1 });
      return true;
    }
    if (window.count < this.limit) {
      window.count += 1;
      return true;
    }
    return { retryAfterSeconds: Math.max(1, Math.ceil((window.started + this.windowMs - now) / 1000)) };
  }

  /** Keys with a live window, for tests. */
  get size(): number {
    return this.windows.size;
  }

  /** NOTE: at most once a second, so a request never walks the whole map of clients. */
  private forgetPassedWindows(now: number): void {
    if (now - this.lastSweep < 1000) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) {
      if (now - window.started >= this.windowMs) this.windows.delete(key);
    }
  }
}
