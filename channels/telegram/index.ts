import type { Channel, ChannelDeps, ChannelFactory } from '../channel';
import { TelegramAdapter } from './adapter';
import { BotApi } from './botApi';
import { CallbackData } from './callbackData';
import { registerCommands } from './commands';
import { UpdatePolling } from './polling';
import { SeenUpdates } from './seenUpdates';
import { TELEGRAM_CHANNEL_ID, telegramSettings, type TelegramSettings } from './settings';
import { ALLOWED_UPDATES } from './update';
import { mountTelegramWebhook } from './webhook';

export { TelegramAdapter } from './adapter';
export {
  TELEGRAM_CHANNEL_ID,
  TELEGRAM_WEBHOOK_PATH,
  telegramSettings,
  type TelegramSettings,
} from './settings';

/** What tests may replace when building the channel. */
export interface TelegramChannelOptions {
  /** Waits between tries after a 429 (tests record instead of waiting). */
  wait?: (ms: number) => Promise<void>;
}

/** The Telegram channel when `TELEGRAM_BOT_TOKEN` is set, else undefined. */
export const telegramChannel: ChannelFactory = (deps) => makeTelegramChannel(deps);

/** {@link telegramChannel} with options for tests. */
export function makeTelegramChannel(
  deps: ChannelDeps,
  options: TelegramChannelOptions = {},
): Channel | undefined {
  const settings = telegramSettings(deps.config);
  if (!settings) return undefined;
  const logger = deps.logger.child({ component: 'telegram' });
  const api = new BotApi({
    token: settings.botToken,
    apiRoot: settings.apiRoot,
    maxRateLimitRetries: settings.maxRateLimitRetries,
    maxRetryAfterSeconds: settings.maxRetryAfterSeconds,
    logger,
    wait: options.wait,
  });
  const { storage } = deps.stateStore;
  const adapter = new TelegramAdapter({
    api,
    seenUpdates: (bot) =>
      new SeenUpdates(storage, {
        ttlMs: settings.seenUpdateTtlMs,
        botId: bot.id,
        ...(deps.claimOnce ? { claimOnce: deps.claimOnce } : {}),
      }),
    callbackData: new CallbackData(storage),
    i18n: deps.i18n,
    defaultLocale: settings.defaultLocale,
    allowGroups: settings.allowGroups,
    apiRoot: settings.apiRoot,
    logger,
    conversationGone: deps.conversationGone,
    documents: { maxBytes: settings.maxDocumentBytes, timeoutMs: settings.documentFetchTimeoutMs },
  });
  let polling: UpdatePolling | undefined;
  let started = false;

  return {
    name: 'telegram',
    adapter,
    announcesHandoff: false,
    serves: (channelId) => channelId === TELEGRAM_CHANNEL_ID,
    mount(server) {
      if (settings.webhook) {
        mountTelegramWebhook(server, {
          adapter,
          logic: deps.logic,
          secret: settings.webhook.secret,
          logger,
          isClosing: deps.isClosing,
        });
      }
    },
    async start() {
      await connect(adapter, api, settings, deps);
      if (!settings.webhook) {
        polling = new UpdatePolling({
          api,
          adapter,
          logic: deps.logic,
          logger,
          timeoutSeconds: settings.pollTimeoutSeconds,
        });
        polling.start();
      }
      started = true;
      logger.info(
        { bot: adapter.bot?.username, mode: settings.webhook ? 'webhook' : 'polling' },
        'Telegram channel started',
      );
    },
    continueConversation: (reference, logic) => adapter.continueConversation(reference, logic),
    isReady: () => started && (polling?.healthy ?? true) && deps.stateStore.isOpen(),
    async stopAccepting() {
      await polling?.stop();
    },
    close: () => adapter.idle(),
  };
}

/**
 * Identifies the bot, registers its commands and sets (webhook) or removes (polling) the webhook.
 * @throws naming the variables to check.
 */
async function connect(
  adapter: TelegramAdapter,
  api: BotApi,
  settings: TelegramSettings,
  deps: ChannelDeps,
): Promise<void> {
  const step = async (what: string, variables: string, run: () => Promise<unknown>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      throw new Error(`Telegram channel: ${what} failed (check ${variables}): ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  await step('getMe', 'TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT', () => adapter.identify());
  await step('setMyCommands', 'TELEGRAM_BOT_TOKEN', () =>
    registerCommands(api, deps.i18n, settings.locales, settings.defaultLocale),
  );
  const { webhook } = settings;
  if (webhook) {
    await step('setWebhook', 'TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET', () =>
      api.call('setWebhook', {
        url: webhook.url,
        secret_token: webhook.secret,
        allowed_updates: [...ALLOWED_UPDATES],
      }),
    );
  } else {
    // Telegram refuses getUpdates while a webhook is set (a previous webhook deployment).
    await step('deleteWebhook', 'TELEGRAM_BOT_TOKEN', () =>
      api.call('deleteWebhook', { drop_pending_updates: false }),
    );
  }
}
