/**
 * What the benchmark and its bot processes say to each other over the `fork` IPC channel. A bot
 * process reports its URL once it listens, answers stats requests, and stops when the channel
 * closes, so no bot outlives the benchmark even when the benchmark itself is killed.
 */

import { PauseRecorder, type PauseReport } from './pauses';

/** Sent by a bot process. */
export type BotReport =
  | { type: 'listening'; url: string }
  | {
      type: 'stats';
      /** Resident set size of the whole process. */
      rssBytes: number;
      heapUsedBytes: number;
      /** CPU time used by the process so far (user + system). */
      cpuMicros: number;
      /** Main-thread pauses since the previous stats request that asked for a reset. */
      pauses: PauseReport;
    };

/** Sent by the benchmark. */
export interface StatsRequest {
  type: 'stats';
  /** Start recording pauses afresh after answering (at the start of a segment). */
  reset?: boolean;
  /** Collect all garbage first (the process runs with `--expose-gc`), for a heap figure. */
  gc?: boolean;
}

/**
 * Called by a bot process once it listens: reports `url` to the benchmark, answers its stats
 * requests, and calls `stop` when the benchmark goes away (the IPC channel closes).
 */
export function reportToBenchmark(url: string, stop: () => void): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('bench bot: must be started by bench/run.ts (no IPC channel)');
  const pauses = new PauseRecorder();
  send({ type: 'listening', url } satisfies BotReport);
  process.on('message', (message: StatsRequest) => {
    if (message.type !== 'stats') return;
    const collect = (globalThis as { gc?: () => void }).gc;
    if (message.gc && collect) collect();
    const { user, system } = process.cpuUsage();
    const memory = process.memoryUsage();
    send({
      type: 'stats',
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      cpuMicros: user + system,
      pauses: pauses.report(),
    } satisfies BotReport);
    if (message.reset) pauses.reset();
  });
  process.once('disconnect', stop);
}
