import type { AddressInfo } from 'node:net';
import type { i18n } from 'i18next';
import restify, { type Next, type Request, type Response } from 'restify';
import type { TurnContext } from 'botbuilder';
import { BotFrameworkAdapter, mountBotFrameworkRoute } from '../channels/web/botFrameworkRoute';
import { DIRECT_LINE_CHANNEL_ID, mountWebChannel, type WebChannel } from '../channels/web';
import { HandoffDialog } from '../dialogs/handoffDialog';
import { openHandoffDatabase, type AgentDirectory, type HandoffStore } from '../handoff';
import { mountConsoleApi } from '../handoff/consoleApi';
import { mountConsolePage } from '../handoff/consolePage';
import { HandoffDesk, type ProactiveSender } from '../handoff/handoffDesk';
import { HandoffMiddleware } from '../handoff/handoffMiddleware';
import { loadTeamsConfig } from '../handoff/teams';
import { LocalPiiRedactor, type PiiRedactor } from './language/pii';
import type { SentimentAnalyzer } from './language/sentiment';
import { LanguageDialog } from '../dialogs/languageDialog';
import { MainDialog } from '../dialogs/mainDialog';
import { makeCommerceDialogs } from '../dialogs/commerceDialogs';
import { VerificationGuard } from '../dialogs/verificationGuard';
import { openCommerceBackend } from '../services';
import { mountDownloadRoutes } from '../services/downloadRoutes';
import { DownloadLinks } from '../services/downloadLinks';
import { systemClock, type Clock, type CommerceBackend } from '../services/types';
import { clientAddressOf } from './clientAddress';
import { SUPPORTED_LOCALES, loadConfig, type Config } from './config';
import { CustomerServiceBot } from './customerServiceBot';
import { createI18n, localesDir } from './i18n';
import { KeywordRecognizer, type Recognizer } from './language/recognizer';
import { createLogger, type Logger } from './logger';
import { loadOrCreateSecret } from './secrets';
import { useSharedMiddleware } from './middleware';
import { BotStateSet } from './state';
import { openStateStore, type StateStore } from './storage';
import { TurnQueue } from './turnQueue';

/** What {@link makeServer} builds from; everything but `config` has a default for production. */
export interface ServerDeps {
  config: Config;
  logger?: Logger;
  stateStore?: StateStore;
  recognizer?: Recognizer;
  i18n?: i18n;
  /** Orders, returns and appointments; by default the backend `COMMERCE_BACKEND` names. */
  commerce?: CommerceBackend;
  /** Where "now" comes from (tests pass a fixed one). */
  clock?: Clock;
  /** Scores negative sentiment to offer a person; none by default. */
  sentimentAnalyzer?: SentimentAnalyzer;
  /** Redacts personal data in transcripts; local patterns by default. */
  redactor?: PiiRedactor;
}

/** Channels with Switchboard's own adapters; every other channel id came over Bot Framework. */
const OWN_CHANNELS = new Set([DIRECT_LINE_CHANNEL_ID]);

/** A built, not yet listening, Switchboard server. */
export interface SwitchboardServer {
  readonly server: restify.Server;
  readonly adapter: BotFrameworkAdapter;
  /** The web channel: Direct Line endpoint and web chat page. */
  readonly web: WebChannel;
  readonly bot: CustomerServiceBot;
  readonly turnQueue: TurnQueue;
  readonly stateStore: StateStore;
  readonly commerce: CommerceBackend;
  /** Human handoff: the desk, its store and the agent accounts. */
  readonly handoff: { desk: HandoffDesk; store: HandoffStore; agents: AgentDirectory };
  readonly logger: Logger;
  /** Storage open and language model loaded. */
  isReady(): boolean;
  /** Listens on `port` (0 = a free one) and resolves with the base URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops accepting requests, lets in-flight turns finish, then closes storage. */
  close(): Promise<void>;
}

/**
 * Builds the whole bot (storage, language, dialogs, adapters, routes) without listening, so
 * tests can run it on an ephemeral port with their own dependencies.
 */
export function makeServer(deps: ServerDeps): SwitchboardServer {
  const { config } = deps;
  const logger = deps.logger ?? createLogger(config.logLevel);
  const stateStore = deps.stateStore ?? openStateStore(config);
  const recognizer = deps.recognizer ?? KeywordRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES);
  const i18n = deps.i18n ?? createI18n();
  const turnQueue = new TurnQueue();
  const state = new BotStateSet(stateStore.storage);

  const languageDialog = new LanguageDialog(recognizer, i18n, state.profile, SUPPORTED_LOCALES);
  const clock = deps.clock ?? systemClock;
  const commerce = deps.commerce ?? openCommerceBackend(config, { clock, logger });
  const links = new DownloadLinks(loadOrCreateSecret(config.dataDir, 'links'), config.publicUrl, clock);
  const tasks = makeCommerceDialogs({
    recognizer,
    state,
    commerce,
    clock,
    links,
    logger,
    guard: new VerificationGuard(stateStore.storage, clock),
    shopTimezone: config.commerce.shopTimezone,
    returnPolicy: {
      windowDays: config.commerce.returnWindowDays,
      nonReturnableCategories: config.commerce.nonReturnableCategories,
    },
  });
  // Human handoff: the desk reaches customers through the adapter of their own channel.
  const handoffDb = openHandoffDatabase(config.dataDir);
  const channels = new Map<string, ProactiveSender>();
  const desk: HandoffDesk = new HandoffDesk({
    store: handoffDb.store,
    teams: loadTeamsConfig(config.handoff.teamsFile),
    channels,
    runBot: (context: TurnContext): Promise<void> => bot.run(context),
    logger,
    positionUpdateMinMs: config.handoff.positionUpdateSeconds * 1000,
    announcesHandoff: (channelId) => !OWN_CHANNELS.has(channelId),
  });
  const mainDialog = new MainDialog({
    recognizer,
    state,
    languageDialog,
    tasks,
    handoffDialog: new HandoffDialog(desk, state),
    sentiment: deps.sentimentAnalyzer
      ? { analyzer: deps.sentimentAnalyzer, threshold: config.handoff.sentimentThreshold }
      : undefined,
  });
  const bot = new CustomerServiceBot(state, mainDialog);

  const middleware = {
    turnQueue,
    i18n,
    state,
    defaultLocale: config.defaultLocale,
    logger,
    handoff: new HandoffMiddleware({
      desk,
      recognizer,
      redactor: deps.redactor ?? new LocalPiiRedactor(),
      logger,
    }),
  };
  const adapter = new BotFrameworkAdapter(config.botFramework);
  useSharedMiddleware(adapter, middleware);
  const logic = (context: TurnContext): Promise<void> => bot.run(context);

  let closing = false;

  const server = restify.createServer({
    name: 'switchboard',
    handleUncaughtExceptions: false,
    log: logger.child({ component: 'restify' }) as unknown as restify.ServerOptions['log'],
  });
  server.pre(restify.plugins.pre.sanitizePath());
  server.use(restify.plugins.queryParser({ mapParams: false }));
  const web = mountWebChannel(server, { config, logic, middleware, i18n, logger, isClosing: () => closing });
  channels.set(DIRECT_LINE_CHANNEL_ID, (reference, run) => web.adapter.continueConversation(reference, run));
  channels.set('default', (reference, run) =>
    adapter.continueConversationAsync(config.botFramework.appId ?? '', reference, run),
  );
  const consoleApi = mountConsoleApi(server, {
    desk,
    agents: handoffDb.agents,
    logger,
    isClosing: () => closing,
    clientAddress: clientAddressOf(config.trustProxy),
  });
  mountConsolePage(server);
  const isReady = (): boolean =>
    !closing && stateStore.isOpen() && recognizer.ready && web.isReady() && handoffDb.store.isOpen;

  // NOTE: restify 11 requires handlers to be either `async` or to take `next`.
  server.get('/healthz', (_req: Request, res: Response, next: Next) => {
    res.send(200, { status: 'ok' });
    next();
  });

  server.get('/readyz', (_req: Request, res: Response, next: Next) => {
    const checks = {
      storage: stateStore.isOpen() && web.isReady() && handoffDb.store.isOpen,
      languageModel: recognizer.ready,
      shuttingDown: closing,
    };
    res.send(isReady() ? 200 : 503, { status: isReady() ? 'ready' : 'not ready', checks });
    next();
  });

  mountBotFrameworkRoute(server, {
    adapter,
    logic,
    logger,
    isClosing: () => closing,
  });
  mountDownloadRoutes(server, { commerce, links, i18n, clock, logger });

  // Errors restify raises itself (404, 405, 413, malformed JSON) keep its JSON shape {code, message}.
  server.on(
    'restifyError',
    (req: Request, _res: Response, err: Error & { statusCode?: number }, next: Next) => {
      if ((err.statusCode ?? 500) >= 500) logger.error({ err, path: req.path() }, 'request failed');
      next();
    },
  );

  const listen = (port: number, host?: string): Promise<string> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.removeListener('error', reject);
        const address: AddressInfo = server.address();
        const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        resolve(
          `http://${shownHost === '[::]' || shownHost === '0.0.0.0' ? 'localhost' : shownHost}:${address.port}`,
        );
      });
    });

  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    web.closeStreams();
    consoleApi.close();
    if (server.server.listening) {
      const stopped = new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      server.server.closeIdleConnections();
      await stopped;
    }
    await turnQueue.idle();
    web.close();
    handoffDb.close();
    stateStore.close();
    // An injected backend belongs to the caller.
    if (!deps.commerce) commerce.close();
  };

  const handoff = { desk, store: handoffDb.store, agents: handoffDb.agents };
  return {
    server,
    adapter,
    web,
    handoff,
    bot,
    turnQueue,
    stateStore,
    commerce,
    logger,
    isReady,
    listen,
    close,
  };
}

/**
 * Loads the configuration, builds the server and listens on `PORT`. SIGTERM and SIGINT stop
 * it gracefully.
 * @throws ConfigError when the environment is invalid.
 */
export async function start(): Promise<SwitchboardServer> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const app = makeServer({ config, logger });
  const url = await app.listen(config.port, config.host);
  logger.info({ url, storage: config.storage, dataDir: config.dataDir }, 'Switchboard is listening');

  const shutdown = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down');
    app.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  return app;
}
