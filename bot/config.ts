import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { projectRoot } from './paths';
import { IANAZone } from 'luxon';
import { DEFAULT_SERVICE_URL_PATTERNS, parseServiceUrlPattern } from '../channels/botframework/serviceUrls';
import { isProxyEntry, PROXY_RANGE_NAMES } from './clientAddress';

/** Locales the bot can speak; each has a folder under `locales/`. */
export const SUPPORTED_LOCALES = ['en', 'es', 'zh-CN', 'zh-TW', 'lv'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

export const STORAGE_KINDS = ['sqlite', 'memory'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

export const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
export type AppType = (typeof APP_TYPES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const COMMERCE_BACKENDS = ['demo', 'rest'] as const;
export type CommerceBackendKind = (typeof COMMERCE_BACKENDS)[number];

/** Categories never returnable unless `NON_RETURNABLE_CATEGORIES` says otherwise. */
export const DEFAULT_NON_RETURNABLE_CATEGORIES = ['underwear', 'giftCards', 'openedSoftware'];

/** Validated configuration of one Switchboard process. */
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
  const config: Config = {
    port: listenPort,
    host: read(env, 'HOST'),
    dataDir: path.resolve(cwd, read(env, 'DATA_DIR') ?? './data'),
    publicUrl: url(env, 'PUBLIC_URL', `http://localhost:${listenPort}`, problems),
    storage: oneOf(env, 'STORAGE', STORAGE_KINDS, 'sqlite', problems),
    defaultLocale: oneOf(env, 'DEFAULT_LOCALE', SUPPORTED_LOCALES, 'en', problems),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info', problems),
    botName: read(env, 'BOT_NAME') ?? 'Switchboard',
    accentColor: color(env, 'BOT_ACCENT_COLOR', '#0063b1', problems),
    trustProxy: proxies(env, 'TRUST_PROXY', problems),
    directLine: {
      secret: directLineSecret,
      allowedOrigins: origins(env, 'DIRECTLINE_ALLOWED_ORIGINS', problems),
      retentionHours: positiveNumber(env, 'DIRECTLINE_RETENTION_HOURS', 24, problems, false),
      maxUploadBytes: positiveNumber(env, 'DIRECTLINE_MAX_UPLOAD_MB', 4, problems, false) * 1024 * 1024,
      tokenRequestsPerMinute: positiveNumber(env, 'DIRECTLINE_TOKEN_RATE_LIMIT', 10, problems),
    },
    commerce: parseCommerce(env, problems),
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
