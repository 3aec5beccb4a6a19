import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type ConversationReference,
  type InvokeResponse,
  type ResourceResponse,
  type TurnContext,
} from 'botbuilder';
import { DeliveryFailedError } from '../../bot/deliveryFailure';
import { toConnector } from './mapper';
import { guardConnectorClient, type OutgoingCallRules } from './outgoingCalls';
import { isServiceUrlAllowed } from './serviceUrls';
import type { BotFrameworkSettings } from './settings';

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

/** Where a service URL points, for error messages (never its path or query). */
function serviceUrlOrigin(serviceUrl: string | undefined): string {
  try {
    return new URL(serviceUrl ?? '').origin;
  } catch {
    return 'an invalid service URL';
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

  constructor(
    options: ConfigurationBotFrameworkAuthenticationOptions,
    private readonly rules: OutgoingCallRules,
  ) {
    super(options);
  }

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
        this.connectors.get(`${appId}\n${serviceUrl}\n${audience ?? ''}`, async () =>
          guardConnectorClient(await factory.create(serviceUrl, audience), this.rules),
        ),
    };
  }
}

/**
 * botbuilder's CloudAdapter with the incoming-activity entry point exposed, so the route can
 * validate the body and answer errors as JSON itself (CloudAdapter.process answers them as text).
 * Every outgoing call passes the service URL allow-list and a deadline (see outgoingCalls.ts).
 */
export class BotFrameworkAdapter extends CloudAdapter {
  constructor(readonly settings: BotFrameworkSettings) {
    const options: ConfigurationBotFrameworkAuthenticationOptions = {
      MicrosoftAppId: settings.appId ?? '',
      MicrosoftAppPassword: settings.appPassword ?? '',
      MicrosoftAppType: settings.appType,
      MicrosoftAppTenantId: settings.tenantId ?? '',
    };
    super(
      new ReusingClientsAuthentication(options, {
        allowed: settings.allowedServiceUrls,
        timeoutMs: settings.timeoutMs,
      }),
    );
  }

  /**
   * Sends schema fields only: Switchboard's internal channel data stays in the process.
   * @throws DeliveryFailedError when the connector could not be reached or refused the reply.
   */
  override async sendActivities(
    context: TurnContext,
    activities: Partial<Activity>[],
  ): Promise<ResourceResponse[]> {
    try {
      return await super.sendActivities(context, activities.map(toConnector));
    } catch (error) {
      throw new DeliveryFailedError(
        context.activity.channelId,
        `BotFrameworkAdapter.sendActivities(): the reply did not reach ${serviceUrlOrigin(context.activity.serviceUrl)}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** Whether replies to `serviceUrl` may be posted (always with an app id: its token vouches). */
  mayCall(serviceUrl: string): boolean {
    const allowed = this.settings.allowedServiceUrls;
    return allowed === undefined || isServiceUrlAllowed(serviceUrl, allowed);
  }

  /** Runs `logic` in an existing conversation (agent replies, queue updates) as the bot's app id. */
  override continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    return this.continueConversationAsync(this.settings.appId ?? '', reference, logic);
  }

  /**
   * Authenticates and runs one incoming activity. With `deliveryMode: "expectReplies"` the
   * bot's replies come back in the result's body instead of being posted to `serviceUrl`.
   * @throws an error with `statusCode` 401 when Bot Framework authentication fails.
   */
  async processIncoming(
    authHeader: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    // NOTE: without an app id authentication is off, but botbuilder still validates any token
    // it is given, which fetches Bot Framework's public signing keys: a header is ignored then.
    const response = await this.processActivity(
      this.settings.appId === undefined ? '' : authHeader,
      activity,
      logic,
    );
    // NOTE: expectReplies replies are buffered by TurnContext, not sent through sendActivities,
    // so they get the same outgoing mapping here.
    const replies = (response?.body as { activities?: unknown } | undefined)?.activities;
    if (response && Array.isArray(replies)) {
      return { ...response, body: { activities: (replies as Partial<Activity>[]).map(toConnector) } };
    }
    return response;
  }
}
