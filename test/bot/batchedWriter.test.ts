import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BatchedWriter } from '../../bot/batchedWriter';
import { SharedDatabase } from '../../bot/database';
import { HandoffStore } from '../../handoff/handoffStore';
import { HANDOFF_MIGRATIONS } from '../../handoff/migrations';
import { eventually } from '../support/polling';

describe('BatchedWriter', () => {
  let db: Database.Database;

  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE lines (text TEXT NOT NULL)');
  });

  afterEach(() => {
    if (db.open) db.close();
  });

  const count = (): number => (db.prepare('SELECT COUNT(*) AS n FROM lines').get() as { n: number }).n;
  /** Commits texts in one transaction; a text of `fail` breaks the statement. */
  const commit = (texts: readonly string[]): Promise<void> => {
    db.transaction(() => {
      for (const text of texts)
        db.prepare(
          text === 'fail' ? 'INSERT INTO missing (x) VALUES (1)' : 'INSERT INTO lines (text) VALUES (?)',
        ).run(...(text === 'fail' ? [] : [text]));
    })();
    return Promise.resolve();
  };

  it('add() commits every write of one event-loop turn together, on the next turn', async () => {
    const flushes: (() => void)[] = [];
    const batches: number[] = [];
    const writer = new BatchedWriter<string>(
      (texts) => {
        batches.push(texts.length);
        return commit(texts);
      },
      { schedule: (flush) => flushes.push(flush) },
    );
    for (const text of ['a', 'b', 'c']) writer.add(text);
    assert.equal(flushes.length, 1, 'one commit scheduled for the three writes');
    assert.equal(writer.pending, 3);
    assert.equal(count(), 0, 'nothing written yet');
    flushes[0]?.();
    await writer.flush();
    assert.equal(count(), 3);
    assert.deepEqual(batches, [3]);
    assert.equal(writer.pending, 0);

    const real = new BatchedWriter<string>(commit);
    real.add('d');
    await eventually(() => count() === 4, 'the write committed on the next turn');
  });

  it('flush() waits for the batch in flight and commits what was queued meanwhile', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const writer = new BatchedWriter<string>(
      async (texts) => {
        if (texts.includes('first')) await held;
        order.push(...texts);
      },
      { schedule: () => undefined },
    );
    writer.add('first');
    const first = writer.flush();
    writer.add('second');
    assert.equal(writer.pending, 2, 'one in flight, one queued');
    const second = writer.flush();
    release();
    await second;
    assert.deepEqual(order, ['first', 'second']);
    await first;
    assert.equal(writer.pending, 0);
  });

  it('flush() commits at once, and a write that fails alone does not take the others with it', async () => {
    const failures: unknown[] = [];
    const writer = new BatchedWriter<string>(commit, {
      schedule: () => undefined,
      onError: (e) => failures.push(e),
    });
    writer.add('kept');
    writer.add('fail');
    writer.add('also kept');
    await writer.flush();
    assert.deepEqual(db.prepare('SELECT text FROM lines').pluck().all(), ['kept', 'also kept']);
    assert.equal(failures.length, 1);
    assert.match(String(failures[0]), /no such table/);
  });
});

describe('HandoffStore batched appends', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-batch-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a process stopped by SIGTERM while appending loses no line', async function () {
    this.timeout(30_000);
    const file = path.join(dir, 'handoff.sqlite');
    const script = path.join(dir, 'writer.ts');
    // Appends a line every millisecond and, on SIGTERM, closes the store and exits, as the server does.
    fs.writeFileSync(
      script,
      `import { SharedDatabase } from ${JSON.stringify(path.resolve(__dirname, '../../bot/database'))};
import { HandoffStore } from ${JSON.stringify(path.resolve(__dirname, '../../handoff/handoffStore'))};
import { HANDOFF_MIGRATIONS } from ${JSON.stringify(path.resolve(__dirname, '../../handoff/migrations'))};
const database = new SharedDatabase({ dialect: 'sqlite', file: ${JSON.stringify(file)} }, [HANDOFF_MIGRATIONS]);
const store = new HandoffStore(database);
let n = 0;
const timer = setInterval(() => {
  for (let i = 0; i < 5; i++) store.appendTranscript('web/c1', 'customer', 'line ' + n++);
  if (n === 50) process.send?.('writing');
}, 1);
process.once('SIGTERM', () => {
  clearInterval(timer);
  void store.close().then(() => database.close()).then(() => {
    process.send?.({ written: n });
    process.disconnect?.();
  });
});
`,
    );
    const child = fork(script, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const messages: unknown[] = [];
    child.on('message', (message) => messages.push(message));
    await eventually(() => messages.includes('writing'), 'the child is appending');
    child.kill('SIGTERM');
    await once(child, 'exit');
    const reported = messages.find((m): m is { written: number } => typeof m === 'object' && m !== null);
    assert.ok(reported, 'the child reported what it appended');
    const database = new SharedDatabase({ dialect: 'sqlite', file }, [HANDOFF_MIGRATIONS]);
    const store = new HandoffStore(database);
    try {
      assert.equal((await store.transcript('web/c1', 1_000_000)).length, reported.written);
    } finally {
      await store.close();
      await database.close();
    }
  });
});
