import path from 'node:path';
import type { Logger } from '../bot/logger';
import { fileSecrets, type SecretSource } from '../bot/secrets';
import { SharedDatabase } from '../bot/database';
import { AgentDirectory, generatePassword } from './agentDirectory';
import { AGENT_MIGRATIONS, agentsSchemaReady } from './agentMigrations';
import { HandoffStore } from './handoffStore';
import { TextSeal } from './sealedText';

export {
  AgentDirectory,
  AGENT_ROLES,
  generatePassword,
  type AgentAccount,
  type AgentRole,
} from './agentDirectory';
export { AGENT_MIGRATIONS, agentsSchemaReady } from './agentMigrations';
export { HandoffStore, type HandoffCase, type Ticket, type TranscriptLine } from './handoffStore';
// NOTE: the desk, console API and page are imported from their own files: this module stays
// free of restify and botbuilder so the CLI starts fast and quietly.

/** File name of the handoff database inside DATA_DIR. */
export const HANDOFF_DATABASE_FILE = 'handoff.sqlite';
/** Name of the generated secret (in `DATA_DIR/secrets.json`) that seals originals of redacted lines. */
export const TRANSCRIPT_SEAL_SECRET = 'transcriptSeal';

/** The handoff database opened once: cases, transcripts, tickets, audit, and agent accounts. */
export interface HandoffDatabase {
  store: HandoffStore;
  agents: AgentDirectory;
  /** Closes the database (the agents' connection too, unless it is the shared one). */
  close(): Promise<void>;
}

/**
 * Opens (creating when missing) `DATA_DIR/handoff.sqlite` with the case store and the agent
 * directory. The server and the CLI both use it. Originals of redacted transcript lines are
 * sealed with the `transcriptSeal` secret of `DATA_DIR/secrets.json`. With `shared` (the
 * PostgreSQL database of `STORAGE=postgres`, which belongs to the caller) the agent accounts and
 * sessions live there, so every instance knows every session; otherwise in handoff.sqlite.
 * NOTE: until the case store moves to the shared SQL layer too, it keeps its own connection to
 * handoff.sqlite and the agents use a second one on the same file. better-sqlite3 waits for a
 * lock synchronously, so this works because the agents' transactions do no I/O between their
 * statements: neither connection ever holds a lock while the other asks for it.
 */
export function openHandoffDatabase(
  dataDir: string,
  secrets: SecretSource = fileSecrets(dataDir),
  shared?: SharedDatabase,
): HandoffDatabase {
  const seal = new TextSeal(() => secrets(TRANSCRIPT_SEAL_SECRET));
  const file = path.join(dataDir, HANDOFF_DATABASE_FILE);
  const store = new HandoffStore(file, Date.now, seal, { checkpointInBackground: true });
  let database: SharedDatabase;
  try {
    database = shared ?? new SharedDatabase({ dialect: 'sqlite', file }, [AGENT_MIGRATIONS]);
  } catch (error) {
    store.close();
    throw error;
  }
  return {
    store,
    agents: new AgentDirectory(database),
    close: async () => {
      store.close();
      if (database === shared) return;
      // NOTE: the directory's own schema check may still run; it settles before the file closes.
      await agentsSchemaReady(database).catch(() => undefined);
      await database.close();
    },
  };
}

/** Username of the account created on first start. */
export const FIRST_ADMIN_USERNAME = 'admin';

/**
 * On first start (no account at all) creates the `admin` account with a generated password and
 * returns that password so the caller can show it once; otherwise returns undefined.
 * NOTE: async because passwords are hashed with scrypt off the main thread. Two instances
 * starting together on shared storage may race: the loser finds the winner's account and
 * returns undefined.
 */
export async function ensureFirstAdmin(agents: AgentDirectory, logger: Logger): Promise<string | undefined> {
  if ((await agents.count()) > 0) return undefined;
  const password = generatePassword();
  try {
    await agents.create({
      username: FIRST_ADMIN_USERNAME,
      name: 'Administrator',
      role: 'admin',
      teams: [],
      password,
    });
  } catch (error) {
    if (await agents.find(FIRST_ADMIN_USERNAME)) return undefined;
    throw error;
  }
  logger.info(
    { username: FIRST_ADMIN_USERNAME },
    'created the first console account; change its password with `npm run --silent cli -- agents passwd admin`',
  );
  return password;
}
