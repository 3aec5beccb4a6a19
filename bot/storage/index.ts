import path from 'node:path';
import { MemoryStorage, type Storage } from 'botbuilder';
import type { Config } from '../config';
import { SqliteStorage } from './sqliteStorage';

export { SqliteStorage, ETagConflictError } from './sqliteStorage';

/** The storage the bot state lives in, with what the server needs to manage its life. */
export interface StateStore {
  readonly storage: Storage;
  /** Whether the store can serve reads and writes (for `/readyz`). */
  isOpen(): boolean;
  close(): void;
}

/** File name of the state database inside `DATA_DIR`. */
export const STATE_DB_FILE = 'state.sqlite';

/** Opens the store that `STORAGE` names. */
export function openStateStore(config: Pick<Config, 'storage' | 'dataDir'>): StateStore {
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
      const storage = new SqliteStorage(path.join(config.dataDir, STATE_DB_FILE));
      return { storage, isOpen: () => storage.isOpen, close: () => storage.close() };
    }
  }
}
