import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type restify from 'restify';
import { clientAddressOf } from '../../bot/clientAddress';
import { SUPPORTED_LOCALES } from '../../bot/config';
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
import type { Channel, ChannelDeps, ChannelFactory } from '../channel';
import { DIRECT_LINE_CHANNEL_ID } from './mapper';
import { SharedDatabase } from '../../bot/database';
import { DIRECT_LINE_MIGRATIONS } from './migrations';

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

/** The running web channel: the Direct Line adapter, its stores, and the channel contract. */
export interface WebChannel extends Channel {
  readonly adapter: DirectLineAdapter;
  readonly store: ConversationStore;
  readonly stream: ActivityStream;
  readonly settings: DirectLineSettings;
}

/**
 * The web channel: CORS, the Direct Line 3.0 endpoint with its streams, the page token route
 * and the web chat page. Always on. With `STORAGE=memory` nothing is written to disk (the
 * transcript lives in memory and an unset secret is made up for this run only).
 */
export function createWebChannel(deps: ChannelDeps): WebChannel {
  const { config, logger } = deps;
  const inMemory = config.storage === 'memory';
  const secret = inMemory
    ? (config.directLine.secret ?? randomBytes(32).toString('base64url'))
    : deps.secrets('directLine', config.directLine.secret);
  const settings = directLineSettings(config, secret);
  // The shared database when instances share one (it holds the Direct Line schema too), else a
  // SQLite file of the channel's own (in memory with STORAGE=memory).
  const ownDatabase =
    deps.database === undefined
      ? new SharedDatabase(
          { dialect: 'sqlite', file: inMemory ? ':memory:' : path.join(config.dataDir, DIRECT_LINE_DB_FILE) },
          [DIRECT_LINE_MIGRATIONS],
        )
      : undefined;
  const store = new ConversationStore(ownDatabase ?? deps.database!);
  const stream = new ActivityStream(
    settings.maxStreamsPerConversation,
    logger.child({ component: 'directline' }),
    deps.fanOut?.('directline'),
  );
  const adapter = new DirectLineAdapter({
    store,
    stream,
    botId: DIRECT_LINE_BOT_ID,
    botName: settings.botName,
    serviceUrl: config.publicUrl,
  });

  const mount = (server: restify.Server): void => {
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
  };

  const prune = (): void => {
    store.prune(settings.retentionMs).then(
      (removed) => {
        if (removed > 0) logger.info({ removed }, 'expired Direct Line conversations removed');
      },
      (error: unknown) => logger.error({ err: error }, 'Direct Line transcript pruning failed'),
    );
  };
  prune();
  const pruning = setInterval(prune, PRUNE_EVERY_MS);
  pruning.unref();

  return {
    name: 'web',
    adapter,
    store,
    stream,
    settings,
    serves: (channelId) => channelId === DIRECT_LINE_CHANNEL_ID,
    announcesHandoff: false,
    mount,
    start: () => Promise.resolve(),
    continueConversation: (reference, logic) => adapter.continueConversation(reference, logic),
    isReady: () => store.isOpen,
    stopAccepting: () => stream.closeAll(),
    close: async () => {
      clearInterval(pruning);
      await ownDatabase?.close();
    },
  };
}

/** The web channel for the server's list of channels. */
export const webChannel: ChannelFactory = createWebChannel;
