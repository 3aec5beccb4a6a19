import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { waitFor } from './polling';
import { freePort, makeDataDir } from './testServer';

const root = path.resolve(__dirname, '..', '..');

/** How a server process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A Switchboard server running in a process of its own, as `npm run dev` runs it (tsx,
 * `bot/main.ts`), so a test can end it the way an operator or the kernel would.
 */
export interface ServerProcess {
  readonly url: string;
  readonly dataDir: string;
  readonly pid: number;
  /** Resolves once the process has ended. */
  readonly exited: Promise<ProcessExit>;
  /** What the process wrote to stdout and stderr (its log), for failure messages. */
  output(): string;
  /** Sends `signal` and resolves once the process has ended. */
  kill(signal: NodeJS.Signals): Promise<ProcessExit>;
}

/** Time a process gets to listen: a cold tsx start on a busy machine takes a while. */
const START_TIMEOUT_MS = 60_000;

/**
 * Starts `bot/main.ts` on a free loopback port with `env` over the test runner's environment
 * (a fresh `DATA_DIR` unless `env` names one) and resolves once `/readyz` answers 200.
 * @throws when the process ends or never gets ready, with its output.
 */
export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = env.DATA_DIR ?? makeDataDir();
  // The loader by absolute path, as test/bot/cli.test.ts runs the CLI.
  const tsx = pathToFileURL(
    require.resolve('tsx/package.json').replace(/package\.json$/, 'dist/loader.mjs'),
  ).href;
  const child = spawn(
    process.execPath,
    ['--import', tsx, '--disable-warning=DEP0111', path.join(root, 'bot', 'main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        STORAGE: 'sqlite',
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let ended: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = { code, signal };
      resolve(ended);
    });
  });
  // A test runner that dies (or is interrupted) takes its servers with it.
  const killOnExit = (): void => {
    if (!ended) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (ended) throw new Error(`the server process ended (${JSON.stringify(ended)}) before it was ready`);
        const ready = await fetch(`${url}/readyz`).then(
          (response) => response.status === 200,
          () => false,
        );
        return ready;
      },
      `the server process on port ${port} answering /readyz`,
      { timeoutMs: START_TIMEOUT_MS, everyMs: 100 },
    );
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`startServerProcess(): ${(error as Error).message}\n--- its output ---\n${output}`);
  }
  return {
    url,
    dataDir,
    pid: child.pid ?? -1,
    exited,
    output: () => output,
    kill(signal: NodeJS.Signals): Promise<ProcessExit> {
      if (!ended) child.kill(signal);
      return exited;
    },
  };
}
