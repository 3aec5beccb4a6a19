import fs from 'node:fs';
import path from 'node:path';
import { ConversationStore } from '../../channels/web/conversationStore';
import { DIRECT_LINE_MIGRATIONS } from '../../channels/web/migrations';
import { HANDOFF_DATABASE_FILE, openHandoffDatabase } from '../../handoff';
import type { Config } from '../config';
import { SharedDatabase } from '../database';
import type { SecretSource } from '../secrets';
import { openSharedDeps } from '../sharedDeps';
import { STATE_DB_FILE, SqliteStorage, type StateStore } from '../storage';
import { customerPrivacy, type CustomerPrivacy } from './index';

/**
 * File of the Direct Line store in `DATA_DIR`, as channels/web/index.ts names it. NOTE: not
 * imported from there, which would load restify and the whole channel into the CLI.
 */
const DIRECT_LINE_DB_FILE = 'directline.sqlite';

/** A server's stores, opened by the CLI. */
export interface OpenedCustomerStores {
  privacy: CustomerPrivacy;
  close(): Promise<void>;
}

/**
 * Opens the stores of the server whose configuration is `config` (SQLite files in `DATA_DIR`,
 * or the shared database with `STORAGE=postgres`, which also holds the handoff cases). Never
 * creates a store: a missing one is reported instead, since DATA_DIR pointing elsewhere than the
 * server's is the usual mistake. Returns a message when it cannot.
 */
export async function openCustomerStores(config: Config): Promise<OpenedCustomerStores | string> {
  if (config.storage === 'memory') {
    return 'STORAGE=memory keeps nothing once the server stops: there is nothing to export or erase';
  }
  const handoffFile = path.join(config.dataDir, HANDOFF_DATABASE_FILE);
  if (config.storage !== 'postgres' && !fs.existsSync(handoffFile)) {
    return (
      `there is no handoff database in ${config.dataDir}: run the command with the server's DATA_DIR, ` +
      `e.g. DATA_DIR=/srv/switchboard/data (the server creates ${HANDOFF_DATABASE_FILE} on its first start)`
    );
  }
  const closers: (() => void | Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    let stateStore: StateStore;
    let directLine: ConversationStore;
    let secrets: SecretSource | undefined;
    let sharedDatabase: SharedDatabase | undefined;
    if (config.storage === 'postgres') {
      const shared = await openSharedDeps(config);
      if (!shared.stateStore || !shared.database) throw new Error('STORAGE=postgres needs DATABASE_URL');
      stateStore = shared.stateStore;
      closers.push(() => stateStore.close());
      directLine = new ConversationStore(shared.database);
      secrets = shared.secrets;
      sharedDatabase = shared.database;
    } else {
      const stateFile = path.join(config.dataDir, STATE_DB_FILE);
      const directLineFile = path.join(config.dataDir, DIRECT_LINE_DB_FILE);
      for (const file of [stateFile, directLineFile]) {
        if (!fs.existsSync(file)) throw new Error(`${file} does not exist; is DATA_DIR the server's?`);
      }
      const storage = new SqliteStorage(stateFile);
      closers.push(() => storage.close());
      stateStore = { storage, isOpen: () => storage.isOpen, close: () => storage.close() };
      const database = new SharedDatabase({ dialect: 'sqlite', file: directLineFile }, [
        DIRECT_LINE_MIGRATIONS,
      ]);
      closers.push(() => database.close());
      directLine = new ConversationStore(database);
    }
    // With STORAGE=postgres the cases are in the shared database.
    const handoff = openHandoffDatabase(config.dataDir, secrets, sharedDatabase);
    closers.push(() => handoff.close());
    await handoff.ready;
    const privacy = customerPrivacy({
      state: stateStore.storage,
      directLine: () => directLine,
      handoff: handoff.store,
    });
    return { privacy, close };
  } catch (error) {
    await close();
    return error instanceof Error ? error.message : String(error);
  }
}
