import { BOT_NODE_FLAGS } from '../bot/runtimeFlags';
import { BotProcess } from './botProcess';
import { runLoad, type ConversationScript } from './load';

/** The environment of a bot process: the system basics and `extra`, nothing else of ours. */
export function botEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * The full bot as `npm start` runs it (its node flags, BOT_NODE_FLAGS), on 127.0.0.1, an
 * ephemeral port and its own DATA_DIR, with SQLite state unless `extraEnv` says otherwise.
 */
export function fullBot(
  name: string,
  dataDir: string,
  nodeFlags: string[] = [],
  extraEnv: Record<string, string> = {},
): BotProcess {
  return new BotProcess({
    name,
    entry: 'fullBot.ts',
    env: botEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      STORAGE: 'sqlite',
      LOG_LEVEL: 'warn',
      ...extraEnv,
    }),
    // NOTE: the bot reads a `.env` file in its working directory; the repository's must not apply.
    cwd: dataDir,
    nodeFlags: [...BOT_NODE_FLAGS, ...nodeFlags],
  });
}

/** Conversations before measuring (JIT, caches), 16 at a time, on one bot or several instances. */
export function warmup(
  bot: BotProcess | readonly BotProcess[],
  script: ConversationScript,
  conversations: number,
): Promise<unknown> {
  const instances = [bot].flat();
  return runLoad({
    url: instances.map((instance) => instance.url),
    concurrency: 16,
    conversations,
    script,
    // Instances may share one store: each warm-up has conversations of its own.
    idPrefix: `warmup-${instances.map((instance) => instance.pid ?? 0).join('-')}`,
    timeoutMs: 60_000,
  });
}
