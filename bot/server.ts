import type { AddressInfo } from 'node:net';
import type { i18n } from 'i18next';
import restify, { type Next, type Request, type Response } from 'restify';
import type { TurnContext } from 'botbuilder';
import { CHANNELS, type Channel, type ChannelDeps, type ChannelFactory } from '../channels';
import { FaqDialog } from '../dialogs/faqDialog';
import { HandoffDialog } from '../dialogs/handoffDialog';
import { openHandoffDatabase, type AgentDirectory, type HandoffStore } from '../handoff';
import { mountConsoleApi } from '../handoff/consoleApi';
import { mountConsolePage } from '../handoff/consolePage';
import { mountInsightsRoute } from '../handoff/insightsRoutes';
import { openInsights, type Insights } from './insights';
import { HandoffDesk } from '../handoff/handoffDesk';
import { relayDeskEvents } from '../handoff/deskFanOut';
import { HandoffMiddleware } from '../handoff/handoffMiddleware';
import { loadTeamsConfig } from '../handoff/teams';
import type { PiiRedactor } from './language/pii';
import type { SentimentAnalyzer } from './language/sentiment';
import { KnownPiiMemory } from './language/knownPiiMemory';
import { makeLanguageServices, type LanguageServices } from './language/languageServices';
import { SentimentTracker } from './language/sentimentTracker';
import { CaseSummaries } from '../handoff/caseSummaries';
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
import { LocalLanguageDetector, type LanguageDetector } from './language/languageDetection';
import type { Recognizer } from './language/recognizer';
import { TrainedRecognizer } from './language/trainedRecognizer';
import { createLogger, type Logger } from './logger';
import { makePrivateTree } from './privateFiles';
import { fileSecrets, type SecretSource } from './secrets';
import { conversationKeyOf, useSharedMiddleware } from './middleware';
import { BotStateSet } from './state';
import { openStateStore, type StateStore } from './storage';
import { TurnQueue } from './turnQueue';
import { TurnAdmission } from './turnAdmission';
import { openCoordination } from './coordination';
import { openSharedDeps } from './sharedDeps';
import { openContent, type ContentParts } from './content';
import { trainRecognizer } from './content/training';
import { mountContentRoutes } from '../handoff/contentRoutes';
import type { SharedDatabase } from './database';
import type { WebChannel } from '../channels/web';
import { mountCustomerRoutes } from '../handoff/customerRoutes';
import { customerPrivacy, startRetentionSweeper } from './privacy';
import {
  MeteredStorage,
  SwitchboardMetrics,
  listenForMetrics,
  mountMetricsRoute,
  registerHandoffGauges,
  type MetricsListener,
} from './metrics';

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
  /** The bot's generated secrets; `DATA_DIR/secrets.json` by default. */
  secrets?: SecretSource;
  /** The database instances share (`STORAGE=postgres`), for the channels' stores. */
  database?: SharedDatabase;
  /** Scores negative sentiment to offer a person; the language services' (Azure or local) by default. */
  sentimentAnalyzer?: SentimentAnalyzer;
  /** Redacts personal data in transcripts and tickets; the language services' (Azure and local) by default. */
  redactor?: PiiRedactor;
  /** Sentiment, PII, language detection and summaries: Azure AI Language as configured, local otherwise. */
  language?: LanguageServices;
  /** Detects the customer's language on their first messages; none (the channel's locale) by default. */
  languageDetector?: LanguageDetector;
  /** The channels to build; every channel Switchboard has by default (each enabled by config). */
  channels?: readonly ChannelFactory[];
}

/** A built, not yet listening, Switchboard server. */
export interface SwitchboardServer {
  readonly server: restify.Server;
  /** The enabled channels, in the order they are asked whether they serve a channel id. */
  readonly channels: readonly Channel[];
  readonly bot: CustomerServiceBot;
  readonly turnQueue: TurnQueue;
  readonly stateStore: StateStore;
  readonly commerce: CommerceBackend;
  /** Human handoff: the desk, its store and the agent accounts. */
  readonly handoff: { desk: HandoffDesk; store: HandoffStore; agents: AgentDirectory };
  /** Conversation events and the figures made of them. */
  readonly insights: Insights;
  readonly logger: Logger;
  /** The content studio's backend: the live content, its history and the unrecognized inbox. */
  readonly content: ContentParts;
  /** Storage open and language model loaded. */
  isReady(): boolean;
  /** Listens on `port` (0 = a free one), starts the channels, and resolves with the base URL. */
  listen(port: number, host?: string): Promise<string>;
  /** Stops accepting requests, lets in-flight turns finish, then closes storage. */
  close(): Promise<void>;
  /** Where the `METRICS_PORT` listener answers, once listening. */
  metricsUrl(): string | undefined;
}

/** How long shutdown waits for open HTTP connections before closing them. */
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Builds the whole bot (storage, language, dialogs, adapters, routes) without listening, so
 * tests can run it on an ephemeral port with their own dependencies.
 */
export function makeServer(deps: ServerDeps): SwitchboardServer {
  const { config } = deps;
  const logger = deps.logger ?? createLogger(config.logLevel);
  // Before anything opens a file: files an earlier run or an operator left with loose modes
  // (a copied backup, another umask) become private too.
  makePrivateTree(config.dataDir);
  const stateStore = deps.stateStore ?? openStateStore(config);
  const i18n = deps.i18n ?? createI18n();
  const clock = deps.clock ?? systemClock;
  const turnQueue = new TurnQueue();
  // Several instances on one store: turns take the conversation's lock in Redis, and state is
  // written with the eTag it was read with, so a turn that lost its lock cannot overwrite.
  const coordination =
    config.redisUrl === undefined
      ? undefined
      : openCoordination(config.redisUrl, logger, { lockLeaseMs: config.turnLockLeaseMs });
  const language =
    deps.language ?? makeLanguageServices({ config, logger, localDetector: deps.languageDetector });
  const redactor = deps.redactor ?? language.redactor;
  const sentiment = deps.sentimentAnalyzer
    ? new SentimentTracker(deps.sentimentAnalyzer)
    : language.sentiment;
  const languageDetector = language.languageDetector ?? deps.languageDetector;
  // What the bot says and understands: the shipped locale files with the leads' edits, live.
  const content = openContent({
    config,
    locales: SUPPORTED_LOCALES,
    ...(deps.database ? { database: deps.database } : {}),
    i18n,
    shippedRecognizer: deps.recognizer ?? TrainedRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES),
    train: trainRecognizer,
    ...(coordination ? { fanOut: coordination.fanOut('content') } : {}),
    redactor,
    logger,
    now: () => clock.now().getTime(),
  });
  const recognizer = content.live.recognizer;
  // Metrics exist only when someone may scrape them (METRICS_TOKEN or METRICS_PORT).
  const metrics =
    config.metrics.token !== undefined || config.metrics.port !== undefined
      ? new SwitchboardMetrics()
      : undefined;
  const state = new BotStateSet(
    metrics ? new MeteredStorage(stateStore.storage, metrics) : stateStore.storage,
    {
      checkedConversationWrites: coordination !== undefined,
    },
  );

  const languageDialog = new LanguageDialog(recognizer, i18n, state.profile, SUPPORTED_LOCALES);
  const commerce =
    deps.commerce ??
    openCommerceBackend(config, { clock, logger, ...(deps.database ? { database: deps.database } : {}) });
  const secrets = deps.secrets ?? fileSecrets(config.dataDir);
  const links = new DownloadLinks(secrets('links'), config.publicUrl, clock);
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
  // Human handoff: the desk reaches customers through the adapter of their own channel. With a
  // shared database (STORAGE=postgres) the cases and the agents' accounts and sessions live
  // there, so every instance sees one queue and a console session is valid on every instance.
  const handoffDb = openHandoffDatabase(config.dataDir, secrets, deps.database);
  const knownPii = new KnownPiiMemory();
  let channels: Channel[] = [];
  /** The channel that reaches conversations of `channelId`: the first that serves it. */
  const channelFor = (channelId: string): Channel | undefined =>
    channels.find((channel) => channel.serves(channelId));
  const desk: HandoffDesk = new HandoffDesk({
    store: handoffDb.store,
    teams: loadTeamsConfig(config.handoff.teamsFile),
    channels: {
      get: (channelId) => {
        const channel = channelFor(channelId);
        return channel && ((reference, run) => channel.continueConversation(reference, run));
      },
    },
    runBot: (context: TurnContext): Promise<void> => bot.run(context),
    logger,
    redactor,
    positionUpdateMinMs: config.handoff.positionUpdateSeconds * 1000,
    announcesHandoff: (channelId) => channelFor(channelId)?.announcesHandoff ?? false,
    recentSentiment: (key) => sentiment.recent(key),
    summaries: new CaseSummaries({
      ...(language.summarizer ? { summarizer: language.summarizer } : {}),
      trend: (key) => sentiment.trend(key),
      localSentiment: language.localSentiment,
      logger,
    }),
  });
  // Agents on every instance hear of what happens to cases on any of them.
  if (coordination) {
    relayDeskEvents(desk, coordination.fanOut('desk'), {
      flush: () => handoffDb.store.flushWrites(),
      onBadMessage: () =>
        logger.warn('a desk event from another instance was not understood (another version?)'),
    });
  }
  const mainDialog = new MainDialog({
    recognizer,
    state,
    languageDialog,
    tasks,
    handoffDialog: new HandoffDialog(desk, state),
    faqDialog: new FaqDialog({ faq: content.live.faq, state }),
    notUnderstood: ({ text, locale }) => content.recordUnrecognized(text, locale),
    sentiment: { analyzer: sentiment, threshold: config.handoff.sentimentThreshold },
    confidence: { route: config.recognizer.routeThreshold, suggest: config.recognizer.suggestThreshold },
  });
  const bot = new CustomerServiceBot(state, mainDialog);
  // Insights: the dialogs' telemetry, the desk's case events and a middleware record events.
  const insights = openInsights({
    config,
    logger,
    state,
    teams: desk.teams,
    ...(deps.database ? { database: deps.database } : {}),
  });
  insights.instrument(mainDialog, tasks);
  insights.watchDesk(desk);

  const middleware = {
    turnQueue,
    admission: new TurnAdmission(),
    ...(coordination ? { conversationLocks: coordination.locks } : {}),
    ...(metrics ? { metrics } : {}),
    i18n,
    state,
    defaultLocale: config.defaultLocale,
    ...(languageDetector ? { languageDetector } : {}),
    logger,
    sentiment,
    knownPii,
    insights: insights.middleware,
    handoff: new HandoffMiddleware({
      desk,
      recognizer,
      redactor,
      logger,
      knownPii,
    }),
  };
  const logic = (context: TurnContext): Promise<void> => bot.run(context);

  let closing = false;
  const channelDeps: ChannelDeps = {
    config,
    logic,
    i18n,
    logger,
    stateStore,
    secrets,
    ...(deps.database ? { database: deps.database } : {}),
    ...(coordination
      ? { fanOut: (topic: string) => coordination.fanOut(topic), claimOnce: coordination.claimOnce }
      : {}),
    isClosing: () => closing,
    conversationGone: async (gone) => {
      const ended = await desk.customerUnreachable(
        conversationKeyOf(gone.channelId, gone.conversationId),
        gone.reason,
      );
      logger.info(
        { channelId: gone.channelId, reason: gone.reason, caseEnded: ended },
        'customer unreachable',
      );
    },
    channelFor,
  };
  channels = (deps.channels ?? CHANNELS).flatMap((create) => create(channelDeps) ?? []);
  // NOTE: the one place the shared turn path goes on an adapter, so no channel can skip
  // serialization, locale resolution or the handoff interceptor.
  for (const channel of channels) {
    useSharedMiddleware(channel.adapter, { ...middleware, redelivers: channel.redelivers === true });
  }

  const server = restify.createServer({
    name: 'switchboard',
    handleUncaughtExceptions: false,
    log: logger.child({ component: 'restify' }) as unknown as restify.ServerOptions['log'],
  });
  server.pre(restify.plugins.pre.sanitizePath());
  server.use(restify.plugins.queryParser({ mapParams: false }));
  for (const channel of channels) channel.mount(server);
  const consoleApi = mountConsoleApi(server, {
    desk,
    agents: handoffDb.agents,
    logger,
    isClosing: () => closing,
    clientAddress: clientAddressOf(config.trustProxy),
    ...(coordination ? { sessionsFanOut: coordination.fanOut('console-sessions') } : {}),
    deliveryReports: (channelId, conversationId) =>
      channelFor(channelId)?.deliveryReports?.(conversationId) ?? Promise.resolve(undefined),
    channels: () =>
      channels.map((channel) => ({
        name: channel.name,
        ready: channel.isReady(),
        checks: channel.checks?.() ?? {},
        ...(channel.linkCode?.() ? { linkCode: channel.linkCode() } : {}),
      })),
  });
  mountContentRoutes(server, {
    agents: handoffDb.agents,
    content,
    detector: languageDetector ?? { detect: () => undefined },
    defaultLocale: config.defaultLocale,
  });
  mountConsolePage(server);
  // Privacy: admins export or erase one customer's data in every store; expired data is swept hourly.
  const customerData = {
    state: stateStore.storage,
    directLine: () => (channels.find((channel) => channel.name === 'web') as WebChannel | undefined)?.store,
    handoff: handoffDb.store,
    unrecognized: content.inbox,
    forget: (conversationKey: string) => {
      knownPii.forget(conversationKey);
      // The figures stay; nothing links the erased conversation's events to it any more.
      insights.recorder.unlinkConversation(conversationKey).catch((error: unknown) => {
        logger.warn({ err: error }, 'privacy: insights events not unlinked');
      });
    },
  };
  mountCustomerRoutes(server, { privacy: customerPrivacy(customerData), agents: handoffDb.agents });
  const retention = startRetentionSweeper(customerData, config.retention, logger);
  mountInsightsRoute(server, { agents: handoffDb.agents, figures: insights.figures, now: Date.now });
  if (metrics) {
    registerHandoffGauges(metrics, {
      teams: () => desk.teams.teams.map((team) => team.id),
      queued: () => handoffDb.store.queued(),
      agentsOnline: () => consoleApi.agentsOnline(),
      now: () => clock.now().getTime(),
    });
    metrics.gauge(
      'switchboard_azure_language_breaker_state',
      "Azure AI Language's circuit breaker: 1 for its current state (closed, open, half-open); nothing without Azure.",
      ['state'],
      () => {
        const status = language.status();
        if (!status.configured) return [];
        return (['closed', 'open', 'halfOpen'] as const).map((state) => [
          { state },
          status.breaker.state === state ? 1 : 0,
        ]);
      },
    );
  }
  mountMetricsRoute(server, metrics, config.metrics);
  const storageOpen = (): boolean =>
    stateStore.isOpen() &&
    (coordination?.isReady() ?? true) &&
    handoffDb.store.isOpen &&
    channels.every((channel) => channel.isReady());
  const isReady = (): boolean => !closing && recognizer.ready && storageOpen();

  // NOTE: restify 11 requires handlers to be either `async` or to take `next`.
  server.get('/healthz', (_req: Request, res: Response, next: Next) => {
    res.send(200, { status: 'ok' });
    next();
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    // A database server is asked again on every probe, so an instance that lost it reports not
    // ready and recovers when it returns, without a restart.
    if (!closing) await stateStore.check?.();
    const checks = {
      storage: storageOpen(),
      ...(coordination ? { redis: coordination.isReady() } : {}),
      languageModel: recognizer.ready,
      shuttingDown: closing,
      // Shown, never decisive: without Azure every feature answers locally.
      azureLanguage: language.status(),
      ...channels.reduce<Record<string, unknown>>((all, channel) => ({ ...all, ...channel.checks?.() }), {}),
    };
    res.send(isReady() ? 200 : 503, { status: isReady() ? 'ready' : 'not ready', checks });
  });

  mountDownloadRoutes(server, { commerce, links, i18n, clock, logger, shop: config.shop });

  // Errors restify raises itself (404, 405, 413, malformed JSON) keep its JSON shape {code, message}.
  server.on(
    'restifyError',
    (req: Request, _res: Response, err: Error & { statusCode?: number }, next: Next) => {
      if ((err.statusCode ?? 500) >= 500) logger.error({ err, path: req.path() }, 'request failed');
      next();
    },
  );

  const listenOnly = (port: number, host?: string): Promise<string> =>
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
  let metricsListener: MetricsListener | undefined;
  const listen = async (port: number, host?: string): Promise<string> => {
    // A handoff schema that cannot be migrated stops the start here, with the migration's error.
    await handoffDb.ready;
    await content.live.start();
    const url = await listenOnly(port, host);
    try {
      if (metrics && config.metrics.port !== undefined) {
        metricsListener = await listenForMetrics(metrics, config.metrics.port, config.metrics.host, logger);
      }
      for (const channel of channels) await channel.start();
    } catch (error) {
      await close();
      throw error;
    }
    return url;
  };

  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    for (const channel of channels) await channel.stopAccepting();
    consoleApi.close();
    if (server.server.listening) {
      const stopped = new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      server.server.closeIdleConnections();
      // In-flight requests get a grace period; a client that holds its connection open past it
      // (a browser tab's keep-alive, a request that never ends) does not hold the shutdown.
      const cut = setTimeout(() => server.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      cut.unref();
      await stopped;
      clearTimeout(cut);
    }
    await turnQueue.idle();
    await retention.close();
    for (const channel of channels) await channel.close();
    await insights.close();
    await handoffDb.close();
    await content.close();
    await stateStore.close();
    await coordination?.close();
    await metricsListener?.close();
    // An injected backend belongs to the caller.
    if (!deps.commerce) await commerce.close();
  }

  const handoff = { desk, store: handoffDb.store, agents: handoffDb.agents };
  return {
    server,
    channels,
    handoff,
    insights,
    bot,
    turnQueue,
    stateStore,
    commerce,
    logger,
    content,
    isReady,
    listen,
    close,
    metricsUrl: () => metricsListener?.url,
  };
}

/**
 * Loads the configuration, builds the server and listens on `PORT`. SIGTERM and SIGINT stop
 * it gracefully. `overrides` replace default parts (the benchmark runs the old recognizer so).
 * @throws ConfigError when the environment is invalid.
 */
export async function start(
  overrides: Pick<Partial<ServerDeps>, 'recognizer'> = {},
): Promise<SwitchboardServer> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const languageDetector = await LocalLanguageDetector.load(SUPPORTED_LOCALES, config.defaultLocale);
  const shared = await openSharedDeps(config);
  const app = makeServer({ config, logger, languageDetector, ...shared, ...overrides });
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
