import path from 'node:path';
import { MemoryStorage, type Storage } from 'botbuilder';
import type { Config } from '../config';
import { SharedDatabase } from '../database';
import { DatabaseStorage } from './databaseStorage';
import { SqliteStorage } from './sqliteStorage';

export { SqliteStorage } from './sqliteStorage';
export { DatabaseStorage } from './databaseStorage';
export { ETagConflictError } from './etagConflict';

/** The storage the bot state lives in, with what the server needs to manage its life. */
export interface StateStore {
  readonly storage: Storage;
  /** Whether the store can serve reads and writes (for `/readyz`). */
  isOpen(): boolean;
  /** Checks the store again where that needs a round trip (a database server); updates `isOpen`. */
  check?(): Promise<boolean>;
  close(): void | Promise<void>;
}

/** File name of the state database inside `DATA_DIR`. */
export const STATE_DB_FILE = 'state.sqlite';

/** Opens the store that `STORAGE` names. */
export function openStateStore(
  config: Pick<Config, 'storage' | 'dataDir'> & Partial<Pick<Config, 'database'>>,
): StateStore {
  switch (config.storage) {
    case 'memory': {
      let open = true;
      return {
        storage: new MemoryStorage(),
        isOpen: () => open,
        close: () => {
          open = false;
        },
      };
    }
    case 'sqlite': {
      const storage = new SqliteStorage(path.join(config.dataDir, STATE_DB_FILE), {
        checkpointInBackground: true,
        rememberRows: true,
        groupCommits: true,
      });
      return { storage, isOpen: () => storage.isOpen, close: () => storage.close() };
    }
    case 'postgres': {
      if (config.database === undefined)
        throw new Error('openStateStore(): STORAGE=postgres needs DATABASE_URL');
      const database = new SharedDatabase({ dialect: 'postgres', ...config.database });
      return databaseStateStore(database);
    }
  }
}

/** A {@link StateStore} on a {@link SharedDatabase}, which it closes. */
export function databaseStateStore(database: SharedDatabase): StateStore {
  return {
    storage: new DatabaseStorage(database),
    isOpen: () => database.isOpen,
    check: () => database.ping(),
    close: () => database.close(),
  };
}
