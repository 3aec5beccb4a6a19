import type { Config } from './config';
import { DIRECT_LINE_MIGRATIONS } from '../channels/web/migrations';
import { AGENT_MIGRATIONS } from '../handoff/agentMigrations';
import { CONTENT_MIGRATIONS } from './content/migrations';
import { SharedDatabase } from './database';
import { STATE_MIGRATIONS } from './database/migrations';
import { INSIGHTS_MIGRATIONS } from './insights/migrations';
import { loadSharedSecrets } from './database/sharedSecrets';
import { GENERATED_SECRETS, loadedSecrets, type SecretSource } from './secrets';
import { databaseStateStore, type StateStore } from './storage';

/** What instances share, opened before the server is built. */
export interface SharedDeps {
  stateStore?: StateStore;
  secrets?: SecretSource;
  /** The database itself, for the stores of channels that share it (Direct Line). */
  database?: SharedDatabase;
}

/**
 * With `STORAGE=postgres`: connects to the shared database, migrates it, and loads the bot's
 * generated secrets from it (the first instance generates them), so links and tokens one
 * instance signs are valid on every other. Nothing to open for the embedded defaults.
 * @throws Error naming `DATABASE_URL` when the database cannot be reached or migrated.
 */
export async function openSharedDeps(config: Pick<Config, 'storage' | 'database'>): Promise<SharedDeps> {
  if (config.storage !== 'postgres' || config.database === undefined) return {};
  // One database holds every shared store's schema, each with its own migration history.
  const database = new SharedDatabase({ dialect: 'postgres', ...config.database }, [
    STATE_MIGRATIONS,
    DIRECT_LINE_MIGRATIONS,
    CONTENT_MIGRATIONS,
    INSIGHTS_MIGRATIONS,
    AGENT_MIGRATIONS,
  ]);
  try {
    await database.ready;
    const secrets = await loadSharedSecrets(database, GENERATED_SECRETS);
    return { stateStore: databaseStateStore(database), secrets: loadedSecrets(secrets), database };
  } catch (error) {
    await database.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Switchboard could not open the database at DATABASE_URL: ${reason}`, { cause: error });
  }
}
