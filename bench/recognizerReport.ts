import type { Rounds, Segment } from './measure';
import type { RecognitionResult } from './recognition';
import { machine, renderRecognition } from './report';
import { median, round, table } from './stats';

/** The two full bots of `--recognizers`: the same bot with the trained and with the keyword recognizer. */
export type RecognizerKey = 'trained' | 'keyword';

export const RECOGNIZER_BOT_NAMES: Record<RecognizerKey, string> = {
  trained: 'full, trained recognizer (new)',
  keyword: 'full, keyword recognizer (old)',
};

export interface RecognizerReportInput {
  mode: 'full' | 'quick';
  levels: Map<number, Rounds<RecognizerKey>>;
  headlineConcurrency: number;
  startupMs: Record<RecognizerKey, number>;
  turnsPerConversation: number;
  recognition: RecognitionResult;
  durationMs: number;
}

function medianSegment(rounds: Rounds<RecognizerKey>, key: RecognizerKey): Segment {
  const of = (field: keyof Segment): number =>
    round(median(rounds.map((segments) => segments[key][field])), 2);
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
 * The result `--recognizers --json` prints: the full bot's turn throughput with the new and the
 * old recognizer, measured in alternating rounds; the ratios are medians of the ratio within
 * each round, as in the main benchmark.
 */
export function buildRecognizerResult(input: RecognizerReportInput) {
  const headline = input.levels.get(input.headlineConcurrency);
  if (!headline)
    throw new Error(`bench: no measurement at ${input.headlineConcurrency} concurrent conversations`);
  const trained = medianSegment(headline, 'trained');
  const keyword = medianSegment(headline, 'keyword');
  return {
    scenario: 'recognizers' as const,
    mode: input.mode,
    headlineConcurrency: input.headlineConcurrency,
    trainedTurnsPerSec: trained.turnsPerSec,
    keywordTurnsPerSec: keyword.turnsPerSec,
    /** Trained / keyword throughput (1 = no cost; below 1 the new recognizer costs turns). */
    throughputRatio: round(median(headline.map((s) => s.trained.turnsPerSec / s.keyword.turnsPerSec)), 3),
    trainedCpuMsPerTurn: trained.botCpuMsPerTurn,
    keywordCpuMsPerTurn: keyword.botCpuMsPerTurn,
    cpuRatio: round(median(headline.map((s) => s.trained.botCpuMsPerTurn / s.keyword.botCpuMsPerTurn)), 3),
    trainedP99Ms: trained.p99Ms,
    keywordP99Ms: keyword.p99Ms,
    startupMs: { trained: round(input.startupMs.trained, 0), keyword: round(input.startupMs.keyword, 0) },
    turnsPerConversation: input.turnsPerConversation,
    levels: [...input.levels.entries()].map(([concurrency, rounds]) => ({
      concurrency,
      rounds: rounds.length,
      trained: medianSegment(rounds, 'trained'),
      keyword: medianSegment(rounds, 'keyword'),
    })),
    recognition: input.recognition,
    machine: machine(),
    durationSec: round(input.durationMs / 1000, 1),
  };
}
export type RecognizerResult = ReturnType<typeof buildRecognizerResult>;

/** The table `npm run bench -- --recognizers` prints. */
export function renderRecognizerTable(result: RecognizerResult): string {
  const keys: RecognizerKey[] = ['keyword', 'trained'];
  const rows = result.levels.flatMap((level) =>
    keys.map((key) => {
      const s = level[key];
      return [
        String(level.concurrency),
        RECOGNIZER_BOT_NAMES[key],
        String(s.turns),
        s.turnsPerSec.toFixed(0),
        s.p50Ms.toFixed(1),
        s.p99Ms.toFixed(1),
        s.botCpuMsPerTurn.toFixed(2),
      ];
    }),
  );
  return [
    `Switchboard benchmark, recognizers: ${result.mode} run, ${result.machine.cpus} CPUs (${result.machine.cpuModel}), Node ${result.machine.node}, load ${result.machine.loadAverage.join(' ')}, ${result.durationSec} s`,
    `The full bot with the keyword recognizer (before) and the trained one (after); ${result.turnsPerConversation} turns per conversation.`,
    '',
    table(['conc.', 'bot', 'turns', 'turns/s', 'p50 ms', 'p99 ms', 'bot CPU ms/turn'], rows, [0, 1]),
    '',
    `At ${result.headlineConcurrency} concurrent: trained / keyword throughput ${result.throughputRatio.toFixed(2)}, CPU per turn ${result.cpuRatio.toFixed(2)}.`,
    `Start-up to /readyz: trained ${result.startupMs.trained} ms, keyword ${result.startupMs.keyword} ms.`,
    '',
    renderRecognition(result.recognition),
  ].join('\n');
}
