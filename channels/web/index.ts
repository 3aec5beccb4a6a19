import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import type restify from 'restify';
import { clientAddressOf } from '../../bot/clientAddress';
import { SUPPORTED_LOCALES, type Config } from '../../bot/config';
import type { Logger } from '../../bot/logger';
import { useSharedMiddleware, type SharedMiddlewareDeps } from '../../bot/middleware';
import { loadOrCreateSecret } from '../../bot/secrets';
import { LinkSigner } from '../../bot/signedLinks';
import { DirectLineAdapter } from './adapter';
import { ConversationStore } from './conversationStore';
import { directLineCors } from './cors';
import { mountWebChatPage } from './page';
import { RateLimiter } from '../../bot/rateLimiter';
import { mountDirectLine } from './routes';
import { directLineSettings, type DirectLineSettings } from './settings';
import { ActivityStream } from './stream';
import { DirectLineTokens } from './tokens';

export { BotFrameworkAdapter, mountBotFrameworkRoute, MAX_ACTIVITY_BYTES } from './botFrameworkRoute';
export { DirectLineAdapter } from './adapter';
export { ConversationStore } from './conversationStore';
export { DIRECT_LINE_CHANNEL_ID } from './mapper';
export type { DirectLineSettings } from './settings';

/** File of the Direct Line transcript store inside `DATA_DIR`. */
export const DIRECT_LINE_DB_FILE = 'directline.sqlite';
/** The bot's account id in Direct Line conversations. */
export const DIRECT_LINE_BOT_ID = 'switchboard';
/** How often expired transcripts are removed. */
const PRUNE_EVERY_MS = 10 * 60 * 1000;

export interface WebChannelDeps {
  config: Config;
  logic: (context: TurnContext) => Promise<void>;
  middleware: SharedMiddlewareDeps;
  i18n: i18n;
  logger: Logger;
  isClosing: () => boolean;
}

/** The running web channel: the Direct Line adapter and what the server needs to manage it. */
export interface WebChannel {
  readonly adapter: DirectLineAdapter;
  readonly store: ConversationStore;
  readonly stream: ActivityStream;
  readonly settings: DirectLineSettings;
  isReady(): boolean;
  /** Closes every stream (first step of shutdown). */
  closeStreams(): void;
  /** Closes the transcript store (last step of shutdown). */
  close(): void;
}

/**
 * Mounts the web channel on the server: CORS, the Direct Line 3.0 endpoint with its streams,
 * the page token route and the web chat page. With `STORAGE=memory` nothing is written to disk
 * (the transcript lives in memory and an unset secret is made up for this run only).
 */
export function mountWebChannel(server: restify.Server, deps: WebChannelDeps): WebChannel {
  const { config, logger } = deps;
  const inMemory = config.storage === 'memory';
  const secret = inMemory
    ? (config.directLine.secret ?? randomBytes(32).toString('base64url'))
    : loadOrCreateSecret(config.dataDir, 'directLine', config.directLine.secret);
  const settings = directLineSettings(config, secret);
  const store = new ConversationStore(inMemory ? ':memory:' : path.join(config.dataDir, DIRECT_LINE_DB_FILE));
  const stream = new ActivityStream(
    settings.maxStreamsPerConversation,
    logger.child({ component: 'directline' }),
  );
  const adapter = new DirectLineAdapter({
    store,
    stream,
    botId: DIRECT_LINE_BOT_ID,
    botName: settings.botName,
    serviceUrl: config.publicUrl,
  });
  useSharedMiddleware(adapter, deps.middleware);

  server.pre(directLineCors(settings.allowedOrigins));
  mountDirectLine(server, {
    adapter,
    store,
    stream,
    tokens: new DirectLineTokens(secret),
    links: new LinkSigner(
      createHash('sha256').update(`switchboard upload links:${secret}`).digest('base64url'),
    ),
    tokenRateLimiter: new RateLimiter(settings.tokenRequestsPerMinute, 60_000),
    clientAddress: clientAddressOf(config.trustProxy),
    settings,
    logic: deps.logic,
    logger,
    isClosing: deps.isClosing,
  });
  mountWebChatPage(server, {
    i18n: deps.i18n,
    locales: SUPPORTED_LOCALES,
    defaultLocale: config.defaultLocale,
    settings,
  });

  const prune = (): void => {
    try {
      const removed = store.prune(settings.retentionMs);
      if (removed > 0) logger.info({ removed }, 'expired Direct Line conversations removed');
    } catch (error) {
      logger.error({ err: error }, 'Direct Line transcript pruning failed');
    }
  };
  prune();
  const pruning = setInterval(prune, PRUNE_EVERY_MS);
  pruning.unref();

  return {
    adapter,
    store,
    stream,
    settings,
    isReady: () => store.isOpen,
    closeStreams: () => stream.closeAll(),
    close: () => {
      clearInterval(pruning);
      store.close();
    },
  };
}
