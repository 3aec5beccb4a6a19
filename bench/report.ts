import os from 'node:os';
import type { BotKey, Rounds, Segment } from './measure';
import type { RecognitionResult } from './recognition';
import { median, round, table } from './stats';

/** The concurrency the headline figures are taken at. */
export const HEADLINE_CONCURRENCY = 64;

export interface ReportInput {
  mode: 'full' | 'quick';
  /** Rounds measured at each concurrency. */
  levels: Map<number, Rounds>;
  startupMs: { echo: number; full: number; full100k: number };
  stored: { small: number; large: number };
  turnsPerConversation: number;
  durationMs: number;
  /** Training and per-phrase recognition, measured in the benchmark's own process. */
  recognition: RecognitionResult;
}

/** The machine the figures come from, as the docs quote it. */
export function machine(): {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  loadAverage: number[];
} {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    // How busy the machine was (1, 5, 15 minutes): a shared machine's figures are read with it.
    loadAverage: os.loadavg().map((load) => round(load, 2)),
  };
}

/** Each locale's row of the recognition table. */
export function recognitionRows(recognition: RecognitionResult): string[][] {
  return Object.entries(recognition.locales).map(([locale, entry]) => [
    locale,
    String(entry.samples),
    entry.trained.medianMs.toFixed(3),
    entry.trained.p99Ms.toFixed(3),
    entry.trained.cpuMedianMs.toFixed(3),
    entry.trained.cpuP99Ms.toFixed(3),
    entry.keyword.medianMs.toFixed(3),
    entry.keyword.p99Ms.toFixed(3),
    entry.keyword.cpuMedianMs.toFixed(3),
    entry.keyword.cpuP99Ms.toFixed(3),
  ]);
}

/** The recognition table and the training line, as both scenarios print them. */
export function renderRecognition(recognition: RecognitionResult): string {
  const mark = (met: boolean): string => (met ? 'met' : 'MISSED');
  return [
    'Recognition per phrase (evaluation sets, in-process, ms):',
    table(
      [
        'locale',
        'calls',
        'trained p50',
        'p99',
        'CPU p50',
        'CPU p99',
        'keyword p50',
        'p99',
        'CPU p50',
        'CPU p99',
      ],
      recognitionRows(recognition),
    ),
    `Worst trained p99 ${recognition.targets.phraseP99Ms.target} ms: ${mark(recognition.targets.phraseP99Ms.met)} (wall clock), ${mark(recognition.targets.phraseCpuP99Ms.met)} (CPU time).`,
    `Training all ${recognition.training.locales.length} locales (${recognition.training.locales.join(', ')}): ${recognition.training.coldMs} ms cold (${recognition.training.coldCpuMs} ms CPU), median ${recognition.training.medianMs} ms over ${recognition.training.runs} runs; target ${recognition.targets.trainingMs.target} ms: ${mark(recognition.targets.trainingMs.met)}.`,
  ].join('\n');
}

const BOT_NAMES: Record<BotKey, string> = {
  echo: 'echo (bare botbuilder)',
  full1k: 'full (1k stored)',
  full100k: 'full (100k stored)',
};

/** Each bot's median figures over the rounds of one level. */
export function medians<K extends string>(rounds: Rounds<K>, key: K): Segment {
  const of = (field: keyof Segment): number => median(rounds.map((segments) => segments[key][field]));
  return {
    turns: rounds.reduce((sum, segments) => sum + segments[key].turns, 0),
    turnsPerSec: of('turnsPerSec'),
    p50Ms: of('p50Ms'),
    p95Ms: of('p95Ms'),
    p99Ms: of('p99Ms'),
    msPerTurn: of('msPerTurn'),
    botCpuMsPerTurn: of('botCpuMsPerTurn'),
    driverCpuPercent: of('driverCpuPercent'),
    rssMb: of('rssMb'),
    loopMaxMs: of('loopMaxMs'),
    gcMaxMs: of('gcMaxMs'),
    gcMsPerTurn: of('gcMsPerTurn'),
  };
}

/**
 * The pauses of one bot over the rounds of one level: the longest event-loop delay and GC pause
 * of any round (the figure the target is about), their medians over the rounds, and the longest
 * collections with their kind.
 */
export function pauseSummary(rounds: Rounds<string>, key: string) {
  const segments = rounds.map((segment) => segment[key]).filter((segment) => segment !== undefined);
  const byKind: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
  for (const { pauses } of segments) {
    for (const [kind, entry] of Object.entries(pauses.gcByKind)) {
      const total = (byKind[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
      total.count += entry.count;
      total.totalMs += entry.totalMs;
      total.maxMs = Math.max(total.maxMs, entry.maxMs);
    }
  }
  const turns = segments.reduce((sum, segment) => sum + segment.turns, 0);
  return {
    loopMaxMs: round(Math.max(...segments.map((s) => s.loopMaxMs)), 1),
    loopMaxMsMedian: round(median(segments.map((s) => s.loopMaxMs)), 1),
    loopP99MsMedian: round(median(segments.map((s) => s.pauses.loopP99Ms)), 1),
    gcMaxMs: round(Math.max(...segments.map((s) => s.gcMaxMs)), 1),
    gcMsPerTurn: round(median(segments.map((s) => s.gcMsPerTurn)), 3),
    gcByKind: Object.fromEntries(
      Object.entries(byKind).map(([kind, entry]) => [
        kind,
        {
          count: entry.count,
          perThousandTurns: round((entry.count / turns) * 1000, 1),
          totalMs: round(entry.totalMs, 1),
          maxMs: round(entry.maxMs, 1),
        },
      ]),
    ),
    gcLongest: segments
      .flatMap((s) => s.pauses.gcLongest)
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map((pause) => ({ kind: pause.kind, ms: round(pause.ms, 1) })),
  };
}

/** A segment's figures rounded for the JSON result. */
export function rounded(segment: Segment): Segment {
  return Object.fromEntries(
    Object.entries(segment)
      .filter(([, value]) => typeof value === 'number')
      .map(([field, value]: [string, number]) => [field, round(value, field === 'turns' ? 0 : 2)]),
  ) as unknown as Segment;
}

/**
 * The result object `--json` prints. Headline figures are at 64 concurrent conversations, each
 * the median over the rounds. The throughput and per-turn time ratios are medians of the ratio
 * within each round (bots measured back to back, so a slow drift of the machine cancels out).
 * A p99 is set by a few slow turns, which the noise of a shared machine (a process paused for a
 * moment) makes in any round, so the p99 ratio is the ratio of the two median p99s instead.
 */
export function buildResult(input: ReportInput) {
  const headline = input.levels.get(HEADLINE_CONCURRENCY);
  if (!headline) throw new Error(`bench: no measurement at ${HEADLINE_CONCURRENCY} concurrent conversations`);
  const perRound = (ratio: (segments: Record<BotKey, Segment>) => number): number[] => headline.map(ratio);
  const throughputRatios = perRound((s) => s.full1k.turnsPerSec / s.echo.turnsPerSec);
  const p99Ratios = perRound((s) => s.full1k.p99Ms / s.echo.p99Ms);
  const scaleCostRatios = perRound((s) => s.full100k.msPerTurn / s.full1k.msPerTurn);
  const scaleCpuRatios = perRound((s) => s.full100k.botCpuMsPerTurn / s.full1k.botCpuMsPerTurn);
  const echo = medians(headline, 'echo');
  const full = medians(headline, 'full1k');
  const fullLarge = medians(headline, 'full100k');
  const rssMb1k = full.rssMb;
  const rssMb100k = fullLarge.rssMb;
  const startupMs = Math.max(input.startupMs.full, input.startupMs.full100k);
  const pauses = {
    echo: pauseSummary(headline, 'echo'),
    full1k: pauseSummary(headline, 'full1k'),
    full100k: pauseSummary(headline, 'full100k'),
  };
  const figures = {
    fullTurnsPerSec: round(full.turnsPerSec, 1),
    echoTurnsPerSec: round(echo.turnsPerSec, 1),
    throughputRatio: round(median(throughputRatios), 3),
    fullP99Ms: round(full.p99Ms),
    echoP99Ms: round(echo.p99Ms),
    p99Ratio: round(full.p99Ms / echo.p99Ms, 3),
    scaleCostRatio: round(median(scaleCostRatios), 3),
    rssMb1k: round(rssMb1k, 1),
    rssMb100k: round(rssMb100k, 1),
    startupMs: round(startupMs, 0),
    fullLoopMaxMs: pauses.full1k.loopMaxMs,
    echoLoopMaxMs: pauses.echo.loopMaxMs,
    fullGcMaxMs: pauses.full1k.gcMaxMs,
    /** With one conversation at a time, no queueing: the median over the rounds of each round's longest delay. */
    fullLoopMaxMsSingle: round(
      median((input.levels.get(1) ?? []).map((segments) => segments.full1k.loopMaxMs)),
      1,
    ),
    trainingMs: input.recognition.training.coldMs,
    recognitionMedianMs: Math.max(...Object.values(input.recognition.locales).map((l) => l.trained.medianMs)),
    recognitionP99Ms: Math.max(...Object.values(input.recognition.locales).map((l) => l.trained.p99Ms)),
  };
  return {
    ...figures,
    targets: {
      throughputRatio: { target: '>= 0.5', met: figures.throughputRatio >= 0.5 },
      p99Ratio: { target: '<= 2', met: figures.p99Ratio <= 2 },
      scaleCostRatio: { target: '<= 1.2', met: figures.scaleCostRatio <= 1.2 },
      rssMb100k: { target: '<= 1.2 x rssMb1k', met: rssMb100k <= 1.2 * rssMb1k },
      startupMs: { target: '< 3000', met: figures.startupMs < 3000 },
      fullLoopMaxMs: { target: '< 50', met: figures.fullLoopMaxMs < 50 },
      recognitionP99Ms: input.recognition.targets.phraseP99Ms,
      trainingMs: input.recognition.targets.trainingMs,
    },
    pauses,
    recognition: input.recognition,
    mode: input.mode,
    headlineConcurrency: HEADLINE_CONCURRENCY,
    turnsPerConversation: input.turnsPerConversation,
    storedConversations: input.stored,
    roundRatios: {
      throughput: throughputRatios.map((ratio) => round(ratio, 3)),
      p99: p99Ratios.map((ratio) => round(ratio, 3)),
      scaleCost: scaleCostRatios.map((ratio) => round(ratio, 3)),
      scaleCpu: scaleCpuRatios.map((ratio) => round(ratio, 3)),
    },
    levels: [...input.levels.entries()].map(([concurrency, rounds]) => ({
      concurrency,
      rounds: rounds.length,
      echo: rounded(medians(rounds, 'echo')),
      full1k: rounded(medians(rounds, 'full1k')),
      full100k: rounded(medians(rounds, 'full100k')),
    })),
    startup: {
      fullMs: round(input.startupMs.full, 0),
      full100kMs: round(input.startupMs.full100k, 0),
      echoMs: round(input.startupMs.echo, 0),
    },
    machine: machine(),
    durationSec: round(input.durationMs / 1000, 1),
  };
}
export type BenchResult = ReturnType<typeof buildResult>;

/** Every bot's medians at every level, one row each (the main table of a run). */
export function levelTable<K extends string>(
  levels: readonly ({ concurrency: number } & Record<K, Segment>)[],
  names: Record<K, string>,
): string {
  const keys = Object.keys(names) as K[];
  const rows = levels.flatMap((level) =>
    keys.map((key) => {
      const s = level[key];
      return [
        String(level.concurrency),
        names[key],
        String(s.turns),
        s.turnsPerSec.toFixed(0),
        s.p50Ms.toFixed(1),
        s.p95Ms.toFixed(1),
        s.p99Ms.toFixed(1),
        s.botCpuMsPerTurn.toFixed(2),
        s.driverCpuPercent.toFixed(0),
        s.rssMb.toFixed(0),
        s.loopMaxMs.toFixed(0),
      ];
    }),
  );
  return table(
    [
      'conc.',
      'bot',
      'turns',
      'turns/s',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'bot CPU ms/turn',
      'driver CPU %',
      'bot RSS MB',
      'loop max ms',
    ],
    rows,
    [0, 1],
  );
}

/** The human-readable table `npm run bench` prints. */
export function renderTable(result: BenchResult): string {
  const keys: BotKey[] = ['echo', 'full1k', 'full100k'];
  const { targets } = result;
  const mark = (met: boolean): string => (met ? 'met' : 'MISSED');
  const headline = table(
    ['figure', 'value', 'target', ''],
    [
      [
        'throughput, full / echo',
        result.throughputRatio.toFixed(2),
        targets.throughputRatio.target,
        mark(targets.throughputRatio.met),
      ],
      [
        'p99 latency, full / echo',
        result.p99Ratio.toFixed(2),
        targets.p99Ratio.target,
        mark(targets.p99Ratio.met),
      ],
      [
        'per-turn time, 100k / 1k stored',
        result.scaleCostRatio.toFixed(2),
        targets.scaleCostRatio.target,
        mark(targets.scaleCostRatio.met),
      ],
      [
        'RSS MB, 1k / 100k stored',
        `${result.rssMb1k.toFixed(0)} / ${result.rssMb100k.toFixed(0)}`,
        targets.rssMb100k.target,
        mark(targets.rssMb100k.met),
      ],
      [
        'start-up to /readyz, ms',
        result.startupMs.toFixed(0),
        targets.startupMs.target,
        mark(targets.startupMs.met),
      ],
      [
        'longest event-loop pause (full), ms',
        result.fullLoopMaxMs.toFixed(1),
        targets.fullLoopMaxMs.target,
        mark(targets.fullLoopMaxMs.met),
      ],
      [
        'same, 1 at a time (median of rounds), ms',
        Number.isNaN(result.fullLoopMaxMsSingle) ? '-' : result.fullLoopMaxMsSingle.toFixed(1),
        '',
        '',
      ],
    ],
  );
  const pauseRows = keys.map((key) => {
    const p = result.pauses[key];
    return [
      BOT_NAMES[key],
      p.loopMaxMs.toFixed(1),
      p.loopMaxMsMedian.toFixed(1),
      p.loopP99MsMedian.toFixed(1),
      p.gcMaxMs.toFixed(1),
      p.gcMsPerTurn.toFixed(3),
      Object.entries(p.gcByKind)
        .map(([kind, entry]) => `${kind} ${entry.perThousandTurns}/1k turns, max ${entry.maxMs}`)
        .join('; '),
    ];
  });
  return [
    `Switchboard benchmark: ${result.mode} run, ${result.machine.cpus} CPUs, Node ${result.machine.node}, ${result.durationSec} s`,
    `Each conversation: ${result.turnsPerConversation} turns over POST /api/messages (expectReplies). Figures are medians over the rounds.`,
    '',
    levelTable(result.levels, BOT_NAMES),
    '',
    `At ${result.headlineConcurrency} concurrent conversations:`,
    headline,
    '',
    `Pauses of the bots' main threads at ${result.headlineConcurrency} concurrent (event-loop delay, GC), ms:`,
    table(
      ['bot', 'loop max', 'median of round maxima', 'loop p99', 'GC max', 'GC ms/turn', 'collections'],
      pauseRows,
      [0, 6],
    ),
    '',
    `Start-up to /readyz: full bot ${result.startup.fullMs} ms on a fresh DATA_DIR, ${result.startup.full100kMs} ms with ${result.storedConversations.large} stored conversations; echo bot ${result.startup.echoMs} ms.`,
    '',
    renderRecognition(result.recognition),
  ].join('\n');
}
