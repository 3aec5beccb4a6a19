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
] as const;

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
    for (const key of FIGURES) {
      const value = result[key];
      assert.equal(typeof value, 'number', `${key} is a number (got ${JSON.stringify(value)})`);
      assert.ok(
        Number.isFinite(value) && (value as number) > 0,
        `${key} is finite and above 0 (got ${JSON.stringify(value)})`,
      );
    }
    assert.equal(result.mode, 'quick');
  });
});
