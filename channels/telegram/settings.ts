import { SUPPORTED_LOCALES, type Config, type SupportedLocale } from '../../bot/config';

/** The channel id of Telegram activities (as Bot Framework's own Telegram channel names it). */
export const TELEGRAM_CHANNEL_ID = 'telegram';
/** The route Telegram posts updates to in webhook mode. */
export const TELEGRAM_WEBHOOK_PATH = '/api/telegram';

/** How the Telegram channel runs; built from {@link Config} by {@link telegramSettings}. */
export interface TelegramSettings {
  /** Token BotFather gave the bot. */
  botToken: string;
  /** Bot API server: every call goes to `<apiRoot>/bot<token>/<method>`. */
  apiRoot: string;
  /** Webhook mode (URL and secret) when set; long polling otherwise. */
  webhook: { url: string; secret: string } | undefined;
  /** Whether group chats are served; private chats always are. */
  allowGroups: boolean;
  /** Locales the bot speaks: commands are registered with `setMyCommands` in each. */
  locales: readonly string[];
  /** Locale of texts the channel writes itself when the customer's language is not known. */
  defaultLocale: SupportedLocale;
  /** Seconds one `getUpdates` long poll waits for updates before returning empty. */
  pollTimeoutSeconds: number;
  /** How long an `update_id` is remembered, so a redelivered update is not processed twice. */
  seenUpdateTtlMs: number;
  /** Times a call refused with 429 is retried after the `retry_after` Telegram asks for. */
  maxRateLimitRetries: number;
  /** A 429 asking to wait longer than this is not waited for: the call fails instead. */
  maxRetryAfterSeconds: number;
  /** Largest document the bot uploads (Telegram's limit for bots is 50 MB). */
  maxDocumentBytes: number;
  /** Time limit for fetching a document's bytes before uploading it. */
  documentFetchTimeoutMs: number;
}

/** The settings of the Telegram channel, or undefined when `TELEGRAM_BOT_TOKEN` is not set. */
export function telegramSettings(config: Config): TelegramSettings | undefined {
  const { telegram } = config;
  if (telegram.botToken === undefined) return undefined;
  return {
    botToken: telegram.botToken,
    apiRoot: telegram.apiRoot,
    // parseConfig guarantees the secret whenever a webhook URL is set.
    webhook:
      telegram.webhookUrl !== undefined && telegram.webhookSecret !== undefined
        ? { url: telegram.webhookUrl, secret: telegram.webhookSecret }
        : undefined,
    allowGroups: telegram.allowGroups,
    locales: SUPPORTED_LOCALES,
    defaultLocale: config.defaultLocale,
    pollTimeoutSeconds: 30,
    seenUpdateTtlMs: 24 * 60 * 60 * 1000,
    maxRateLimitRetries: 3,
    maxRetryAfterSeconds: 60,
    maxDocumentBytes: 50 * 1024 * 1024,
    documentFetchTimeoutMs: 15_000,
  };
}
