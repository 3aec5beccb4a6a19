import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

/** Locales the bot can speak; each has a folder under `locales/`. */
export const SUPPORTED_LOCALES = ['en', 'es'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

export const STORAGE_KINDS = ['sqlite', 'memory'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

export const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
export type AppType = (typeof APP_TYPES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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
  /** Bot Framework identity; with an app id set, `/api/messages` enforces Bot Framework auth. */
  botFramework: {
    appId: string | undefined;
    appPassword: string | undefined;
    appType: AppType;
    tenantId: string | undefined;
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
    botFramework: { appId, appPassword, appType, tenantId },
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
