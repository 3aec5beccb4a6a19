import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** How often the WAL is copied back into the database file. */
const DEFAULT_INTERVAL_MS = 1_000;
/**
 * Pages after which a commit on the main thread still checkpoints by itself (SQLite's default
 * is 1,000): a safety net for when the checkpointer falls behind, never the usual path.
 */
export const WAL_SAFETY_NET_PAGES = 20_000;

/**
 * NOTE: plain JavaScript run with `eval`, so it works the same from the TypeScript sources
 * (tsx) and from the compiled build. It opens its own connection to the file and runs a
 * PASSIVE checkpoint on a timer; PASSIVE never waits for or blocks the writer.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 100');
const checkpoint = () => {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ checkpointed: row ? row.checkpointed : -1, log: row ? row.log : -1 });
  } catch (error) {
    parentPort.postMessage({ failed: String(error && error.message) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'now') checkpoint();
  if (message === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

/**
 * Checkpoints a SQLite database's write-ahead log on a timer, in a worker thread, instead of in
 * whichever commit of a turn crosses SQLite's 1,000-page threshold: that checkpoint writes the
 * WAL back into the database file inside the commit, on the main thread, and every turn in the
 * process waits for it (one of the longest pauses the benchmark recorded).
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private stopped: Promise<void> | undefined;
  /** Checkpoints done, for tests and diagnostics. */
  checkpoints = 0;
  /** Frames in the log and frames copied to the database by the last checkpoint. */
  lastResult: { log: number; checkpointed: number } | undefined;
  /** The last checkpoint failure (another connection held a lock too long), if any. */
  lastFailure: string | undefined;

  /**
   * `db` is the main connection: its own automatic checkpoint becomes the rare safety net. A
   * connection this cannot reach (Kysely's) is given `wal_autocheckpoint = WAL_SAFETY_NET_PAGES`
   * by its owner, and `db` is undefined.
   */
  constructor(db: Database.Database | undefined, file: string, intervalMs = DEFAULT_INTERVAL_MS) {
    db?.pragma(`wal_autocheckpoint = ${WAL_SAFETY_NET_PAGES}`);
    const driver = createRequire(__filename).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_CODE, { eval: true, workerData: { file, intervalMs, driver } });
    // NOTE: the worker must not keep the process alive on its own (the server closes it anyway).
    this.worker.unref();
    this.worker.on('message', (message: { log?: number; checkpointed?: number; failed?: string }) => {
      if (message.failed !== undefined) {
        this.lastFailure = message.failed;
        return;
      }
      this.checkpoints += 1;
      this.lastResult = { log: message.log ?? -1, checkpointed: message.checkpointed ?? -1 };
    });
    this.worker.on('error', (error) => {
      this.lastFailure = error.message;
    });
  }

  /** Asks for a checkpoint now (tests). */
  checkpointNow(): void {
    this.worker.postMessage('now');
  }

  /** Stops the timer and closes the worker's connection; resolves once the worker is gone. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      // Held until it is gone: with nothing else left (the CLI), an unref'd worker would let the
      // process end before the promise settles, mid-close.
      this.worker.ref();
      this.worker.once('exit', () => resolve());
      this.worker.postMessage('stop');
    });
    return this.stopped;
  }
}
