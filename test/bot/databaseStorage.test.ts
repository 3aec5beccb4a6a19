import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SharedDatabase, type DatabaseTarget } from '../../bot/database';
import { MIGRATION_NAMES, appliedMigrations } from '../../bot/database/migrations';
import {
  DatabaseStorage,
  ETagConflictError,
  SqliteStorage,
  databaseStateStore,
  openStateStore,
} from '../../bot/storage';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { item, storageContract } from '../support/storageContract';

const tempDirs: string[] = [];
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-db-'));
  tempDirs.push(dir);
  return path.join(dir, 'state.sqlite');
}
after(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The same suites on both dialects: one store, written once. */
function dialectSuites(name: string, target: () => DatabaseTarget, sharedByInstances: boolean): void {
  const opened = new Map<DatabaseStorage, SharedDatabase>();
  const open = (): DatabaseStorage => {
    const database = new SharedDatabase(target());
    const storage = new DatabaseStorage(database);
    opened.set(storage, database);
    return storage;
  };
  const close = async (storage: DatabaseStorage): Promise<void> => {
    await opened.get(storage)?.close();
    opened.delete(storage);
  };

  storageContract(`DatabaseStorage on ${name}`, {
    open,
    reopen: async (current) => {
      await close(current as DatabaseStorage);
      return open();
    },
    close: (current) => close(current as DatabaseStorage),
  });

  describe(`DatabaseStorage on ${name}`, () => {
    afterEach(async () => {
      for (const storage of [...opened.keys()]) await close(storage);
    });

    it('write() is atomic: a conflict on one key leaves the other keys of the call unchanged', async () => {
      const storage = open();
      await storage.write({ a: { n: 1 }, b: { n: 1 } });
      const staleB = ((await storage.read(['b'])).b as { eTag: string }).eTag;
      await storage.write({ b: { n: 2 } });
      await assert.rejects(storage.write({ a: { n: 10 }, b: { n: 10, eTag: staleB } }), ETagConflictError);
      const items = await storage.read(['a', 'b']);
      assert.equal(item(items, 'a')?.n, 1);
      assert.equal(item(items, 'b')?.n, 2);
    });

    // NOTE: only a server is shared by instances; a SQLite file has one process writing it.
    if (sharedByInstances) {
      it('two instances racing a write with the same eTag: exactly one wins', async () => {
        const one = open();
        const two = open();
        await one.write({ race: { n: 0 } });
        for (let round = 1; round <= 20; round += 1) {
          const { eTag } = (await one.read(['race'])).race as { eTag: string };
          const outcomes = await Promise.allSettled([
            one.write({ race: { n: round, by: 'one', eTag } }),
            two.write({ race: { n: round, by: 'two', eTag } }),
          ]);
          const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
          const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
          assert.equal(won.length, 1, `round ${round}: ${won.length} writes won`);
          const reason: unknown = lost[0]?.status === 'rejected' ? lost[0].reason : undefined;
          assert.ok(reason instanceof ETagConflictError, `round ${round}: ${String(reason)}`);
          assert.equal(item(await two.read(['race']), 'race')?.n, round);
        }
      });
    }

    it('count() counts the stored items', async () => {
      const storage = open();
      const before = await storage.count();
      await storage.write({ countX: { n: 1 }, countY: { n: 2 } });
      await storage.write({ countX: { n: 3 } });
      assert.equal(await storage.count(), before + 2);
    });

    it('several instances starting at once migrate the schema once', async () => {
      const databases = [1, 2, 3].map(() => new SharedDatabase(target()));
      try {
        await Promise.all(databases.map((database) => database.ready));
        assert.deepEqual(await appliedMigrations(databases[0]!.db), MIGRATION_NAMES);
      } finally {
        for (const database of databases) await database.close();
      }
    });

    it('ping() reports the database and close() makes the store not open', async () => {
      const store = databaseStateStore(new SharedDatabase(target()));
      assert.equal(await store.check?.(), true);
      assert.equal(store.isOpen(), true);
      await store.close();
      assert.equal(store.isOpen(), false);
      assert.equal(await store.check?.(), false);
    });
  });
}

dialectSuites('SQLite', () => ({ dialect: 'sqlite', file: sharedSqliteFile() }), false);

// One file per suite run, so "two instances" share it as they would share a server.
let sqliteFile: string | undefined;
function sharedSqliteFile(): string {
  sqliteFile ??= tempFile();
  return sqliteFile;
}

describe('PostgreSQL', function () {
  let database: TestDatabase | undefined;
  before(async function () {
    database = await createTestDatabase(this);
  });
  after(async () => {
    await database?.drop();
  });
  dialectSuites('PostgreSQL', () => ({ dialect: 'postgres', url: database!.url, poolSize: 4 }), true);

  it('openStateStore() opens the shared database for STORAGE=postgres', async () => {
    const store = openStateStore({
      storage: 'postgres',
      dataDir: path.dirname(tempFile()),
      database: { url: database!.url, poolSize: 2 },
    });
    try {
      assert.ok(store.storage instanceof DatabaseStorage);
      await store.storage.write({ k: { n: 1 } });
      assert.equal(item(await store.storage.read(['k']), 'k')?.n, 1);
    } finally {
      await store.close();
    }
  });

  it('a server that cannot be reached makes check() false, not a crash', async () => {
    const url = new URL(database!.url);
    url.port = '1';
    const store = databaseStateStore(
      new SharedDatabase({ dialect: 'postgres', url: url.toString(), poolSize: 1 }),
    );
    try {
      assert.equal(await store.check?.(), false);
      assert.equal(store.isOpen(), false);
    } finally {
      await store.close();
    }
  });
});

describe('SharedDatabase on a SQLite file from before migrations', () => {
  it('keeps the state an older SqliteStorage wrote and records the migration', async () => {
    const file = tempFile();
    const legacy = new SqliteStorage(file);
    await legacy.write({ kept: { n: 7 } });
    legacy.close();
    const database = new SharedDatabase({ dialect: 'sqlite', file });
    try {
      const storage = new DatabaseStorage(database);
      assert.equal(item(await storage.read(['kept']), 'kept')?.n, 7);
      assert.deepEqual(await appliedMigrations(database.db), MIGRATION_NAMES);
    } finally {
      await database.close();
    }
  });
});
