import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeFilePrivate, writePrivateFile } from './privateFiles';

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
    makeFilePrivate(file);
    try {
      secrets = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    } catch (error) {
      throw new Error(`loadOrCreateSecret(): ${file} is not valid JSON; fix or delete it (${String(error)})`);
    }
  }
  const existing = secrets[name];
  if (typeof existing === 'string' && existing.length > 0) return existing;
  const secret = randomBytes(32).toString('base64url');
  writePrivateFile(file, JSON.stringify({ ...secrets, [name]: secret }, null, 2));
  return secret;
}

/**
 * Where the bot's own secrets come from: `(name, configured?)` returns the configured value when
 * there is one, else the generated secret called `name`.
 */
export type SecretSource = (name: string, configured?: string) => string;

/** The secrets of `DATA_DIR/secrets.json` (one instance, the default). */
export function fileSecrets(dataDir: string): SecretSource {
  return (name, configured) => loadOrCreateSecret(dataDir, name, configured);
}

/** Every secret the bot generates for itself, by name (loaded up front from a shared database). */
export const GENERATED_SECRETS = ['links', 'directLine', 'transcriptSeal'] as const;

/** Secrets loaded before the server was built (from the shared database); an unknown name is a bug. */
export function loadedSecrets(secrets: Readonly<Record<string, string>>): SecretSource {
  return (name, configured) => {
    if (configured) return configured;
    const secret = secrets[name];
    if (secret === undefined)
      throw new Error(`loadedSecrets(): no secret "${name}" was loaded; add it to GENERATED_SECRETS`);
    return secret;
  };
}
