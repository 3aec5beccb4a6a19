import type { BotProcess, BotStats } from './botProcess';
import type { PauseReport } from './pauses';
import { runLoad, type ConversationScript, type LoadResult } from './load';
import { MIB, percentile } from './stats';

/** The bots under measurement, by the key the report uses. */
export type BotKey = 'echo' | 'full1k' | 'full100k';

export interface Subject<K extends string = BotKey> {
  key: K;
  /** The bot, or several instances of one bot sharing the load (see {@link LoadOptions.url}). */
  bot: BotProcess | readonly BotProcess[];
  script: ConversationScript;
}

/** One bot's figures over one load segment. */
export interface Segment {
  turns: number;
  turnsPerSec: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Wall time per turn (the inverse of throughput). */
  msPerTurn: number;
  /** CPU time the bot's process spent per turn (all its threads, garbage collection included). */
  botCpuMsPerTurn: number;
  /** CPU used by the load driver (this process), in % of one core. */
  driverCpuPercent: number;
  /** Resident memory of the bot's process right after the segment. */
  rssMb: number;
  /** Longest event-loop delay in the bot during the segment. */
  loopMaxMs: number;
  /** Longest garbage-collection pause in the bot during the segment. */
  gcMaxMs: number;
  /** Garbage collection per turn. */
  gcMsPerTurn: number;
}

/** Pause details of each segment, kept beside the figures (not medians: the longest ones matter). */
export interface SegmentPauses {
  pauses: PauseReport;
}

/** Runs `conversations` scripted conversations on one bot, `concurrency` at a time. */
export function measureSegment(
  subject: Subject<string>,
  concurrency: number,
  conversations: number,
  idPrefix: string,
): Promise<Segment & SegmentPauses> {
  const bots = [subject.bot].flat();
  return measureWith(bots, () =>
    runLoad({
      url: bots.map((bot) => bot.url),
      concurrency,
      conversations,
      script: subject.script,
      idPrefix,
      timeoutMs: 60_000,
    }),
  );
}

/**
 * Runs `load` on `bot` and takes the bot's figures over it (CPU, memory, pauses). With several
 * instances, CPU and memory are their sums and the pauses those of the instance that paused
 * longest.
 */
export async function measureWith(
  bot: BotProcess | readonly BotProcess[],
  load: () => Promise<LoadResult>,
): Promise<Segment & SegmentPauses> {
  const bots = [bot].flat();
  const before = await Promise.all(bots.map((instance) => instance.stats({ reset: true })));
  const result = await load();
  const afterEach = await Promise.all(bots.map((instance) => instance.stats()));
  const longest = afterEach.reduce((a, b) => (b.pauses.loopMaxMs > a.pauses.loopMaxMs ? b : a));
  const sum = (stats: BotStats[], field: 'cpuMicros' | 'rssBytes'): number =>
    stats.reduce((total, entry) => total + entry[field], 0);
  const after = {
    cpuMicros: sum(afterEach, 'cpuMicros'),
    rssBytes: sum(afterEach, 'rssBytes'),
    pauses: longest.pauses,
  };
  const cpuBefore = sum(before, 'cpuMicros');
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  return {
    turns: result.turns,
    turnsPerSec: (result.turns / result.elapsedMs) * 1000,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    msPerTurn: result.elapsedMs / result.turns,
    botCpuMsPerTurn: (after.cpuMicros - cpuBefore) / 1000 / result.turns,
    driverCpuPercent: (result.driverCpuMicros / 1000 / result.elapsedMs) * 100,
    rssMb: after.rssBytes / MIB,
    loopMaxMs: after.pauses.loopMaxMs,
    gcMaxMs: after.pauses.gcMaxMs,
    gcMsPerTurn: after.pauses.gcTotalMs / result.turns,
    pauses: after.pauses,
  };
}

/** Segments of every bot, round by round; in each round every bot runs once. */
export type Rounds<K extends string = BotKey> = Record<K, Segment & SegmentPauses>[];

/**
 * Measures every subject `rounds` times at one concurrency. The bots take turns inside a round,
 * in an order that rotates from round to round, so a burst of noise on the machine hits one
 * round of each rather than all rounds of one, and ratios are taken between neighbours in time.
 */
export async function measureLevel<K extends string>(
  subjects: readonly Subject<K>[],
  concurrency: number,
  conversations: number,
  rounds: number,
): Promise<Rounds<K>> {
  const results: Rounds<K> = [];
  for (let round = 0; round < rounds; round++) {
    const segments: Partial<Record<K, Segment & SegmentPauses>> = {};
    for (let i = 0; i < subjects.length; i++) {
      const subject = subjects[(i + round) % subjects.length] as Subject<K>;
      segments[subject.key] = await measureSegment(
        subject,
        concurrency,
        conversations,
        `c${concurrency}-r${round}-${subject.key}`,
      );
    }
    results.push(segments as Record<K, Segment & SegmentPauses>);
  }
  return results;
}

/** A concurrency level of a benchmark: conversations per bot and round, and rounds. */
export interface Level {
  concurrency: number;
  conversations: number;
  rounds: number;
}

/** {@link measureLevel} at every level in turn, reporting each as it is done. */
export async function measureLevels<K extends string>(
  subjects: readonly Subject<K>[],
  levels: readonly Level[],
  log: (message: string) => void,
): Promise<Map<number, Rounds<K>>> {
  const measured = new Map<number, Rounds<K>>();
  for (const level of levels) {
    measured.set(
      level.concurrency,
      await measureLevel(subjects, level.concurrency, level.conversations, level.rounds),
    );
    log(`measured ${level.concurrency} concurrent conversation(s), ${level.rounds} round(s)`);
  }
  return measured;
}
