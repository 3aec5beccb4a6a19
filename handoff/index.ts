import path from 'node:path';
import type { Logger } from '../bot/logger';
import { fileSecrets, type SecretSource } from '../bot/secrets';
import { AgentDirectory, generatePassword } from './agentDirectory';
import { HandoffStore } from './handoffStore';
import { TextSeal } from './sealedText';

export {
  AgentDirectory,
  AGENT_ROLES,
  generatePassword,
  type AgentAccount,
  type AgentRole,
} from './agentDirectory';
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
  /** Closes the database (both share one connection). */
  close(): void;
}

/**
 * Opens (creating when missing) `DATA_DIR/handoff.sqlite` with the case store and the agent
 * directory on one connection. The server and the CLI both use it. Originals of redacted
 * transcript lines are sealed with the `transcriptSeal` secret of `DATA_DIR/secrets.json`.
 */
export function openHandoffDatabase(
  dataDir: string,
  secrets: SecretSource = fileSecrets(dataDir),
): HandoffDatabase {
  const seal = new TextSeal(() => secrets(TRANSCRIPT_SEAL_SECRET));
  const store = new HandoffStore(path.join(dataDir, HANDOFF_DATABASE_FILE), Date.now, seal, {
    checkpointInBackground: true,
  });
  try {
    const agents = new AgentDirectory(store.db);
    return { store, agents, close: () => store.close() };
  } catch (error) {
    store.close();
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
