import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BatchedWriter } from '../../bot/batchedWriter';
import { HandoffStore } from '../../handoff/handoffStore';
import { eventually } from '../support/polling';

describe('BatchedWriter', () => {
  let db: Database.Database;
  let insert: Database.Statement<[string]>;

  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE lines (text TEXT NOT NULL)');
    insert = db.prepare('INSERT INTO lines (text) VALUES (?)');
  });

  afterEach(() => {
    if (db.open) db.close();
  });

  const count = (): number => (db.prepare('SELECT COUNT(*) AS n FROM lines').get() as { n: number }).n;

  it('add() commits every write of one event-loop turn together, on the next turn', async () => {
    const flushes: (() => void)[] = [];
    const writer = new BatchedWriter(db, { schedule: (flush) => flushes.push(flush) });
    for (const text of ['a', 'b', 'c']) writer.add(() => insert.run(text));
    assert.equal(flushes.length, 1, 'one commit scheduled for the three writes');
    assert.equal(writer.pending, 3);
    assert.equal(count(), 0, 'nothing written yet');
    flushes[0]?.();
    assert.equal(count(), 3);
    assert.equal(writer.pending, 0);

    const real = new BatchedWriter(db);
    real.add(() => insert.run('d'));
    await eventually(() => count() === 4, 'the write committed on the next turn');
  });

  it('flush() commits at once, and a write that fails alone does not take the others with it', () => {
    const failures: unknown[] = [];
    const writer = new BatchedWriter(db, { schedule: () => undefined, onError: (e) => failures.push(e) });
    writer.add(() => insert.run('kept'));
    writer.add(() => db.prepare('INSERT INTO missing (x) VALUES (1)').run());
    writer.add(() => insert.run('also kept'));
    writer.flush();
    assert.deepEqual(db.prepare('SELECT text FROM lines').pluck().all(), ['kept', 'also kept']);
    assert.equal(failures.length, 1);
    assert.match(String(failures[0]), /no such table/);
  });

  it('flush() throws a failed write when nobody listens for errors', () => {
    const writer = new BatchedWriter(db, { schedule: () => undefined });
    writer.add(() => db.prepare('INSERT INTO missing (x) VALUES (1)').run());
    assert.throws(() => writer.flush(), /no such table/);
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

  it('transcript() and auditLog() see appends not committed yet', () => {
    const store = new HandoffStore(path.join(dir, 'handoff.sqlite'));
    try {
      store.appendTranscriptLines('web/c1', [
        { role: 'customer', text: 'hello' },
        { role: 'bot', text: 'hi' },
      ]);
      store.audit('customer', 'queued', 1);
      assert.equal(store.pendingWrites, 2);
      assert.deepEqual(
        store.transcript('web/c1').map((line) => line.text),
        ['hello', 'hi'],
      );
      assert.equal(store.pendingWrites, 0);
      store.audit('agent', 'claimed', 1);
      assert.deepEqual(
        store.auditLog().map((entry) => entry.action),
        ['claimed', 'queued'],
      );
    } finally {
      store.close();
    }
  });

  it('close() commits what is queued', () => {
    const file = path.join(dir, 'handoff.sqlite');
    const store = new HandoffStore(file);
    store.appendTranscript('web/c1', 'customer', 'last words');
    store.close();
    const reopened = new HandoffStore(file);
    try {
      assert.deepEqual(
        reopened.transcript('web/c1').map((line) => line.text),
        ['last words'],
      );
    } finally {
      reopened.close();
    }
  });

  it('a process stopped by SIGTERM while appending loses no line', async function () {
    this.timeout(30_000);
    const file = path.join(dir, 'handoff.sqlite');
    const script = path.join(dir, 'writer.ts');
    // Appends a line every millisecond and, on SIGTERM, closes the store and exits, as the server does.
    fs.writeFileSync(
      script,
      `import { HandoffStore } from ${JSON.stringify(path.resolve(__dirname, '../../handoff/handoffStore'))};
const store = new HandoffStore(${JSON.stringify(file)});
let n = 0;
const timer = setInterval(() => {
  for (let i = 0; i < 5; i++) store.appendTranscript('web/c1', 'customer', 'line ' + n++);
  if (n === 50) process.send?.('writing');
}, 1);
process.once('SIGTERM', () => {
  clearInterval(timer);
  store.close();
  process.send?.({ written: n });
  process.disconnect?.();
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
    const store = new HandoffStore(file);
    try {
      assert.equal(store.transcript('web/c1', 1_000_000).length, reported.written);
    } finally {
      store.close();
    }
  });
});
