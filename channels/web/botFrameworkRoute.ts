import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import restify, { type Request, type Response } from 'restify';
import type { Config } from '../../bot/config';
import type { Logger } from '../../bot/logger';
import { botFrameworkActivityProblem } from '../activitySchema';

/** Largest request body `POST /api/messages` accepts. */
export const MAX_ACTIVITY_BYTES = 256 * 1024;

type AuthenticateRequestResult = Awaited<
  ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>
>;
type ClaimsIdentity = AuthenticateRequestResult['claimsIdentity'];
type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;
type UserTokenClient = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['createUserTokenClient']>>;

/** Clients kept per kind; an anonymous caller picks the `serviceUrl`, so the cache is bounded. */
const MAX_REUSED_CLIENTS = 100;

/** Clients by key, oldest dropped first when full; a creation that fails is not kept. */
class ClientCache<T> {
  private readonly clients = new Map<string, Promise<T>>();

  get(key: string, create: () => Promise<T>): Promise<T> {
    const cached = this.clients.get(key);
    if (cached) return cached;
    if (this.clients.size >= MAX_REUSED_CLIENTS) {
      const oldest = this.clients.keys().next();
      if (!oldest.done) this.clients.delete(oldest.value);
    }
    const created = create();
    this.clients.set(key, created);
    created.catch(() => {
      if (this.clients.get(key) === created) this.clients.delete(key);
    });
    return created;
  }
}

/** The bot's app id as botbuilder's connector factory reads it: the `aud` claim, else `appid`. */
function appIdOf(identity: ClaimsIdentity): string {
  return identity.getClaimValue('aud') ?? identity.getClaimValue('appid') ?? '';
}

/**
 * Bot Framework authentication that reuses connector and user-token clients across turns.
 *
 * NOTE: CloudAdapter builds a new ConnectorClient and UserTokenClient, each with its own HTTP
 * pipeline, for every incoming activity, even one answered inline (`expectReplies`); that was
 * the largest single cost of the Bot Framework path in the benchmark (docs/performance.md).
 * A client depends only on the app id, service URL and audience, and credentials keep their
 * tokens in botbuilder's static cache, so one client per combination serves every turn.
 */
class ReusingClientsAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly connectors = new ClientCache<ConnectorClient>();
  private readonly tokenClients = new ClientCache<UserTokenClient>();

  override async authenticateRequest(
    activity: Activity,
    authHeader: string,
  ): Promise<AuthenticateRequestResult> {
    return this.reusing(await super.authenticateRequest(activity, authHeader));
  }

  override async authenticateStreamingRequest(
    authHeader: string,
    channelIdHeader: string,
  ): Promise<AuthenticateRequestResult> {
    return this.reusing(await super.authenticateStreamingRequest(authHeader, channelIdHeader));
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusingFactory(super.createConnectorFactory(claimsIdentity), appIdOf(claimsIdentity));
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.tokenClients.get(appIdOf(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }

  private reusing(result: AuthenticateRequestResult): AuthenticateRequestResult {
    if (!result.connectorFactory) return result;
    return {
      ...result,
      connectorFactory: this.reusingFactory(result.connectorFactory, appIdOf(result.claimsIdentity)),
    };
  }

  private reusingFactory(factory: ConnectorFactory, appId: string): ConnectorFactory {
    return {
      create: (serviceUrl: string, audience?: string) =>
        this.connectors.get(`${appId}\n${serviceUrl}\n${audience ?? ''}`, () =>
          factory.create(serviceUrl, audience),
        ),
    };
  }
}

/**
 * botbuilder's CloudAdapter with the incoming-activity entry point exposed, so the route can
 * validate the body and answer errors as JSON itself (CloudAdapter.process answers them as text).
 */
export class BotFrameworkAdapter extends CloudAdapter {
  constructor(config: Config['botFramework']) {
    const options: ConfigurationBotFrameworkAuthenticationOptions = {
      MicrosoftAppId: config.appId ?? '',
      MicrosoftAppPassword: config.appPassword ?? '',
      MicrosoftAppType: config.appType,
      MicrosoftAppTenantId: config.tenantId ?? '',
    };
    super(new ReusingClientsAuthentication(options));
  }

  /**
   * Authenticates and runs one incoming activity. With `deliveryMode: "expectReplies"` the
   * bot's replies come back in the result's body instead of being posted to `serviceUrl`.
   * @throws an error with `statusCode` 401 when Bot Framework authentication fails.
   */
  processIncoming(
    authHeader: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/** The first thing that makes `body` unusable as an incoming activity, if any (activitySchema.ts). */
export function activityProblem(body: unknown): string | undefined {
  return botFrameworkActivityProblem(body);
}

export interface BotFrameworkRouteDeps {
  adapter: BotFrameworkAdapter;
  logic: (context: TurnContext) => Promise<void>;
  logger: Logger;
  /** True while the server drains for shutdown; new activities then get 503. */
  isClosing: () => boolean;
}

/**
 * Mounts `POST /api/messages`, the Bot Framework channel (Azure Bot Service, the Emulator,
 * tests and the benchmark with `expectReplies`). Every error is a JSON `{code, message}`.
 */
export function mountBotFrameworkRoute(server: restify.Server, deps: BotFrameworkRouteDeps): void {
  server.post(
    '/api/messages',
    restify.plugins.bodyParser({ maxBodySize: MAX_ACTIVITY_BYTES, mapParams: false, mapFiles: false }),
    async (req: Request, res: Response) => {
      // NOTE: restify logs a warning when an async handler returns a value, so each branch returns nothing.
      if (deps.isClosing()) {
        res.send(503, { code: 'ShuttingDown', message: 'the server is shutting down; retry shortly' });
        return;
      }
      const problem = activityProblem(req.body);
      if (problem) {
        res.send(400, { code: 'BadActivity', message: problem });
        return;
      }
      try {
        const invokeResponse = await deps.adapter.processIncoming(
          req.header('authorization') ?? '',
          req.body as Activity,
          deps.logic,
        );
        // A turn that ends during shutdown closes its connection, so the server can stop at once.
        if (deps.isClosing()) res.header('Connection', 'close');
        const status = invokeResponse?.status ?? 200;
        if (invokeResponse?.body === undefined) res.send(status);
        else res.send(status, invokeResponse.body);
      } catch (error) {
        const statusCode = (error as { statusCode?: number }).statusCode;
        if (statusCode === 401 || statusCode === 403) {
          res.send(statusCode, { code: 'Unauthorized', message: 'Bot Framework authentication failed' });
          return;
        }
        deps.logger.error({ err: error }, 'POST /api/messages failed');
        res.send(500, { code: 'InternalError', message: 'the activity could not be processed' });
      }
    },
  );
}
