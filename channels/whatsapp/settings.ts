import type { Config, SupportedLocale, WhatsAppConfig } from '../../bot/config';

/** The channel id of WhatsApp activities, in either mode (the console shows it as WhatsApp). */
export const WHATSAPP_CHANNEL_ID = 'whatsapp';
/** The route Meta verifies (GET) and posts webhook notifications to (POST). */
export const WHATSAPP_WEBHOOK_PATH = '/api/whatsapp';
/** Meta's customer-service window: free-form messages only this long after the customer last wrote. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** How the Cloud API channel runs; built from {@link Config} by {@link cloudSettings}. */
export interface CloudSettings {
  token: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  /** `<apiRoot>/<apiVersion>` prefixes every Graph API path. */
  apiRoot: string;
  apiVersion: string;
  templates: WhatsAppConfig['cloud']['templates'];
  defaultLocale: SupportedLocale;
  /** How long a message id is remembered, so a redelivered notification is processed once. */
  seenIdTtlMs: number;
  /** Tries after a 429 or 5xx before the call fails. */
  maxRetries: number;
  /** First wait before a retry; doubled each time. */
  retryBaseMs: number;
  /** Time limit of one Graph API request. */
  requestTimeoutMs: number;
  /** Largest document uploaded (Meta's limit for documents is 100 MB). */
  maxDocumentBytes: number;
  documentFetchTimeoutMs: number;
}

/** How the whatsapp-web.js channel runs; built from {@link Config} by {@link webSettings}. */
export interface WebSettings {
  /** The Chromium to drive; `undefined` means Debian's `/usr/bin/chromium`. */
  browserPath: string | undefined;
  /** LocalAuth keeps the session here (under DATA_DIR), so a restart needs no new QR scan. */
  sessionDir: string;
  allowGroups: boolean;
  chatMessagesPerMinute: number;
  messagesPerMinute: number;
  defaultLocale: SupportedLocale;
  seenIdTtlMs: number;
  /** First wait before reconnecting after a disconnect; doubled up to {@link maxReconnectMs}. */
  reconnectBaseMs: number;
  maxReconnectMs: number;
  maxDocumentBytes: number;
  documentFetchTimeoutMs: number;
}

/** The Cloud API settings, or undefined unless `WHATSAPP_MODE=cloud`. */
export function cloudSettings(config: Config): CloudSettings | undefined {
  const { mode, cloud } = config.whatsapp;
  if (mode !== 'cloud') return undefined;
  const { token, phoneNumberId, appSecret, verifyToken } = cloud;
  // parseConfig refuses `cloud` without these; this keeps the types honest.
  if (!token || !phoneNumberId || !appSecret || !verifyToken) {
    throw new Error(
      'cloudSettings(): WHATSAPP_CLOUD_* variables missing; parseConfig should have refused them',
    );
  }
  return {
    token,
    phoneNumberId,
    appSecret,
    verifyToken,
    apiRoot: cloud.apiRoot,
    apiVersion: cloud.apiVersion,
    templates: cloud.templates,
    defaultLocale: config.defaultLocale,
    seenIdTtlMs: 7 * 24 * 60 * 60 * 1000,
    maxRetries: 4,
    retryBaseMs: 500,
    requestTimeoutMs: 15_000,
    maxDocumentBytes: 100 * 1024 * 1024,
    documentFetchTimeoutMs: 15_000,
  };
}

/** The whatsapp-web.js settings, or undefined unless `WHATSAPP_MODE=web`. */
export function webSettings(config: Config, sessionDir: string): WebSettings | undefined {
  const { mode, web } = config.whatsapp;
  if (mode !== 'web') return undefined;
  return {
    browserPath: web.browserPath,
    sessionDir,
    allowGroups: web.allowGroups,
    chatMessagesPerMinute: web.chatMessagesPerMinute,
    messagesPerMinute: web.messagesPerMinute,
    defaultLocale: config.defaultLocale,
    seenIdTtlMs: 7 * 24 * 60 * 60 * 1000,
    reconnectBaseMs: 2_000,
    maxReconnectMs: 5 * 60 * 1000,
    // WhatsApp's limit for documents.
    maxDocumentBytes: 100 * 1024 * 1024,
    documentFetchTimeoutMs: 15_000,
  };
}
