/** How long turns may hold the event loop before it gets a turn of its own, by default. */
export const DEFAULT_SLICE_MS = 10;

export interface TurnAdmissionOptions {
  /** Turns start one after another for up to this long; later ones wait for the next loop turn. */
  sliceMs?: number;
  /** Milliseconds, monotonic (`performance.now`). */
  clock?: () => number;
}

/**
 * Lets turns start only while the event loop has not been held for longer than a slice, so
 * timers, health checks, WebSocket pings and the agents' console are served between turns
 * however many customers write at once.
 *
 * NOTE: a turn runs from its start to its reply as one stretch of microtasks (the SQLite stores
 * answer synchronously behind their promises), and Node runs every ready I/O callback, with
 * its microtasks, before it looks at its timers again: 64 messages read at once were 64 turns
 * in one stretch of 60–300 ms. Here a turn that arrives once the current stretch has used its
 * slice waits, in arrival order. Each event-loop turn (the check phase, after timers and I/O)
 * starts the turn that waited longest, and each turn that ends starts the next while the slice
 * lasts, so a stretch is about a slice plus the one turn that started last, and the turns of
 * one stretch still run back to back (one turn per event-loop turn cost 10–16 % more CPU per
 * turn, most likely an event-loop turn and a wake-up of the peer for every reply instead of for
 * a batch). Turns are never refused, and each conversation keeps its order (the turn queue
 * comes before this).
 */
export class TurnAdmission {
  private readonly sliceMs: number;
  private readonly clock: () => number;
  private readonly waiting: (() => void)[] = [];
  /** When the current stretch began; undefined once the event loop had its turn. */
  private stretchStart: number | undefined;
  /** The current stretch began in the check phase (the pump), so the loop's timers ran before it. */
  private stretchFromPump = false;
  private pumpQueued = false;

  constructor(options: TurnAdmissionOptions = {}) {
    this.sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
    this.clock = options.clock ?? (() => performance.now());
  }

  /** Turns waiting for an event-loop turn to start in. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Undefined when a turn may start now; otherwise a promise that settles when it may. A turn
   * never waits behind nothing: with no other turn waiting and the slice not used up, it starts.
   * A caller of `enter` must call {@link done} when its turn ends ({@link run} does both).
   */
  enter(): Promise<void> | undefined {
    if (this.waiting.length === 0 && this.sliceLeft()) return undefined;
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.queuePump();
    });
  }

  /** A turn ended: the next waiting one starts in the same stretch while the slice lasts. */
  done(): void {
    if (this.waiting.length > 0 && this.sliceLeft()) this.waiting.shift()?.();
  }

  /** Runs `work` once {@link enter} lets it, and lets the next turn start when it ends. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const wait = this.enter();
    if (wait) await wait;
    try {
      return await work();
    } finally {
      this.done();
    }
  }

  /** Whether the current stretch may run more turns; the first call of a stretch opens it. */
  private sliceLeft(): boolean {
    const now = this.clock();
    if (this.stretchStart === undefined) {
      this.stretchStart = now;
      this.stretchFromPump = false;
      this.queuePump();
      return true;
    }
    return now - this.stretchStart < this.sliceMs;
  }

  private queuePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(this.pump);
  }

  /**
   * Runs in the check phase: a new stretch begins, with the turn that waited longest, if any (its
   * work runs in the microtasks right after this). NOTE: a stretch that began in this event-loop
   * turn's I/O phase and used its slice is followed by no timers before this check phase; its
   * waiting turns start in the next one, after the timers.
   */
  private readonly pump = (): void => {
    this.pumpQueued = false;
    const now = this.clock();
    const usedUp =
      this.stretchStart !== undefined && !this.stretchFromPump && now - this.stretchStart >= this.sliceMs;
    this.stretchStart = undefined;
    if (this.waiting.length === 0) return;
    if (!usedUp) {
      this.stretchStart = now;
      this.stretchFromPump = true;
      this.waiting.shift()?.();
    }
    // Queued from the check phase, it runs in the next event-loop turn, after its timers.
    this.queuePump();
  };
}
