import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SharedDatabase } from '../../bot/database';
import { HANDOFF_MIGRATIONS } from '../../handoff/migrations';
import { createTestDatabase, type TestDatabase } from './postgres';

/** Both dialects the handoff store runs on. */
export const HANDOFF_DIALECTS = ['sqlite', 'postgres'] as const;
export type HandoffDialect = (typeof HANDOFF_DIALECTS)[number];

const HANDOFF_TABLES = ['audit', 'canned_replies', 'tickets', 'pickups', 'transcript', 'cases'] as const;

/**
 * Handoff databases for one suite: a fresh SQLite file per {@link HandoffDatabases.open} call,
 * or connections to one PostgreSQL database of the suite (failing, not skipping, under CI when
 * the server is missing), emptied by {@link HandoffDatabases.reset}. Every database opened is
 * closed by {@link HandoffDatabases.closeAll}.
 */
export interface HandoffDatabases {
  /** A new connection (pool) to the suite's database, or a new SQLite file. */
  open(): SharedDatabase;
  /** Another connection to the database the last {@link open} opened, as a second instance has (SQLite: see below). */
  openAgain(): SharedDatabase;
  before(suite: Mocha.Context): Promise<void>;
  /** Closes what {@link open} opened and empties the PostgreSQL database. */
  reset(): Promise<void>;
  after(): Promise<void>;
}

export function handoffDatabases(dialect: HandoffDialect): HandoffDatabases {
  let server: TestDatabase | undefined;
  let dir: string | undefined;
  let opened: SharedDatabase[] = [];
  let files = 0;
  let file = '';
  const connect = (): SharedDatabase => {
    const database =
      dialect === 'sqlite'
        ? new SharedDatabase({ dialect: 'sqlite', file }, [HANDOFF_MIGRATIONS])
        : new SharedDatabase({ dialect: 'postgres', url: server?.url ?? '', poolSize: 4 }, [
            HANDOFF_MIGRATIONS,
          ]);
    opened.push(database);
    return database;
  };
  return {
    open() {
      file = path.join(dir ?? os.tmpdir(), `handoff-${files++}.sqlite`);
      return connect();
    },
    // NOTE: on SQLite, the same connection: a second connection to the file in this one thread
    // would wait (synchronously) for a transaction of the first that cannot go on meanwhile.
    // Two instances on one SQLite file are two processes; sharing is what PostgreSQL is for.
    openAgain: () => (dialect === 'sqlite' ? (opened.at(-1) ?? connect()) : connect()),
    async before(suite) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-handoff-'));
      if (dialect === 'postgres') server = await createTestDatabase(suite);
    },
    async reset() {
      const [first] = opened;
      if (dialect === 'postgres' && first) {
        await first.ready;
        for (const table of HANDOFF_TABLES) await first.db.deleteFrom(table).execute();
      }
      for (const database of opened) await database.close();
      opened = [];
    },
    async after() {
      for (const database of opened) await database.close();
      opened = [];
      await server?.drop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
