import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryStorage } from 'botbuilder';
import Database from 'better-sqlite3';
import { ETagConflictError, SqliteStorage, openStateStore } from '../../bot/storage';
import { offerJsonForWrite } from '../../bot/storage/storedJson';
import { item, storageContract, type Item } from '../support/storageContract';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-storage-'));
  tempDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

storageContract('MemoryStorage (STORAGE=memory)', { open: () => new MemoryStorage() });

storageContract('SqliteStorage (STORAGE=sqlite)', {
  open: () => new SqliteStorage(path.join(tempDir(), 'state.sqlite')),
  reopen: (current) => {
    const sqlite = current as SqliteStorage;
    sqlite.close();
    return new SqliteStorage(sqlite.file);
  },
  close: (current) => (current as SqliteStorage).close(),
});

storageContract("SqliteStorage remembering rows (the server's store)", {
  open: () => new SqliteStorage(path.join(tempDir(), 'state.sqlite'), { rememberRows: true }),
  reopen: (current) => {
    const sqlite = current as SqliteStorage;
    sqlite.close();
    return new SqliteStorage(sqlite.file, { rememberRows: true });
  },
  close: (current) => (current as SqliteStorage).close(),
});

storageContract("SqliteStorage committing each event-loop turn's writes together (the server's store)", {
  open: () =>
    new SqliteStorage(path.join(tempDir(), 'state.sqlite'), { rememberRows: true, groupCommits: true }),
  reopen: (current) => {
    const sqlite = current as SqliteStorage;
    sqlite.close();
    return new SqliteStorage(sqlite.file, { rememberRows: true, groupCommits: true });
  },
  close: (current) => (current as SqliteStorage).close(),
});

/** Resolves in a later event-loop turn, when a store remembering rows asks SQLite again. */
const nextLoopTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SqliteStorage', () => {
  it('creates its folder and uses WAL journal mode', () => {
    const file = path.join(tempDir(), 'nested', 'deeper', 'state.sqlite');
    const storage = new SqliteStorage(file);
    storage.close();
    const db = new Database(file, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });

  it('write() is atomic: a conflict on one key leaves the other keys of the call unchanged', async () => {
    const storage = new SqliteStorage(path.join(tempDir(), 'state.sqlite'));
    try {
      await storage.write({ a: { n: 1 }, b: { n: 1 } });
      const staleB = ((await storage.read(['b'])).b as { eTag: string }).eTag;
      await storage.write({ b: { n: 2 } });
      await assert.rejects(storage.write({ a: { n: 10 }, b: { n: 10, eTag: staleB } }), ETagConflictError);
      const items = await storage.read(['a', 'b']);
      assert.equal(item(items, 'a')?.n, 1);
      assert.equal(item(items, 'b')?.n, 2);
    } finally {
      storage.close();
    }
  });

  it("two stores on one file see each other's writes and conflicts", async () => {
    const file = path.join(tempDir(), 'state.sqlite');
    const one = new SqliteStorage(file);
    const two = new SqliteStorage(file);
    try {
      await one.write({ k: { n: 1 } });
      const seen = (await two.read(['k'])).k as { eTag: string };
      await one.write({ k: { n: 2 } });
      await assert.rejects(two.write({ k: { n: 3, eTag: seen.eTag } }), /eTag conflict/);
    } finally {
      one.close();
      two.close();
    }
  });

  it('rememberRows: a read returns a fresh object each time, with the last written value', async () => {
    const storage = new SqliteStorage(path.join(tempDir(), 'state.sqlite'), { rememberRows: true });
    try {
      await storage.write({ k: { n: 1, list: [1] } });
      const first = item(await storage.read(['k']), 'k') as Item & { list: number[] };
      first.list.push(2);
      first.n = 5;
      const second = item(await storage.read(['k']), 'k') as Item & { list: number[] };
      assert.deepEqual({ n: second.n, list: second.list }, { n: 1, list: [1] });
      await storage.write({ k: { n: 2, eTag: second.eTag } });
      assert.equal(item(await storage.read(['k']), 'k')?.n, 2);
      await storage.delete(['k']);
      assert.deepEqual(await storage.read(['k']), {});
    } finally {
      storage.close();
    }
  });

  it("rememberRows: another connection's commits are seen from the next event-loop turn", async () => {
    const file = path.join(tempDir(), 'state.sqlite');
    const server = new SqliteStorage(file, { rememberRows: true });
    const cli = new SqliteStorage(file);
    try {
      await server.write({ kept: { n: 1 }, erased: { n: 1 } });
      await server.read(['absent']);
      await nextLoopTurn();
      await cli.write({ kept: { n: 2 }, absent: { n: 3 } });
      await cli.erase(['erased']);
      await nextLoopTurn();
      const items = await server.read(['kept', 'erased', 'absent']);
      assert.deepEqual(Object.keys(items).sort(), ['absent', 'kept']);
      assert.equal(item(items, 'kept')?.n, 2);
      assert.equal(item(items, 'absent')?.n, 3);
      // And a write checked against a stale eTag still fails against the other's newer row.
      const stale = item(items, 'kept')?.eTag;
      await nextLoopTurn();
      await cli.write({ kept: { n: 4 } });
      await nextLoopTurn();
      await assert.rejects(server.write({ kept: { n: 5, eTag: stale } }), ETagConflictError);
    } finally {
      server.close();
      cli.close();
    }
  });

  it('rememberRows: a failed write leaves the remembered row as stored', async () => {
    const storage = new SqliteStorage(path.join(tempDir(), 'state.sqlite'), { rememberRows: true });
    try {
      await storage.write({ a: { n: 1 }, b: { n: 1 } });
      const staleB = item(await storage.read(['b']), 'b')?.eTag;
      await storage.write({ b: { n: 2 } });
      await assert.rejects(storage.write({ a: { n: 10 }, b: { n: 10, eTag: staleB } }), ETagConflictError);
      const items = await storage.read(['a', 'b']);
      assert.equal(item(items, 'a')?.n, 1);
      assert.equal(item(items, 'b')?.n, 2);
    } finally {
      storage.close();
    }
  });

  it('write() stores the JSON offered for an item once, and serializes the item itself after', async () => {
    const storage = new SqliteStorage(path.join(tempDir(), 'state.sqlite'));
    try {
      const state: Item = { n: 1, eTag: '*' };
      offerJsonForWrite(state, '{"n":1}');
      await storage.write({ k: state });
      assert.equal(item(await storage.read(['k']), 'k')?.n, 1);
      state.n = 2;
      await storage.write({ k: state });
      assert.equal(item(await storage.read(['k']), 'k')?.n, 2, 'the offer was taken by the first write');
    } finally {
      storage.close();
    }
  });

  describe('groupCommits', () => {
    const groupStore = (file = path.join(tempDir(), 'state.sqlite')): SqliteStorage =>
      new SqliteStorage(file, { rememberRows: true, groupCommits: true });

    it('commits the writes of one event-loop turn together, at its end, and resolves each once committed', async () => {
      const storage = groupStore();
      const other = new Database(storage.file, { readonly: true });
      try {
        const writes = [
          storage.write({ a: { n: 1 } }),
          storage.write({ b: { n: 2 } }),
          storage.write({ c: { n: 3 } }),
        ];
        const settled: string[] = [];
        for (const [i, write] of writes.entries()) void write.then(() => settled.push(`write ${i}`));
        // Asked, not committed: another connection sees none of them yet.
        assert.equal((other.prepare('SELECT COUNT(*) AS n FROM state').get() as { n: number }).n, 0);
        await Promise.all(writes);
        assert.deepEqual(settled, ['write 0', 'write 1', 'write 2']);
        assert.equal((other.prepare('SELECT COUNT(*) AS n FROM state').get() as { n: number }).n, 3);
        assert.deepEqual(
          Object.values(await storage.read(['a', 'b', 'c'])).map((value) => (value as Item).n),
          [1, 2, 3],
        );
      } finally {
        other.close();
        storage.close();
      }
    });

    it('an eTag conflict rejects only its own write of the group; the others are committed', async () => {
      const storage = groupStore();
      try {
        await storage.write({ a: { n: 1 }, b: { n: 1 } });
        const stale = ((await storage.read(['b'])).b as { eTag: string }).eTag;
        await storage.write({ b: { n: 2 } });
        const results = await Promise.allSettled([
          storage.write({ a: { n: 10 } }),
          storage.write({ a: { n: 20 }, b: { n: 20, eTag: stale } }),
          storage.write({ c: { n: 30 } }),
        ]);
        assert.deepEqual(
          results.map((result) => result.status),
          ['fulfilled', 'rejected', 'fulfilled'],
        );
        assert.ok((results[1] as PromiseRejectedResult).reason instanceof ETagConflictError);
        const items = await storage.read(['a', 'b', 'c']);
        // The rejected write changed neither of its keys.
        assert.deepEqual([item(items, 'a')?.n, item(items, 'b')?.n, item(items, 'c')?.n], [10, 2, 30]);
      } finally {
        storage.close();
      }
    });

    it('writes of one key in one turn apply in the order asked: a write with the eTag the first replaced conflicts', async () => {
      const storage = groupStore();
      try {
        await storage.write({ k: { n: 1 } });
        const read = ((await storage.read(['k'])).k as { eTag: string }).eTag;
        const first = storage.write({ k: { n: 2, eTag: read } });
        const second = storage.write({ k: { n: 3, eTag: read } });
        await first;
        await assert.rejects(second, ETagConflictError);
        assert.equal(item(await storage.read(['k']), 'k')?.n, 2);
      } finally {
        storage.close();
      }
    });

    it('a delete, an erase or the count asked after a write sees the write; close commits what is queued', async () => {
      const file = path.join(tempDir(), 'state.sqlite');
      const storage = groupStore(file);
      const written = storage.write({ gone: { n: 1 }, kept: { n: 1 } });
      await storage.delete(['gone']);
      await written;
      assert.equal(storage.count(), 1);
      const erasedLater = storage.write({ erased: { n: 1 } });
      assert.equal(await storage.erase(['erased']), 1);
      await erasedLater;
      const last = storage.write({ last: { n: 9 } });
      storage.close();
      await last;
      const reopened = new SqliteStorage(file);
      try {
        assert.deepEqual(Object.keys(await reopened.read(['gone', 'kept', 'erased', 'last'])).sort(), [
          'kept',
          'last',
        ]);
      } finally {
        reopened.close();
      }
    });

    it('a write asked after close() is rejected, with nothing written', async () => {
      const file = path.join(tempDir(), 'state.sqlite');
      const storage = groupStore(file);
      storage.close();
      await assert.rejects(storage.write({ late: { n: 1 } }));
      const reopened = new SqliteStorage(file);
      try {
        assert.deepEqual(await reopened.read(['late']), {});
      } finally {
        reopened.close();
      }
    });
  });

  it('close() is idempotent and isOpen reports it', () => {
    const storage = new SqliteStorage(path.join(tempDir(), 'state.sqlite'));
    assert.equal(storage.isOpen, true);
    storage.close();
    storage.close();
    assert.equal(storage.isOpen, false);
  });
});

describe('openStateStore()', () => {
  it('opens SQLite in DATA_DIR for STORAGE=sqlite', async () => {
    const dataDir = tempDir();
    const store = openStateStore({ storage: 'sqlite', dataDir });
    try {
      assert.ok(store.storage instanceof SqliteStorage);
      assert.equal(fs.existsSync(path.join(dataDir, 'state.sqlite')), true);
    } finally {
      await store.close();
    }
    assert.equal(store.isOpen(), false);
  });

  it('uses botbuilder MemoryStorage for STORAGE=memory and writes no file', async () => {
    const dataDir = tempDir();
    const store = openStateStore({ storage: 'memory', dataDir });
    assert.ok(store.storage instanceof MemoryStorage);
    assert.deepEqual(fs.readdirSync(dataDir), []);
    await store.close();
    assert.equal(store.isOpen(), false);
  });
});
