import type { Config } from '../../bot/config';
import { parseServiceUrlPattern, type ServiceUrlPattern } from './serviceUrls';

/** How the Bot Framework channel (`/api/messages`) authenticates and where it may send. */
export interface BotFrameworkSettings {
  /** The bot's Microsoft App ID; unset runs without Bot Framework authentication (Emulator, tests). */
  appId: string | undefined;
  /** The app's password (secret); required with an app id unless the app type is UserAssignedMSI. */
  appPassword: string | undefined;
  /** MultiTenant, SingleTenant or UserAssignedMSI, as in the Azure Bot resource. */
  appType: Config['botFramework']['appType'];
  /** The tenant of a SingleTenant app. */
  tenantId: string | undefined;
  /**
   * Service URLs replies may go to; undefined when an app id is set (Bot Framework's token then
   * vouches for the activity's service URL).
   */
  allowedServiceUrls: ServiceUrlPattern[] | undefined;
  /** Deadline of one outgoing call, retries included. */
  timeoutMs: number;
}

/** The channel's settings from the process configuration (already validated). */
export function botFrameworkSettings(config: Config['botFramework']): BotFrameworkSettings {
  const allowed = config.serviceUrls.flatMap((text) => parseServiceUrlPattern(text) ?? []);
  return {
    appId: config.appId,
    appPassword: config.appPassword,
    appType: config.appType,
    tenantId: config.tenantId,
    allowedServiceUrls: config.appId === undefined ? allowed : undefined,
    timeoutMs: config.timeoutMs,
  };
}
