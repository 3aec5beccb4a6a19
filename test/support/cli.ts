import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The project's folder. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** What a run of the command-line tool came to. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the command-line tool as `npm run --silent cli -- …` does (tsx), with extra environment
 * variables, in `cwd` (the project by default): the exit code and output. The loader and the
 * script go by absolute path, so the tool can run from any folder.
 */
export async function runCli(
  options: { env?: Record<string, string | undefined>; cwd?: string },
  ...args: string[]
): Promise<CliResult> {
  const tsx = pathToFileURL(
    require.resolve('tsx/package.json').replace(/package\.json$/, 'dist/loader.mjs'),
  ).href;
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', tsx, '--disable-warning=DEP0111', path.join(PROJECT_ROOT, 'bot', 'cli.ts'), ...args],
      {
        cwd: options.cwd ?? PROJECT_ROOT,
        env: { ...process.env, ...options.env },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The password `cli agents add` or `agents passwd` prints once. */
export function printedPassword(stdout: string): string {
  const match = /password[^:]*: (\S+)$/m.exec(stdout);
  if (!match?.[1]) throw new Error(`no password in: ${stdout}`);
  return match[1];
}
