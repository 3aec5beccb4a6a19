import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');

/** Runs the CLI as `npm run cli` does (tsx), returning exit code and output. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'bot/cli.ts', ...args], {
      cwd: root,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('cli', () => {
  it('recognize prints the intent as JSON', async () => {
    const { code, stdout } = await cli('recognize', '--locale', 'es', '¿dónde', 'está', 'mi', 'pedido?');
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), { intent: 'orderStatus', score: 1, locale: 'es' });
  });

  it('locales reports the bundles complete', async () => {
    const { code, stdout } = await cli('locales');
    assert.equal(code, 0);
    assert.equal(stdout.trim(), 'locales en, es: complete');
  });

  it('an unknown command exits 2 with the usage', async () => {
    const { code, stderr } = await cli('frobnicate');
    assert.equal(code, 2);
    assert.match(stderr, /unknown command "frobnicate"[\s\S]*Usage:/);
  });
});
