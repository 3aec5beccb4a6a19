import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { projectRoot } from './paths';
import { IANAZone } from 'luxon';
import { DEFAULT_SERVICE_URL_PATTERNS, parseServiceUrlPattern } from '../channels/botframework/serviceUrls';
import { isProxyEntry, PROXY_RANGE_NAMES } from './clientAddress';
import { PROACTIVE_PURPOSES, type ProactivePurpose } from './proactivePurpose';
import { parseAzureLanguage, type AzureLanguageSettings } from './language/azure/azureSettings';

/** Locales the bot can speak; each has a folder under `locales/`. */
export const SUPPORTED_LOCALES = ['en', 'es', 'zh-CN', 'zh-TW', 'lv'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

export const STORAGE_KINDS = ['sqlite', 'memory', 'postgres'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

export const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
export type AppType = (typeof APP_TYPES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const COMMERCE_BACKENDS = ['demo', 'rest'] as const;
export type CommerceBackendKind = (typeof COMMERCE_BACKENDS)[number];

/** Categories never returnable unless `NON_RETURNABLE_CATEGORIES` says otherwise. */
export const DEFAULT_NON_RETURNABLE_CATEGORIES = ['underwear', 'giftCards', 'openedSoftware'];

/** Confidence thresholds of the intent recognizer unless `RECOGNIZER_*_THRESHOLD` say otherwise. */
export const DEFAULT_RECOGNIZER_THRESHOLDS = { route: 0.45, suggest: 0.25 } as const;
/** The shop as customers' papers name it: the return label's addressee, the calendar's organizer. */
export interface ShopDetails {
  /** Shop name (`SHOP_NAME`). */
  name: string;
  /** Address customers visit for appointments, one entry per line (`SHOP_ADDRESS`). */
  address: string[];
  /** Where returned parcels go, one entry per line (`SHOP_RETURN_ADDRESS`; the shop's address by default). */
  returnAddress: string[];
  /** Contact address, the calendar entry's organizer (`SHOP_EMAIL`). */
  email: string;
}

/** The demo shop's details, so a fresh `npm start` prints a complete label. */
export const DEMO_SHOP = {
  name: 'Switchboard Outdoor (demo)',
  address: 'Calle de Fuencarral 45|28004 Madrid|Spain',
  email: 'help@shop.example',
} as const;

/** Validated configuration of one Switchboard process. */
/** How `/metrics` is reached; neither set means no metrics at all. */
export interface MetricsConfig {
  /** `METRICS_TOKEN`: bearer token for `/metrics` on the main port (16 characters or more). */
  token: string | undefined;
  /** `METRICS_PORT`: a port of its own for `/metrics`, without a token. */
  port: number | undefined;
  /** `METRICS_HOST`: the interface `METRICS_PORT` listens on (`127.0.0.1`). */
  host: string;
}

/** The shared PostgreSQL database. */
export interface DatabaseConfig {
  /** `DATABASE_URL`: a PostgreSQL connection string. */
  url: string;
  /** `DATABASE_POOL_SIZE`: connections each instance keeps at most (10). */
  poolSize: number;
}

/** How long customer data is kept before the retention sweeper removes it. */
export interface RetentionConfig {
  /** `TRANSCRIPT_RETENTION_DAYS` (90): handoff transcripts, Direct Line activities and uploads, idle conversation state. */
  transcriptDays: number;
  /** `TICKET_RETENTION_DAYS` (365): tickets and ended handoff cases. */
  ticketDays: number;
}

export interface Config {
  /** TCP port of the HTTP server; 0 picks a free one. */
  port: number;
  /** Interface to listen on; undefined listens on all. */
  host: string | undefined;
  /** Folder for the SQLite files and generated secrets (absolute). */
  dataDir: string;
  /** Base URL customers' browsers reach the bot at, for links the bot sends (no trailing slash). */
  publicUrl: string;
  /** Where conversation and user state live. */
  storage: StorageKind;
  /** The shared PostgreSQL database, set when `STORAGE=postgres`. */
  database: DatabaseConfig | undefined;
  /** How `/metrics` is reached (`METRICS_TOKEN`, `METRICS_PORT`, `METRICS_HOST`); off by default. */
  metrics: MetricsConfig;
  /** `REDIS_URL`: the Redis instances coordinate through (a lock per conversation); required with `STORAGE=postgres`. */
  redisUrl: string | undefined;
  /**
   * `TURN_LOCK_LEASE_MS` (15000): how long a conversation's turn lock in Redis lives without
   * renewal. The holder renews it every third of that; a crashed instance's conversations wait
   * this long before another instance may take them.
   */
  turnLockLeaseMs: number;
  /** Locale used when neither the customer nor the channel names one. */
  defaultLocale: SupportedLocale;
  /** Structured log level. */
  logLevel: LogLevel;
  /** Name the bot shows customers (web chat title and sender name). */
  botName: string;
  /** Accent colour of the web chat page, `#rrggbb`. */
  accentColor: string;
  /**
   * Reverse proxies whose `X-Forwarded-For` names the client, for rate limits and the audit
   * log: addresses, CIDR ranges or `loopback`, `linklocal`, `uniquelocal`; none by default.
   */
  trustProxy: string[];
  /** Retention of customer data (`TRANSCRIPT_RETENTION_DAYS`, `TICKET_RETENTION_DAYS`). */
  retention: RetentionConfig;
  /** Self-hosted Direct Line 3.0 endpoint (`/v3/directline`). */
  directLine: {
    /** Secret clients use to start conversations or generate tokens; generated into DATA_DIR when unset. */
    secret: string | undefined;
    /** Browser origins allowed to call the endpoint from other sites (CORS); `*` allows any. */
    allowedOrigins: string[];
    /** How long an idle conversation's transcript is kept for clients to resume. */
    retentionHours: number;
    /** Largest upload (all files of one post together). */
    maxUploadBytes: number;
    /** Tokens `POST /api/directline/token` issues per client address and minute. */
    tokenRequestsPerMinute: number;
  };
  /** The shop's systems behind the order status, returns and appointment dialogs. */
  commerce: {
    /** `demo`: the embedded demo store in `DATA_DIR`; `rest`: the shop's API (services/openapi.yaml). */
    backend: CommerceBackendKind;
    /** Base URL of the shop's API (required for `rest`, no trailing slash). */
    apiUrl: string | undefined;
    /** Bearer token for the shop's API. */
    apiToken: string | undefined;
    /** Time limit of one request to the shop's API. */
    apiTimeoutMs: number;
    /** IANA timezone of the shop: opening hours, delivery days and return windows are in it. */
    shopTimezone: string;
    /** Days after delivery a customer may start a return. */
    returnWindowDays: number;
    /** Product categories that can never be returned. */
    nonReturnableCategories: string[];
  };
  /** Who the shop is, for the return label and the calendar file (`SHOP_*`). */
  shop: ShopDetails;
  /** Human handoff: teams, routing and queue updates. */
  handoff: {
    /** Teams file (routing, business hours, priority), absolute. */
    teamsFile: string;
    /** A message at least this negative (0..1) offers a person, when sentiment is analysed. */
    sentimentThreshold: number;
    /** Waiting customers are told a changed queue position at most this often. */
    positionUpdateSeconds: number;
  };
  /** Bot Framework identity; with an app id set, `/api/messages` enforces Bot Framework auth. */
  botFramework: {
    appId: string | undefined;
    appPassword: string | undefined;
    appType: AppType;
    tenantId: string | undefined;
    /**
     * Service URLs replies may be sent to when no app id is set (`BOTFRAMEWORK_SERVICE_URLS`);
     * with an app id, Bot Framework's token vouches for the service URL instead.
     */
    serviceUrls: string[];
    /** Time limit of one outgoing Bot Framework call, retries included. */
    timeoutMs: number;
  };
  /** Telegram channel (channels/telegram); on when `botToken` is set. */
  telegram: {
    /** Token BotFather gave the bot (`123456:ABC…`); the channel is off without it. */
    botToken: string | undefined;
    /** Bot API server every call goes to (`<apiRoot>/bot<token>/<method>`); a self-hosted one or a test fake. */
    apiRoot: string;
    /** Public URL of `POST /api/telegram`; webhook mode when set, long polling otherwise. */
    webhookUrl: string | undefined;
    /** Secret Telegram sends back in `X-Telegram-Bot-Api-Secret-Token`; required with a webhook. */
    webhookSecret: string | undefined;
    /** Whether group chats are served; by default only private chats are. */
    allowGroups: boolean;
  };
  /** WhatsApp channel (channels/whatsapp): Meta's Cloud API, or WhatsApp Web driven by whatsapp-web.js. */
  whatsapp: WhatsAppConfig;
  /** Azure AI Language (sentiment, PII, language detection, summaries); undefined = all local. */
  azureLanguage: AzureLanguageSettings | undefined;
  /** The confidence policy at the menu (dialogs/confidencePolicy.ts). */
  recognizer: {
    /** From this score on (0..1) the recognized intent is routed to at once. */
    routeThreshold: number;
    /** From this score on, below `routeThreshold`, the customer is asked "did you mean …?". */
    suggestThreshold: number;
  };
}

export const WHATSAPP_MODES = ['off', 'cloud', 'web'] as const;
export type WhatsAppMode = (typeof WHATSAPP_MODES)[number];

/** Why the bot writes to a WhatsApp customer unprompted; each may have an approved template. */
export const WHATSAPP_TEMPLATE_PURPOSES = PROACTIVE_PURPOSES;
export type WhatsAppTemplatePurpose = ProactivePurpose;

/** An approved message template: its name and the language code it was approved in (`en_US`). */
export interface WhatsAppTemplate {
  name: string;
  language: string;
}

/** The `whatsapp` section of {@link Config}. */
export interface WhatsAppConfig {
  /** `off` (default), `cloud` (Meta's WhatsApp Business Cloud API) or `web` (whatsapp-web.js). */
  mode: WhatsAppMode;
  /** Cloud API settings; every field is checked when `mode` is `cloud`. */
  cloud: {
    /** System-user access token sent as `Authorization: Bearer …`. */
    token: string | undefined;
    /** Id of the business phone number the bot writes from (not the number itself). */
    phoneNumberId: string | undefined;
    /** App secret: `X-Hub-Signature-256` is the HMAC-SHA256 of each webhook body with it. */
    appSecret: string | undefined;
    /** What Meta's webhook verification must send as `hub.verify_token`. */
    verifyToken: string | undefined;
    /** Graph API server (no trailing slash); Meta's by default, a local fake in tests. */
    apiRoot: string;
    /** Graph API version in every path, such as `v23.0`. */
    apiVersion: string;
    /** Approved templates per purpose and locale, for messages outside the 24-hour window. */
    templates: Partial<Record<WhatsAppTemplatePurpose, Record<string, WhatsAppTemplate>>>;
  };
  /** whatsapp-web.js settings, used when `mode` is `web`. */
  web: {
    /** The Chromium to drive (`PUPPETEER_EXECUTABLE_PATH`); Debian's `/usr/bin/chromium` when unset. */
    browserPath: string | undefined;
    /** Whether group chats are served; by default only one-to-one chats are. */
    allowGroups: boolean;
    /** Most messages the bot sends to one chat per minute. */
    chatMessagesPerMinute: number;
    /** Most messages the bot sends in all per minute. */
    messagesPerMinute: number;
  };
}

/** Raised when the environment does not describe a valid configuration; lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Reads one variable; empty strings count as unset so `FOO=` in a .env file means "default". */
function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function oneOf<T extends string>(
  env: Env,
  name: string,
  allowed: readonly T[],
  fallback: T,
  problems: string[],
): T {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`${name} must be one of ${allowed.join(', ')} (received "${value}")`);
  return fallback;
}

function port(env: Env, name: string, fallback: number, problems: string[]): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (/^\d+$/.test(value) && parsed <= 65535) return parsed;
  problems.push(`${name} must be a whole number from 0 to 65535 (received "${value}")`);
  return fallback;
}

/** The teams file shipped with Switchboard, next to the handoff code. */
const DEFAULT_TEAMS_FILE = path.join(projectRoot(), 'handoff', 'teams.json');

function fraction(env: Env, name: string, fallback: number, problems: string[]): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (Number.isFinite(parsed) && parsed >= 0 && parsed <= 1) return parsed;
  problems.push(`${name} must be a number from 0 to 1 (received "${value}")`);
  return fallback;
}

/** A whole number of 0 or more. */
function wholeNumber(env: Env, name: string, fallback: number, problems: string[]): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (/^\d+$/.test(value)) return Number(value);
  problems.push(`${name} must be a whole number of 0 or more (received "${value}")`);
  return fallback;
}

function positiveNumber(env: Env, name: string, fallback: number, problems: string[], whole = true): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (Number.isFinite(parsed) && parsed > 0 && (!whole || Number.isInteger(parsed))) return parsed;
  problems.push(`${name} must be a ${whole ? 'whole ' : ''}number above 0 (received "${value}")`);
  return fallback;
}

function color(env: Env, name: string, fallback: string, problems: string[]): string {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (/^#[0-9a-fA-F]{6}$/.test(value)) return value;
  problems.push(`${name} must be a colour like #0063b1 (received "${value}")`);
  return fallback;
}

function origins(env: Env, name: string, problems: string[]): string[] {
  const value = read(env, name);
  if (value === undefined) return [];
  const list = value
    .split(',')
    .map((origin) => origin.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  for (const origin of list) {
    if (origin === '*') continue;
    let valid = false;
    try {
      const parsed = new URL(origin);
      valid = (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === origin;
    } catch {
      valid = false;
    }
    if (!valid)
      problems.push(
        `${name} must be a comma-separated list of origins like https://shop.example.com, or * (received "${origin}")`,
      );
  }
  return list;
}

function proxies(env: Env, name: string, problems: string[]): string[] {
  const list = (read(env, name) ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of list) {
    if (!isProxyEntry(entry)) {
      problems.push(
        `${name} must be a comma-separated list of proxy addresses, CIDR ranges such as 10.0.0.0/8, or ${PROXY_RANGE_NAMES.join(', ')} (received "${entry}")`,
      );
    }
  }
  return list;
}

function url(env: Env, name: string, fallback: string, problems: string[]): string {
  const value = read(env, name);
  if (value === undefined) return fallback;
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return value.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  problems.push(`${name} must be an http(s) URL such as https://shop.example.com (received "${value}")`);
  return fallback;
}

function wholeNumberFrom(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (/^\d+$/.test(value) && parsed >= min && parsed <= max) return parsed;
  problems.push(`${name} must be a whole number from ${min} to ${max} (received "${value}")`);
  return fallback;
}

function timezone(env: Env, name: string, fallback: string, problems: string[]): string {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (IANAZone.isValidZone(value)) return value;
  problems.push(`${name} must be an IANA timezone such as Europe/Madrid (received "${value}")`);
  return fallback;
}

function serviceUrlPatterns(env: Env, name: string, problems: string[]): string[] {
  const value = read(env, name);
  if (value === undefined) return [...DEFAULT_SERVICE_URL_PATTERNS];
  const list = value
    .split(',')
    .map((pattern) => pattern.trim())
    .filter(Boolean);
  for (const pattern of list) {
    if (!parseServiceUrlPattern(pattern)) {
      problems.push(
        `${name} must be a comma-separated list of URL patterns such as http://localhost:* or https://*.botframework.com (received "${pattern}")`,
      );
    }
  }
  return list;
}

/** `DATABASE_URL` and `DATABASE_POOL_SIZE`: required (the URL) with `STORAGE=postgres`, unused otherwise. */
function parseDatabase(env: Env, storage: StorageKind, problems: string[]): DatabaseConfig | undefined {
  const raw = read(env, 'DATABASE_URL');
  if (storage !== 'postgres') return undefined;
  const poolSize = positiveNumber(env, 'DATABASE_POOL_SIZE', 10, problems);
  if (raw === undefined) {
    problems.push(
      'DATABASE_URL must be set when STORAGE is postgres (postgres://user:password@host:5432/database)',
    );
    return undefined;
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(raw);
  } catch {
    parsed = undefined;
  }
  if (
    parsed === undefined ||
    !['postgres:', 'postgresql:'].includes(parsed.protocol) ||
    parsed.hostname === ''
  ) {
    // The value may hold a password: it is not repeated.
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL with a host (value hidden)');
    return undefined;
  }
  return { url: raw, poolSize };
}

/** `METRICS_TOKEN`, `METRICS_PORT` and `METRICS_HOST`. */
function parseMetrics(env: Env, problems: string[]): MetricsConfig {
  const token = read(env, 'METRICS_TOKEN');
  if (token !== undefined && token.length < 16) {
    problems.push('METRICS_TOKEN must be at least 16 characters long (value hidden)');
  }
  const portSet = read(env, 'METRICS_PORT') !== undefined;
  const metricsPort = portSet ? port(env, 'METRICS_PORT', 0, problems) : undefined;
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port(env, 'PORT', 3978, [])) {
    problems.push('METRICS_PORT must differ from PORT (it serves /metrics without a token)');
  }
  return { token, port: metricsPort, host: read(env, 'METRICS_HOST') ?? '127.0.0.1' };
}

/** `REDIS_URL`: a redis:// or rediss:// URL; instances on one database must share one Redis. */
function parseRedisUrl(env: Env, storage: StorageKind, problems: string[]): string | undefined {
  const raw = read(env, 'REDIS_URL');
  if (raw === undefined) {
    if (storage === 'postgres') {
      problems.push(
        'REDIS_URL must be set when STORAGE is postgres (redis://host:6379): instances take turns of a conversation through it',
      );
    }
    return undefined;
  }
  let protocol = '';
  try {
    protocol = new URL(raw).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    problems.push('REDIS_URL must be a redis:// or rediss:// URL (value hidden)');
    return undefined;
  }
  return raw;
}

function parseCommerce(env: Env, problems: string[]): Config['commerce'] {
  const backend = oneOf(env, 'COMMERCE_BACKEND', COMMERCE_BACKENDS, 'demo', problems);
  const apiUrlText = read(env, 'COMMERCE_API_URL');
  const apiUrl =
    apiUrlText === undefined ? undefined : url(env, 'COMMERCE_API_URL', '', problems) || undefined;
  if (backend === 'rest' && apiUrlText === undefined) {
    problems.push('COMMERCE_API_URL must be set when COMMERCE_BACKEND is rest');
  }
  const categories = read(env, 'NON_RETURNABLE_CATEGORIES');
  const nonReturnableCategories =
    categories === undefined
      ? [...DEFAULT_NON_RETURNABLE_CATEGORIES]
      : categories
          .split(',')
          .map((category) => category.trim())
          .filter(Boolean);
  for (const category of nonReturnableCategories) {
    if (!/^[A-Za-z0-9_-]+$/.test(category)) {
      problems.push(
        `NON_RETURNABLE_CATEGORIES must be a comma-separated list of category ids such as underwear,giftCards (received "${category}")`,
      );
    }
  }
  return {
    backend,
    apiUrl,
    apiToken: read(env, 'COMMERCE_API_TOKEN'),
    apiTimeoutMs: wholeNumberFrom(env, 'COMMERCE_API_TIMEOUT_MS', 5000, 100, 120000, problems),
    shopTimezone: timezone(env, 'SHOP_TIMEZONE', 'Europe/Madrid', problems),
    returnWindowDays: wholeNumberFrom(env, 'RETURN_WINDOW_DAYS', 30, 0, 3650, problems),
    nonReturnableCategories,
  };
}

/** Characters that break a printed line or a calendar property: controls (tab and newline included). */
const CONTROL_CHARACTERS = /\p{Cc}/u;

/** One line of printed text: 1 to 80 characters, no control characters. */
function printedLine(name: string, value: string, problems: string[]): boolean {
  if (value.length <= 80 && !CONTROL_CHARACTERS.test(value)) return true;
  problems.push(`${name} must be at most 80 characters without control characters (received "${value}")`);
  return false;
}

/** An address written on one line with `|` between its lines: `Calle Mayor 1|28013 Madrid|Spain`. */
function addressLines(env: Env, name: string, fallback: string, problems: string[]): string[] {
  const text = read(env, name) ?? fallback;
  const lines = text
    .split('|')
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.length === 0 || lines.length > 6) {
    problems.push(
      `${name} must be 1 to 6 address lines separated by |, such as Calle Mayor 1|28013 Madrid|Spain (received "${text}")`,
    );
    return fallback.split('|');
  }
  return lines.every((line) => printedLine(name, line, problems)) ? lines : fallback.split('|');
}

function parseShop(env: Env, problems: string[]): ShopDetails {
  const nameText = read(env, 'SHOP_NAME');
  const name =
    nameText !== undefined && printedLine('SHOP_NAME', nameText, problems) ? nameText : DEMO_SHOP.name;
  const address = addressLines(env, 'SHOP_ADDRESS', DEMO_SHOP.address, problems);
  const returnAddress = addressLines(env, 'SHOP_RETURN_ADDRESS', address.join('|'), problems);
  const emailText = read(env, 'SHOP_EMAIL');
  // NOTE: deliberately plain: one @, no spaces or characters that need quoting in a mailto: URI.
  const emailValid =
    emailText === undefined || /^[^\s@<>"(),;:]+@[^\s@<>"(),;:]+\.[^\s@<>"(),;:]+$/.test(emailText);
  if (!emailValid) {
    problems.push(`SHOP_EMAIL must be an email address such as help@shop.example (received "${emailText}")`);
  }
  return { name, address, returnAddress, email: emailValid && emailText ? emailText : DEMO_SHOP.email };
}

/** Telegram's rules for `secret_token` in setWebhook. */
const TELEGRAM_SECRET = /^[A-Za-z0-9_-]{16,256}$/;

function parseTelegram(env: Env, problems: string[]): Config['telegram'] {
  const botToken = read(env, 'TELEGRAM_BOT_TOKEN');
  if (botToken !== undefined && !/^\d+:[A-Za-z0-9_-]{20,}$/.test(botToken)) {
    problems.push('TELEGRAM_BOT_TOKEN must be the token BotFather gave, like 123456789:AA… (value hidden)');
  }
  const webhookUrlText = read(env, 'TELEGRAM_WEBHOOK_URL');
  let webhookUrl: string | undefined;
  if (webhookUrlText !== undefined) {
    try {
      const parsed = new URL(webhookUrlText);
      if (parsed.protocol === 'https:' || parsed.protocol === 'http:') webhookUrl = webhookUrlText;
    } catch {
      // reported below
    }
    if (webhookUrl === undefined) {
      problems.push(
        `TELEGRAM_WEBHOOK_URL must be the public https URL of /api/telegram, such as https://bot.example.com/api/telegram (received "${webhookUrlText}")`,
      );
    }
  }
  const webhookSecret = read(env, 'TELEGRAM_WEBHOOK_SECRET');
  if (webhookUrlText !== undefined && webhookSecret === undefined) {
    problems.push('TELEGRAM_WEBHOOK_SECRET must be set when TELEGRAM_WEBHOOK_URL is set');
  }
  if (webhookSecret !== undefined && !TELEGRAM_SECRET.test(webhookSecret)) {
    problems.push(
      'TELEGRAM_WEBHOOK_SECRET must be 16 to 256 characters of A-Z, a-z, 0-9, _ and - (value hidden)',
    );
  }
  const allowGroups = oneOf(env, 'TELEGRAM_ALLOW_GROUPS', ['true', 'false'], 'false', problems) === 'true';
  return {
    botToken,
    apiRoot: url(env, 'TELEGRAM_API_ROOT', 'https://api.telegram.org', problems),
    webhookUrl,
    webhookSecret,
    allowGroups,
  };
}

const TEMPLATES_FORM =
  'a JSON object of purpose → locale → template name, such as {"agentReply":{"en":"support_reply","es":"respuesta_soporte"}} ' +
  '(a template may also be {"name":"support_reply","language":"en_US"}); purposes are ' +
  WHATSAPP_TEMPLATE_PURPOSES.join(', ');

/** Template names Meta accepts: lowercase letters, digits and underscores. */
const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;

function whatsAppTemplates(env: Env, problems: string[]): WhatsAppConfig['cloud']['templates'] {
  const value = read(env, 'WHATSAPP_CLOUD_TEMPLATES');
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    problems.push(`WHATSAPP_CLOUD_TEMPLATES must be ${TEMPLATES_FORM} (not valid JSON)`);
    return {};
  }
  const bad = (why: string): WhatsAppConfig['cloud']['templates'] => {
    problems.push(`WHATSAPP_CLOUD_TEMPLATES must be ${TEMPLATES_FORM} (${why})`);
    return {};
  };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return bad('not an object');
  const templates: WhatsAppConfig['cloud']['templates'] = {};
  for (const [purpose, byLocale] of Object.entries(parsed)) {
    if (!(WHATSAPP_TEMPLATE_PURPOSES as readonly string[]).includes(purpose))
      return bad(`unknown purpose "${purpose}"`);
    if (typeof byLocale !== 'object' || byLocale === null || Array.isArray(byLocale))
      return bad(`"${purpose}" is not an object of locale → template`);
    const entries: Record<string, WhatsAppTemplate> = {};
    for (const [locale, template] of Object.entries(byLocale as Record<string, unknown>)) {
      const { name, language } =
        typeof template === 'string'
          ? { name: template, language: locale }
          : ((template ?? {}) as { name?: unknown; language?: unknown });
      if (typeof name !== 'string' || !TEMPLATE_NAME.test(name))
        return bad(`"${purpose}.${locale}" needs a template name of lowercase letters, digits and _`);
      if (typeof language !== 'string' || !/^[a-z]{2,3}(_[A-Z]{2})?$/.test(language))
        return bad(`"${purpose}.${locale}" needs a language code such as en or en_US`);
      entries[locale] = { name, language };
    }
    templates[purpose as WhatsAppTemplatePurpose] = entries;
  }
  return templates;
}

function parseWhatsApp(env: Env, problems: string[]): WhatsAppConfig {
  const mode = oneOf(env, 'WHATSAPP_MODE', WHATSAPP_MODES, 'off', problems);
  const cloud: WhatsAppConfig['cloud'] = {
    token: read(env, 'WHATSAPP_CLOUD_TOKEN'),
    phoneNumberId: read(env, 'WHATSAPP_CLOUD_PHONE_NUMBER_ID'),
    appSecret: read(env, 'WHATSAPP_CLOUD_APP_SECRET'),
    verifyToken: read(env, 'WHATSAPP_CLOUD_VERIFY_TOKEN'),
    apiRoot: url(env, 'WHATSAPP_CLOUD_API_ROOT', 'https://graph.facebook.com', problems),
    apiVersion: read(env, 'WHATSAPP_CLOUD_API_VERSION') ?? 'v23.0',
    templates: whatsAppTemplates(env, problems),
  };
  if (!/^v\d+\.\d+$/.test(cloud.apiVersion)) {
    problems.push(
      `WHATSAPP_CLOUD_API_VERSION must be a Graph API version such as v23.0 (received "${cloud.apiVersion}")`,
    );
  }
  if (mode === 'cloud') {
    const hidden = ' when WHATSAPP_MODE is cloud (value hidden)';
    if (cloud.token === undefined) problems.push(`WHATSAPP_CLOUD_TOKEN must be set${hidden}`);
    if (cloud.appSecret === undefined) problems.push(`WHATSAPP_CLOUD_APP_SECRET must be set${hidden}`);
    if (cloud.verifyToken === undefined) problems.push(`WHATSAPP_CLOUD_VERIFY_TOKEN must be set${hidden}`);
    if (cloud.phoneNumberId === undefined)
      problems.push('WHATSAPP_CLOUD_PHONE_NUMBER_ID must be set when WHATSAPP_MODE is cloud');
  }
  if (cloud.phoneNumberId !== undefined && !/^\d+$/.test(cloud.phoneNumberId)) {
    problems.push(
      `WHATSAPP_CLOUD_PHONE_NUMBER_ID must be the numeric phone number id from Meta's app dashboard, not the phone number (received "${cloud.phoneNumberId}")`,
    );
  }
  if (cloud.verifyToken !== undefined && cloud.verifyToken.length < 16) {
    problems.push('WHATSAPP_CLOUD_VERIFY_TOKEN must be at least 16 characters long (value hidden)');
  }
  const allowGroups =
    oneOf(env, 'WHATSAPP_WEB_ALLOW_GROUPS', ['true', 'false'], 'false', problems) === 'true';
  return {
    mode,
    cloud,
    web: {
      browserPath: read(env, 'PUPPETEER_EXECUTABLE_PATH'),
      allowGroups,
      chatMessagesPerMinute: wholeNumberFrom(
        env,
        'WHATSAPP_WEB_CHAT_MESSAGES_PER_MINUTE',
        20,
        1,
        600,
        problems,
      ),
      messagesPerMinute: wholeNumberFrom(env, 'WHATSAPP_WEB_MESSAGES_PER_MINUTE', 40, 1, 6000, problems),
    },
  };
}

function parseRecognizer(env: Env, problems: string[]): Config['recognizer'] {
  const routeThreshold = fraction(
    env,
    'RECOGNIZER_ROUTE_THRESHOLD',
    DEFAULT_RECOGNIZER_THRESHOLDS.route,
    problems,
  );
  const suggestThreshold = fraction(
    env,
    'RECOGNIZER_SUGGEST_THRESHOLD',
    DEFAULT_RECOGNIZER_THRESHOLDS.suggest,
    problems,
  );
  if (suggestThreshold > routeThreshold) {
    problems.push(
      `RECOGNIZER_SUGGEST_THRESHOLD must not be above RECOGNIZER_ROUTE_THRESHOLD (received ${suggestThreshold} and ${routeThreshold})`,
    );
  }
  return { routeThreshold, suggestThreshold };
}

/**
 * Builds the configuration from environment variables. Pure: pass `process.env` merged with a
 * `.env` file through {@link loadConfig}, or a plain object in tests.
 * @throws ConfigError naming each bad variable, the value received (never for secrets) and the form expected.
 */
export function parseConfig(env: Env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const appId = read(env, 'MicrosoftAppId');
  const appPassword = read(env, 'MicrosoftAppPassword');
  const appType = oneOf(env, 'MicrosoftAppType', APP_TYPES, 'MultiTenant', problems);
  const tenantId = read(env, 'MicrosoftAppTenantId');

  if (appId !== undefined && appType !== 'UserAssignedMSI' && appPassword === undefined) {
    problems.push('MicrosoftAppPassword must be set when MicrosoftAppId is set (value hidden)');
  }
  if (appId === undefined && appPassword !== undefined) {
    problems.push('MicrosoftAppId must be set when MicrosoftAppPassword is set');
  }
  const directLineSecret = read(env, 'DIRECTLINE_SECRET');
  if (directLineSecret !== undefined && directLineSecret.length < 16) {
    problems.push('DIRECTLINE_SECRET must be at least 16 characters long (value hidden)');
  }
  if (appType === 'SingleTenant' && tenantId === undefined) {
    problems.push('MicrosoftAppTenantId must be set when MicrosoftAppType is SingleTenant');
  }

  const listenPort = port(env, 'PORT', 3978, problems);
  const storage = oneOf(env, 'STORAGE', STORAGE_KINDS, 'sqlite', problems);
  const config: Config = {
    port: listenPort,
    host: read(env, 'HOST'),
    dataDir: path.resolve(cwd, read(env, 'DATA_DIR') ?? './data'),
    publicUrl: url(env, 'PUBLIC_URL', `http://localhost:${listenPort}`, problems),
    storage,
    database: parseDatabase(env, storage, problems),
    redisUrl: parseRedisUrl(env, storage, problems),
    // NOTE: at least a second: a lease shorter than a garbage-collection pause or a slow Redis
    // answer would be lost in the middle of ordinary turns.
    turnLockLeaseMs: wholeNumberFrom(env, 'TURN_LOCK_LEASE_MS', 15_000, 1_000, 600_000, problems),
    metrics: parseMetrics(env, problems),
    defaultLocale: oneOf(env, 'DEFAULT_LOCALE', SUPPORTED_LOCALES, 'en', problems),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info', problems),
    botName: read(env, 'BOT_NAME') ?? 'Switchboard',
    accentColor: color(env, 'BOT_ACCENT_COLOR', '#0063b1', problems),
    trustProxy: proxies(env, 'TRUST_PROXY', problems),
    retention: {
      transcriptDays: positiveNumber(env, 'TRANSCRIPT_RETENTION_DAYS', 90, problems),
      ticketDays: positiveNumber(env, 'TICKET_RETENTION_DAYS', 365, problems),
    },
    directLine: {
      secret: directLineSecret,
      allowedOrigins: origins(env, 'DIRECTLINE_ALLOWED_ORIGINS', problems),
      retentionHours: positiveNumber(env, 'DIRECTLINE_RETENTION_HOURS', 24, problems, false),
      maxUploadBytes: positiveNumber(env, 'DIRECTLINE_MAX_UPLOAD_MB', 4, problems, false) * 1024 * 1024,
      tokenRequestsPerMinute: positiveNumber(env, 'DIRECTLINE_TOKEN_RATE_LIMIT', 10, problems),
    },
    commerce: parseCommerce(env, problems),
    shop: parseShop(env, problems),
    handoff: {
      teamsFile: path.resolve(cwd, read(env, 'HANDOFF_TEAMS_FILE') ?? DEFAULT_TEAMS_FILE),
      sentimentThreshold: fraction(env, 'HANDOFF_SENTIMENT_THRESHOLD', 0.8, problems),
      positionUpdateSeconds: wholeNumber(env, 'HANDOFF_POSITION_UPDATE_SECONDS', 120, problems),
    },
    botFramework: {
      appId,
      appPassword,
      appType,
      tenantId,
      serviceUrls: serviceUrlPatterns(env, 'BOTFRAMEWORK_SERVICE_URLS', problems),
      timeoutMs: wholeNumberFrom(env, 'BOTFRAMEWORK_TIMEOUT_MS', 5000, 100, 60000, problems),
    },
    telegram: parseTelegram(env, problems),
    whatsapp: parseWhatsApp(env, problems),
    azureLanguage: parseAzureLanguage(env, problems),
    recognizer: parseRecognizer(env, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Reads `process.env` and, when present, a `.env` file in the working directory. Variables
 * already in the environment win over the file.
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const envFile = path.join(cwd, '.env');
  let fromFile: Env = {};
  if (fs.existsSync(envFile)) fromFile = parseEnv(fs.readFileSync(envFile, 'utf8'));
  return parseConfig({ ...fromFile, ...env }, cwd);
}
