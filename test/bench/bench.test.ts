import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');

/** Keys `npm run bench -- --json` promises (issue 6); the values are figures of this machine. */
const FIGURES = [
  'fullTurnsPerSec',
  'echoTurnsPerSec',
  'throughputRatio',
  'fullP99Ms',
  'echoP99Ms',
  'p99Ratio',
  'scaleCostRatio',
  'rssMb1k',
  'rssMb100k',
  'startupMs',
  'trainingMs',
  'recognitionMedianMs',
  'recognitionP99Ms',
] as const;

const LOCALES = ['en', 'es', 'zh-CN', 'zh-TW', 'lv'];

/** A finite number above 0 (the value itself is this machine's, not asserted). */
function assertFigure(value: unknown, what: string): void {
  assert.equal(typeof value, 'number', `${what} is a number (got ${JSON.stringify(value)})`);
  assert.ok(
    Number.isFinite(value) && (value as number) > 0,
    `${what} is finite and above 0 (got ${JSON.stringify(value)})`,
  );
}

/** The recognition part both scenarios report: per-phrase times per locale and the training. */
function assertRecognitionShape(recognition: unknown): void {
  const { training, locales, targets } = recognition as {
    training: Record<string, unknown>;
    locales: Record<
      string,
      {
        phrases: unknown;
        samples: unknown;
        trained: Record<string, unknown>;
        keyword: Record<string, unknown>;
      }
    >;
    targets: Record<string, { target: unknown; met: unknown }>;
  };
  assert.deepEqual(training.locales, LOCALES);
  for (const key of ['coldMs', 'coldCpuMs', 'medianMs', 'runs'])
    assertFigure(training[key], `training.${key}`);
  assert.deepEqual(Object.keys(locales), LOCALES);
  for (const [locale, entry] of Object.entries(locales)) {
    assert.ok(typeof entry.phrases === 'number' && entry.phrases >= 40, `${locale}: the evaluation set`);
    assertFigure(entry.samples, `${locale}.samples`);
    for (const recognizer of ['trained', 'keyword'] as const)
      for (const key of ['medianMs', 'p99Ms', 'cpuMedianMs', 'cpuP99Ms'])
        assertFigure(entry[recognizer][key], `${locale}.${recognizer}.${key}`);
  }
  for (const key of ['phraseP99Ms', 'phraseCpuP99Ms', 'trainingMs']) {
    assert.equal(typeof targets[key]?.target, 'string');
    assert.equal(typeof targets[key]?.met, 'boolean');
  }
}

describe('npm run bench', () => {
  it('--quick --json runs both bots and prints every figure as a positive number', async function () {
    // Starts three bot processes and drives them for a few seconds; CI machines are slow.
    this.timeout(90_000);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--json'], {
      cwd: root,
      timeout: 85_000,
      maxBuffer: 10 * 1024 * 1024,
    });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    // The values are not asserted: CI machines are too noisy for performance targets.
    for (const key of FIGURES) assertFigure(result[key], key);
    assertRecognitionShape(result.recognition);
    assert.equal(result.mode, 'quick');
  });

  it('--recognizers --quick --json runs the full bot with each recognizer and prints both throughputs', async function () {
    this.timeout(90_000);
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--recognizers', '--quick', '--json'],
      { cwd: root, timeout: 85_000, maxBuffer: 10 * 1024 * 1024 },
    );
    const result = JSON.parse(stdout) as Record<string, unknown>;
    assert.equal(result.scenario, 'recognizers');
    for (const key of [
      'trainedTurnsPerSec',
      'keywordTurnsPerSec',
      'throughputRatio',
      'trainedCpuMsPerTurn',
      'keywordCpuMsPerTurn',
      'cpuRatio',
      'trainedP99Ms',
      'keywordP99Ms',
    ])
      assertFigure(result[key], key);
    const levels = result.levels as {
      concurrency: number;
      trained: { turns: number };
      keyword: { turns: number };
    }[];
    assert.deepEqual(
      levels.map((level) => level.concurrency),
      [1, 64],
    );
    for (const level of levels)
      assert.equal(level.trained.turns, level.keyword.turns, 'both bots ran the same turns');
    assertRecognitionShape(result.recognition);
  });
});
