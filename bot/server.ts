import type { AddressInfo } from 'node:net';
import type { i18n } from 'i18next';
import restify, { type Next, type Request, type Response } from 'restify';
import { BotFrameworkAdapter, mountBotFrameworkRoute } from '../channels/web/botFrameworkRoute';
import { LanguageDialog } from '../dialogs/languageDialog';
import { MainDialog } from '../dialogs/mainDialog';
import { SUPPORTED_LOCALES, loadConfig, type Config } from './config';
import { CustomerServiceBot } from './customerServiceBot';
import { createI18n, localesDir } from './i18n';
import { KeywordRecognizer, type Recognizer } from './language/recognizer';
import { createLogger, type Logger } from './logger';
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
}

/** A built, not yet listening, Switchboard server. */
export interface SwitchboardServer {
  readonly server: restify.Server;
  readonly adapter: BotFrameworkAdapter;
  readonly bot: CustomerServiceBot;
  readonly turnQueue: TurnQueue;
  readonly stateStore: StateStore;
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
  const mainDialog = new MainDialog({ recognizer, state, languageDialog });
  const bot = new CustomerServiceBot(state, mainDialog);

  const adapter = new BotFrameworkAdapter(config.botFramework);
  useSharedMiddleware(adapter, { turnQueue, i18n, state, defaultLocale: config.defaultLocale, logger });

  let closing = false;
  const isReady = (): boolean => !closing && stateStore.isOpen() && recognizer.ready;

  const server = restify.createServer({
    name: 'switchboard',
    handleUncaughtExceptions: false,
    log: logger.child({ component: 'restify' }) as unknown as restify.ServerOptions['log'],
  });
  server.pre(restify.plugins.pre.sanitizePath());

  // NOTE: restify 11 requires handlers to be either `async` or to take `next`.
  server.get('/healthz', (_req: Request, res: Response, next: Next) => {
    res.send(200, { status: 'ok' });
    next();
  });

  server.get('/readyz', (_req: Request, res: Response, next: Next) => {
    const checks = { storage: stateStore.isOpen(), languageModel: recognizer.ready, shuttingDown: closing };
    res.send(isReady() ? 200 : 503, { status: isReady() ? 'ready' : 'not ready', checks });
    next();
  });

  mountBotFrameworkRoute(server, {
    adapter,
    logic: (context) => bot.run(context),
    logger,
    isClosing: () => closing,
  });

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
    if (server.server.listening) {
      const stopped = new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      server.server.closeIdleConnections();
      await stopped;
    }
    await turnQueue.idle();
    stateStore.close();
  };

  return { server, adapter, bot, turnQueue, stateStore, logger, isReady, listen, close };
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
