import path from 'node:path';
import { sql } from 'kysely';
import { SharedDatabase } from '../bot/database';
import type { Logger } from '../bot/logger';
import { fileSecrets, type SecretSource } from '../bot/secrets';
import { openSqlite } from '../bot/sqlite';
import { WalCheckpointer, WAL_SAFETY_NET_PAGES } from '../bot/storage/walCheckpointer';
import { AgentDirectory, generatePassword } from './agentDirectory';
import { HandoffStore } from './handoffStore';
import { HANDOFF_MIGRATIONS, handoffSchemaReady } from './migrations';
import { TextSeal } from './sealedText';

export {
  AgentDirectory,
  AGENT_ROLES,
  generatePassword,
  type AgentAccount,
  type AgentRole,
} from './agentDirectory';
export { HandoffStore, type HandoffCase, type Ticket, type TranscriptLine } from './handoffStore';
export { HANDOFF_MIGRATIONS, handoffSchemaReady } from './migrations';
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
  /** Where the cases live: `DATA_DIR/handoff.sqlite`, or the shared database given to {@link openHandoffDatabase}. */
  database: SharedDatabase;
  /** Settles when the handoff tables exist; rejects when they could not be migrated. */
  ready: Promise<void>;
  /** Commits what the store has queued and closes what was opened here (never a shared database). */
  close(): Promise<void>;
}

/**
 * Opens the handoff store and the agent directory. The server and the CLI both use it.
 * Without `database`, the cases live in `DATA_DIR/handoff.sqlite` (created when missing; its
 * write-ahead log checkpointed in a worker thread); with one (the shared PostgreSQL database of
 * `STORAGE=postgres`), they live there, so instances share one queue, and `close()` leaves it
 * open for its owner. Originals of redacted transcript lines are sealed with the
 * `transcriptSeal` secret.
 *
 * NOTE: the agent accounts stay in `DATA_DIR/handoff.sqlite` on a connection of their own
 * until the agent directory moves to the shared database layer too.
 */
export function openHandoffDatabase(
  dataDir: string,
  secrets: SecretSource = fileSecrets(dataDir),
  database?: SharedDatabase,
): HandoffDatabase {
  const seal = new TextSeal(() => secrets(TRANSCRIPT_SEAL_SECRET));
  const file = path.join(dataDir, HANDOFF_DATABASE_FILE);
  const owned = database === undefined;
  const cases = database ?? new SharedDatabase({ dialect: 'sqlite', file }, [HANDOFF_MIGRATIONS]);
  const store = new HandoffStore(cases, Date.now, seal);
  let agentsConnection: ReturnType<typeof openSqlite> | undefined;
  try {
    agentsConnection = openSqlite(file);
    const agents = new AgentDirectory(agentsConnection);
    const checkpointer = owned ? new WalCheckpointer(agentsConnection, file) : undefined;
    const ready = handoffSchemaReady(cases).then(async () => {
      // The store's own connection: its automatic checkpoint becomes the safety net too.
      if (checkpointer)
        await sql`pragma wal_autocheckpoint = ${sql.lit(WAL_SAFETY_NET_PAGES)}`.execute(cases.db);
    });
    ready.catch(() => undefined);
    const connection = agentsConnection;
    let closing: Promise<void> | undefined;
    return {
      store,
      agents,
      database: cases,
      ready,
      close: () =>
        (closing ??= (async () => {
          await store.close();
          await checkpointer?.stop();
          connection.close();
          if (owned) await cases.close();
        })()),
    };
  } catch (error) {
    agentsConnection?.close();
    if (owned) void cases.close();
    throw error;
  }
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
  if (agents.count() > 0) return undefined;
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
    if (agents.find(FIRST_ADMIN_USERNAME)) return undefined;
    throw error;
  }
  logger.info(
    { username: FIRST_ADMIN_USERNAME },
    'created the first console account; change its password with `npm run --silent cli -- agents passwd admin`',
  );
  return password;
}
