import path from 'node:path';
import type { i18n } from 'i18next';
import type { Config } from '../config';
import type { FanOut } from '../coordination';
import { SharedDatabase } from '../database';
import { localesDir } from '../i18n';
import type { PiiRedactor } from '../language/pii';
import type { Recognizer } from '../language/recognizer';
import type { Logger } from '../logger';
import { STATE_DB_FILE } from '../storage';
import { ContentStore } from './contentStore';
import { LiveContent, type TrainRecognizer } from './liveContent';
import { readShippedContent } from './localeContent';
import { CONTENT_MIGRATIONS } from './migrations';
import { UnrecognizedInbox } from './unrecognizedInbox';

export { CONTENT_MIGRATIONS } from './migrations';
export { ContentStore, type ContentChange } from './contentStore';
export { LiveContent, type ChangeOutcome, type TrainRecognizer } from './liveContent';
export { UnrecognizedInbox, type UnrecognizedItem } from './unrecognizedInbox';
export * from './localeContent';

/** How often an instance asks the store whether content changed elsewhere. */
export const CONTENT_POLL_MS = 2_000;

/**
 * The database the content lives in: the shared one when instances share one, else the state
 * database's SQLite file (`DATA_DIR/state.sqlite`), in memory with `STORAGE=memory`.
 * `owned`: whether the caller closes it.
 */
export function openContentDatabase(
  config: Pick<Config, 'storage' | 'dataDir'>,
  shared?: SharedDatabase,
): { database: SharedDatabase; owned: boolean } {
  if (shared) return { database: shared, owned: false };
  const file = config.storage === 'memory' ? ':memory:' : path.join(config.dataDir, STATE_DB_FILE);
  return { database: new SharedDatabase({ dialect: 'sqlite', file }, [CONTENT_MIGRATIONS]), owned: true };
}

/** What the server keeps of the content studio's backend. */
export interface ContentParts {
  live: LiveContent;
  store: ContentStore;
  inbox: UnrecognizedInbox;
  /**
   * Counts a message the bot did not understand in the inbox, redacted, off the turn's path:
   * returns at once; a failure is logged.
   */
  recordUnrecognized(text: string, locale: string): void;
  close(): Promise<void>;
}

/** Opens the content store and the inbox, with the shipped files of `locales` as the base. */
export function openContent(deps: {
  config: Pick<Config, 'storage' | 'dataDir'>;
  locales: readonly string[];
  database?: SharedDatabase;
  i18n: i18n;
  shippedRecognizer: Recognizer;
  train: TrainRecognizer;
  fanOut?: FanOut;
  /** Removes personal data from inbox texts. */
  redactor: PiiRedactor;
  logger: Logger;
  now: () => number;
}): ContentParts {
  const { database, owned } = openContentDatabase(deps.config, deps.database);
  const store = new ContentStore(database);
  const live = new LiveContent({
    store,
    shipped: readShippedContent(localesDir(), deps.locales),
    shippedRecognizer: deps.shippedRecognizer,
    train: deps.train,
    i18n: deps.i18n,
    ...(deps.fanOut ? { fanOut: deps.fanOut } : {}),
    logger: deps.logger.child({ component: 'content' }),
    now: deps.now,
    pollMs: CONTENT_POLL_MS,
  });
  const inbox = new UnrecognizedInbox(database);
  const pending = new Set<Promise<void>>();
  return {
    live,
    store,
    inbox,
    recordUnrecognized(text, locale) {
      const recorded = deps.redactor
        .redact(text, locale)
        .then((redacted) => inbox.record(redacted, locale, deps.now()))
        .catch((error: unknown) => deps.logger.warn({ err: error }, 'content: unrecognized message not kept'))
        .finally(() => pending.delete(recorded));
      pending.add(recorded);
    },
    close: async () => {
      live.close();
      await Promise.all(pending);
      if (owned) await database.close();
    },
  };
}
