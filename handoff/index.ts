import path from 'node:path';
import { sql } from 'kysely';
import { SharedDatabase } from '../bot/database';
import type { Logger } from '../bot/logger';
import { fileSecrets, type SecretSource } from '../bot/secrets';
import { WalCheckpointer, WAL_SAFETY_NET_PAGES } from '../bot/storage/walCheckpointer';
import { AgentDirectory, generatePassword } from './agentDirectory';
import { AGENT_MIGRATIONS, agentsSchemaReady } from './agentMigrations';
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
export { AGENT_MIGRATIONS, agentsSchemaReady } from './agentMigrations';
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
 * Opens the handoff store and the agent directory on one database. The server and the CLI both
 * use it. Without `database`, they live in `DATA_DIR/handoff.sqlite` (created when missing; its
 * write-ahead log checkpointed in a worker thread); with one (the shared PostgreSQL database of
 * `STORAGE=postgres`), they live there, so instances share one queue and every instance knows
 * every agent session, and `close()` leaves it open for its owner. Originals of redacted
 * transcript lines are sealed with the `transcriptSeal` secret.
 */
export function openHandoffDatabase(
  dataDir: string,
  secrets: SecretSource = fileSecrets(dataDir),
  database?: SharedDatabase,
): HandoffDatabase {
  const seal = new TextSeal(() => secrets(TRANSCRIPT_SEAL_SECRET));
  const file = path.join(dataDir, HANDOFF_DATABASE_FILE);
  const owned = database === undefined;
  const cases =
    database ?? new SharedDatabase({ dialect: 'sqlite', file }, [HANDOFF_MIGRATIONS, AGENT_MIGRATIONS]);
  const store = new HandoffStore(cases, Date.now, seal);
  const agents = new AgentDirectory(cases);
  let checkpointer: WalCheckpointer | undefined;
  const ready = Promise.all([handoffSchemaReady(cases), agentsSchemaReady(cases)]).then(async () => {
    if (!owned) return;
    // Kysely's connection is the only one that writes: its own automatic checkpoint becomes the
    // safety net, and a worker thread checkpoints on a timer.
    await sql`pragma wal_autocheckpoint = ${sql.lit(WAL_SAFETY_NET_PAGES)}`.execute(cases.db);
    checkpointer = new WalCheckpointer(undefined, file);
  });
  ready.catch(() => undefined);
  let closing: Promise<void> | undefined;
  return {
    store,
    agents,
    database: cases,
    ready,
    close: () =>
      (closing ??= (async () => {
        await store.close();
        // NOTE: the schema checks may still run; they settle before the file closes.
        await ready.catch(() => undefined);
        await checkpointer?.stop();
        if (owned) await cases.close();
      })()),
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
