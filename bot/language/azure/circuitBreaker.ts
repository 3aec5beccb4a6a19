/** `closed`: calls go through; `open`: calls are refused until a probe is due; `halfOpen`: one probe is out. */
export type BreakerState = 'closed' | 'open' | 'halfOpen';

/** What `/readyz` shows of a breaker. */
export interface BreakerStatus {
  state: BreakerState;
  /** Failures in a row so far. */
  failures: number;
  /** When an open breaker lets the next probe through (ms since the epoch). */
  probeAt?: number;
}

export interface CircuitBreakerOptions {
  /** Failures in a row that open the breaker. */
  failureThreshold?: number;
  /** How long an open breaker refuses calls before one probe is let through. */
  openMs?: number;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now?: () => number;
}

/** Thrown instead of calling while the breaker is open: the caller answers locally at once. */
export class BreakerOpenError extends Error {
  constructor(name: string) {
    super(`CircuitBreaker(${name}): open, not calling until the next probe`);
    this.name = 'BreakerOpenError';
  }
}

/**
 * Stops calling a failing service for a while, then lets one call through to probe it: the
 * classic closed → open → half-open cycle. NOTE: while one probe is out every other call is
 * refused, so a service that hangs costs one timeout per `openMs`, not one per customer message.
 */
export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private readonly failureThreshold: number;
  private readonly openMs: number;
  private readonly now: () => number;

  constructor(
    private readonly name: string,
    options: CircuitBreakerOptions = {},
  ) {
    this.failureThreshold = options.failureThreshold ?? 3;
    this.openMs = options.openMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** Runs `call` unless the breaker is open; its failure counts against the service. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.state === 'open' && this.now() - this.openedAt >= this.openMs) this.state = 'halfOpen';
    else if (this.state !== 'closed') throw new BreakerOpenError(this.name);
    const probing = this.state === 'halfOpen';
    try {
      const result = await call();
      this.failures = 0;
      this.state = 'closed';
      return result;
    } catch (error) {
      this.failures += 1;
      if (probing || this.failures >= this.failureThreshold) {
        this.state = 'open';
        this.openedAt = this.now();
      }
      throw error;
    }
  }

  /** The breaker as it stands, for `/readyz`. */
  status(): BreakerStatus {
    return {
      state: this.state,
      failures: this.failures,
      ...(this.state === 'open' ? { probeAt: this.openedAt + this.openMs } : {}),
    };
  }
}
