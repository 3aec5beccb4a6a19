import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteStorage } from '../../bot/storage';
import { waitFor } from '../support/polling';

describe('WalCheckpointer (SqliteStorage checkpointInBackground)', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-wal-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('checkpoints the log in a worker thread, copying every frame into the database file', async () => {
    const file = path.join(dir, 'state.sqlite');
    const storage = new SqliteStorage(file, { checkpointInBackground: true });
    const checkpointer = storage.walCheckpointer;
    assert.ok(checkpointer, 'a checkpointer runs');
    try {
      for (let i = 0; i < 200; i++) await storage.write({ [`key-${i}`]: { value: 'x'.repeat(2000), i } });
      checkpointer.checkpointNow();
      const result = await waitFor(() => checkpointer.lastResult, 'a background checkpoint');
      assert.equal(checkpointer.lastFailure, undefined);
      // 200 writes of 2 kB are about 200 pages: under SQLite's own threshold of 1,000, so only
      // the background checkpoint can have copied them.
      assert.ok(result.log > 0, `the log had frames (${result.log})`);
      assert.equal(result.checkpointed, result.log, 'every frame of the log is in the database file');
      const items = await storage.read(['key-0', 'key-199']);
      assert.deepEqual(Object.keys(items).sort(), ['key-0', 'key-199']);
    } finally {
      storage.close();
    }
    await checkpointer.stop();
    const reopened = new SqliteStorage(file);
    try {
      assert.equal(reopened.count(), 200);
    } finally {
      reopened.close();
    }
  });

  it('is off by default (tests and tools open many stores)', () => {
    const storage = new SqliteStorage(path.join(dir, 'plain.sqlite'));
    try {
      assert.equal(storage.walCheckpointer, undefined);
    } finally {
      storage.close();
    }
  });
});
