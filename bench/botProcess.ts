import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BotReport, StatsRequest } from './protocol';

/** What a bot process reports about itself (see bench/protocol.ts). */
export type BotStats = Omit<Extract<BotReport, { type: 'stats' }>, 'type'>;

export interface BotProcessOptions {
  /** Name in messages and the table, e.g. `full (1k stored)`. */
  name: string;
  /** The TypeScript entry file under bench/. */
  entry: string;
  /** Environment of the process; nothing of the benchmark's own environment leaks in. */
  env: Record<string, string>;
  /** Working directory (the bot reads a `.env` file there, so not the repository). */
  cwd: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** Longest wait for the first 200 of `/readyz`. */
  readyTimeoutMs?: number;
}

/** Every bot process still running, so the benchmark can kill them whatever way it ends. */
const running = new Set<ChildProcess>();

/** Kills every bot process at once (for `exit` handlers, where nothing can be awaited). */
export function killAllBots(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** tsx's ESM loader as a file URL, so children find it whatever their working directory. */
function tsxLoader(): string {
  const require = createRequire(__filename);
  return pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'loader.mjs'))
    .href;
}

/**
 * One bot in its own node process on 127.0.0.1 (an ephemeral port), run from the TypeScript
 * sources through tsx. {@link start} resolves once `/readyz` answers 200.
 */
export class BotProcess {
  readonly name: string;
  /** Base URL, known once started. */
  url = '';
  /** Spawn to first 200 of `/readyz`. */
  startupMs = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly options: BotProcessOptions) {
    this.name = options.name;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const started = performance.now();
    const child = fork(path.resolve(__dirname, this.options.entry), [], {
      cwd: this.options.cwd,
      env: this.options.env,
      // restify 11 reads process.binding('http_parser'), which only prints a deprecation warning.
      execArgv: ['--import', tsxLoader(), '--disable-warning=DEP0111', ...(this.options.nodeFlags ?? [])],
      // The bots' logs (warnings and errors only) go to our stderr, so --json output stays clean.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    running.add(child);
    child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(`[${this.name}] ${chunk.toString()}`));
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${this.name}] ${chunk.toString()}`));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => running.delete(child));

    this.url = await new Promise<string>((resolve, reject) => {
      const onMessage = (message: BotReport): void => {
        if (message.type !== 'listening') return;
        child.off('exit', onExit);
        child.off('message', onMessage);
        resolve(message.url);
      };
      const onExit = (code: number | null, signal: string | null): void =>
        reject(new Error(`${this.name}: exited before listening (code ${code}, signal ${signal})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    await this.waitUntilReady(started);
    this.startupMs = performance.now() - started;
  }

  private async waitUntilReady(started: number): Promise<void> {
    const timeoutMs = this.options.readyTimeoutMs ?? 30_000;
    for (;;) {
      try {
        const response = await fetch(`${this.url}/readyz`);
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > timeoutMs) {
        throw new Error(`${this.name}: /readyz did not answer 200 within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Memory and CPU time of the process, as it measures them itself. */
  stats(options: { reset?: boolean; gc?: boolean } = {}): Promise<BotStats> {
    const child = this.child;
    if (!child?.connected) return Promise.reject(new Error(`${this.name}: not running`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`${this.name}: no answer to a stats request within 5 s`));
      }, 5000);
      const onMessage = (message: BotReport): void => {
        if (message.type !== 'stats') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        const { type: _type, ...stats } = message;
        resolve(stats);
      };
      child.on('message', onMessage);
      child.send({ type: 'stats', ...options } satisfies StatsRequest);
    });
  }

  /** Asks the process to stop gracefully (SIGTERM); kills it after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
