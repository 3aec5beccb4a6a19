import {
  monitorEventLoopDelay,
  PerformanceObserver,
  constants,
  type IntervalHistogram,
} from 'node:perf_hooks';

/** GC kinds as V8 reports them to `PerformanceObserver` (`entry.detail.kind`). */
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** How many of the longest GC pauses are kept per segment. */
const KEEP_LONGEST = 5;

/** One garbage collection, as long as it held the main thread. */
export interface GcPause {
  kind: string;
  ms: number;
}

/** Pauses of the main thread over one measured segment. */
export interface PauseReport {
  /** Event-loop delay (`monitorEventLoopDelay`, 1 ms resolution): how late timers ran. */
  loopMaxMs: number;
  loopP99Ms: number;
  loopMeanMs: number;
  /** Garbage collections: count, total and longest, and the longest few with their kind. */
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
  gcByKind: Record<string, { count: number; totalMs: number; maxMs: number }>;
  gcLongest: GcPause[];
}

/**
 * Records the main thread's pauses in a bot process: event-loop delay and garbage collections,
 * from {@link reset} to {@link report}. Both the full and the echo bot run it (bench/protocol.ts),
 * so their pauses are measured the same way.
 */
export class PauseRecorder {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  private gc: GcPause[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      this.gc.push({ kind: GC_KINDS[kind ?? -1] ?? 'other', ms: entry.duration });
    }
  });

  constructor() {
    this.loop.enable();
    this.observer.observe({ entryTypes: ['gc'] });
  }

  reset(): void {
    this.loop.reset();
    this.gc = [];
  }

  report(): PauseReport {
    const ms = (ns: number): number => (Number.isFinite(ns) ? ns / 1e6 : 0);
    const byKind: PauseReport['gcByKind'] = {};
    let total = 0;
    let max = 0;
    for (const pause of this.gc) {
      const entry = (byKind[pause.kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
      entry.count += 1;
      entry.totalMs += pause.ms;
      entry.maxMs = Math.max(entry.maxMs, pause.ms);
      total += pause.ms;
      max = Math.max(max, pause.ms);
    }
    return {
      loopMaxMs: ms(this.loop.max),
      loopP99Ms: ms(this.loop.percentile(99)),
      loopMeanMs: ms(this.loop.mean),
      gcCount: this.gc.length,
      gcTotalMs: total,
      gcMaxMs: max,
      gcByKind: byKind,
      gcLongest: [...this.gc].sort((a, b) => b.ms - a.ms).slice(0, KEEP_LONGEST),
    };
  }
}
