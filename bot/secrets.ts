import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** File in `DATA_DIR` holding secrets the bot generated for itself (mode 0600). */
export const SECRETS_FILE = 'secrets.json';

/**
 * Returns the secret called `name`, generating a random one on first use and keeping it in
 * `DATA_DIR/secrets.json`, so tokens and signed links stay valid across restarts. An operator
 * who configures the secret explicitly passes it as `configured` and nothing is written.
 */
export function loadOrCreateSecret(dataDir: string, name: string, configured?: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, SECRETS_FILE);
  let secrets: Record<string, string> = {};
  if (fs.existsSync(file)) {
    try {
      secrets = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    } catch (error) {
      throw new Error(`loadOrCreateSecret(): ${file} is not valid JSON; fix or delete it (${String(error)})`);
    }
  }
  const existing = secrets[name];
  if (typeof existing === 'string' && existing.length > 0) return existing;
  const secret = randomBytes(32).toString('base64url');
  fs.mkdirSync(dataDir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  // Write then rename, so a crash never leaves a half-written secrets file.
  fs.writeFileSync(temporary, JSON.stringify({ ...secrets, [name]: secret }, null, 2), { mode: 0o600 });
  fs.renameSync(temporary, file);
  return secret;
}
