import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../bot/config';
import { projectRoot } from '../../bot/paths';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env, '/srv/bot');
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('parseConfig() accepted an invalid environment');
}

describe('parseConfig()', () => {
  it('applies the laptop defaults to an empty environment', () => {
    assert.deepEqual(parseConfig({}, '/srv/bot'), {
      port: 3978,
      host: undefined,
      dataDir: path.resolve('/srv/bot', 'data'),
      database: undefined,
      redisUrl: undefined,
      turnLockLeaseMs: 15_000,
      metrics: { token: undefined, port: undefined, host: '127.0.0.1' },
      publicUrl: 'http://localhost:3978',
      storage: 'sqlite',
      defaultLocale: 'en',
      logLevel: 'info',
      botName: 'Switchboard',
      accentColor: '#0063b1',
      trustProxy: [],
      retention: { transcriptDays: 90, ticketDays: 365 },
      directLine: {
        secret: undefined,
        allowedOrigins: [],
        retentionHours: 24,
        maxUploadBytes: 4 * 1024 * 1024,
        tokenRequestsPerMinute: 10,
      },
      commerce: {
        backend: 'demo',
        apiUrl: undefined,
        apiToken: undefined,
        apiTimeoutMs: 5000,
        shopTimezone: 'Europe/Madrid',
        returnWindowDays: 30,
        nonReturnableCategories: ['underwear', 'giftCards', 'openedSoftware'],
      },
      shop: {
        name: 'Switchboard Outdoor (demo)',
        address: ['Calle de Fuencarral 45', '28004 Madrid', 'Spain'],
        returnAddress: ['Calle de Fuencarral 45', '28004 Madrid', 'Spain'],
        email: 'help@shop.example',
      },
      botFramework: {
        appId: undefined,
        appPassword: undefined,
        appType: 'MultiTenant',
        tenantId: undefined,
        serviceUrls: ['http://localhost:*', 'http://127.0.0.1:*'],
        timeoutMs: 5000,
      },
      telegram: {
        botToken: undefined,
        apiRoot: 'https://api.telegram.org',
        webhookUrl: undefined,
        webhookSecret: undefined,
        allowGroups: false,
      },
      whatsapp: {
        mode: 'off',
        cloud: {
          token: undefined,
          phoneNumberId: undefined,
          appSecret: undefined,
          verifyToken: undefined,
          apiRoot: 'https://graph.facebook.com',
          apiVersion: 'v23.0',
          templates: {},
        },
        web: { browserPath: undefined, allowGroups: false, chatMessagesPerMinute: 20, messagesPerMinute: 40 },
      },
      handoff: {
        teamsFile: path.join(projectRoot(), 'handoff', 'teams.json'),
        sentimentThreshold: 0.8,
        positionUpdateSeconds: 120,
      },
      azureLanguage: undefined,
      recognizer: { routeThreshold: 0.45, suggestThreshold: 0.25 },
    });
  });

  it('reads the confidence thresholds of the recognizer', () => {
    assert.deepEqual(
      parseConfig({ RECOGNIZER_ROUTE_THRESHOLD: '0.7', RECOGNIZER_SUGGEST_THRESHOLD: '0.4' }).recognizer,
      { routeThreshold: 0.7, suggestThreshold: 0.4 },
    );
  });

  it('reads the shared-storage variables and the turn lock lease', () => {
    const config = parseConfig({
      STORAGE: 'postgres',
      DATABASE_URL: 'postgres://switchboard@db:5432/switchboard',
      DATABASE_POOL_SIZE: '4',
      REDIS_URL: 'redis://cache:6379',
      TURN_LOCK_LEASE_MS: '5000',
    });
    assert.deepEqual(config.database, { url: 'postgres://switchboard@db:5432/switchboard', poolSize: 4 });
    assert.equal(config.redisUrl, 'redis://cache:6379');
    assert.equal(config.turnLockLeaseMs, 5000);
  });

  it('reads the commerce backend variables', () => {
    const config = parseConfig({
      COMMERCE_BACKEND: 'rest',
      COMMERCE_API_URL: 'https://shop.example/api/',
      COMMERCE_API_TOKEN: 'token-value',
      COMMERCE_API_TIMEOUT_MS: '2500',
      SHOP_TIMEZONE: 'America/New_York',
      RETURN_WINDOW_DAYS: '14',
      NON_RETURNABLE_CATEGORIES: ' swimwear, giftCards ,',
    });
    assert.deepEqual(config.commerce, {
      backend: 'rest',
      apiUrl: 'https://shop.example/api',
      apiToken: 'token-value',
      apiTimeoutMs: 2500,
      shopTimezone: 'America/New_York',
      returnWindowDays: 14,
      nonReturnableCategories: ['swimwear', 'giftCards'],
    });
  });

  it('reads every variable it knows', () => {
    const config = parseConfig(
      {
        PORT: '8080',
        HOST: '127.0.0.1',
        DATA_DIR: 'state',
        PUBLIC_URL: 'https://bot.shop.example/',
        STORAGE: 'memory',
        DEFAULT_LOCALE: 'es',
        LOG_LEVEL: 'warn',
        BOT_NAME: 'Acme Helper',
        BOT_ACCENT_COLOR: '#aa3300',
        DIRECTLINE_SECRET: 'a-secret-of-sufficient-length',
        DIRECTLINE_ALLOWED_ORIGINS: 'https://shop.example, http://localhost:8080/',
        DIRECTLINE_RETENTION_HOURS: '1.5',
        DIRECTLINE_MAX_UPLOAD_MB: '2',
        DIRECTLINE_TOKEN_RATE_LIMIT: '30',
        BOTFRAMEWORK_SERVICE_URLS: 'https://*.botframework.com, http://localhost:3979/api',
        BOTFRAMEWORK_TIMEOUT_MS: '2000',
        MicrosoftAppId: 'app-id',
        MicrosoftAppPassword: 'secret',
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: 'tenant',
      },
      '/srv/bot',
    );
    assert.equal(config.port, 8080);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dataDir, '/srv/bot/state');
    assert.equal(config.publicUrl, 'https://bot.shop.example');
    assert.equal(config.storage, 'memory');
    assert.equal(config.defaultLocale, 'es');
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.botName, 'Acme Helper');
    assert.equal(config.accentColor, '#aa3300');
    assert.deepEqual(config.directLine, {
      secret: 'a-secret-of-sufficient-length',
      allowedOrigins: ['https://shop.example', 'http://localhost:8080'],
      retentionHours: 1.5,
      maxUploadBytes: 2 * 1024 * 1024,
      tokenRequestsPerMinute: 30,
    });
    assert.deepEqual(config.botFramework, {
      appId: 'app-id',
      appPassword: 'secret',
      appType: 'SingleTenant',
      tenantId: 'tenant',
      serviceUrls: ['https://*.botframework.com', 'http://localhost:3979/api'],
      timeoutMs: 2000,
    });
  });

  it('reads TRUST_PROXY as a list of addresses, CIDR ranges and range names', () => {
    assert.deepEqual(
      parseConfig({ TRUST_PROXY: ' 10.0.0.1, 172.16.0.0/12,loopback, fd00::/8,, 2001:db8::1 ' }).trustProxy,
      ['10.0.0.1', '172.16.0.0/12', 'loopback', 'fd00::/8', '2001:db8::1'],
    );
  });

  it('derives the public URL from PORT by default', () => {
    assert.equal(parseConfig({ PORT: '8080' }).publicUrl, 'http://localhost:8080');
  });

  it('treats empty values as unset', () => {
    assert.equal(parseConfig({ PORT: '', STORAGE: '  ' }).port, 3978);
  });

  it('reads the shop: name, address lines split at |, a return address of its own, the email', () => {
    const config = parseConfig({
      SHOP_NAME: 'Tienda Ñandú',
      SHOP_ADDRESS: 'Calle Mayor 1, bajo | 28013 Madrid|Spain',
      SHOP_RETURN_ADDRESS: 'Almacén de devoluciones|Polígono 4, nave 2|28906 Getafe',
      SHOP_EMAIL: 'ayuda@tienda.example',
    });
    assert.deepEqual(config.shop, {
      name: 'Tienda Ñandú',
      address: ['Calle Mayor 1, bajo', '28013 Madrid', 'Spain'],
      returnAddress: ['Almacén de devoluciones', 'Polígono 4, nave 2', '28906 Getafe'],
      email: 'ayuda@tienda.example',
    });
    assert.deepEqual(parseConfig({ SHOP_ADDRESS: 'Rīga|Brīvības iela 1' }).shop.returnAddress, [
      'Rīga',
      'Brīvības iela 1',
    ]);
  });

  const badValues: [env: Record<string, string>, message: string][] = [
    [
      { SHOP_NAME: 'x'.repeat(81) },
      `SHOP_NAME must be at most 80 characters without control characters (received "${'x'.repeat(81)}")`,
    ],
    [
      { SHOP_ADDRESS: '|||' },
      'SHOP_ADDRESS must be 1 to 6 address lines separated by |, such as Calle Mayor 1|28013 Madrid|Spain (received "|||")',
    ],
    [
      { SHOP_RETURN_ADDRESS: 'a|b|c|d|e|f|g' },
      'SHOP_RETURN_ADDRESS must be 1 to 6 address lines separated by |, such as Calle Mayor 1|28013 Madrid|Spain (received "a|b|c|d|e|f|g")',
    ],
    [
      { SHOP_ADDRESS: 'Calle\tMayor 1' },
      'SHOP_ADDRESS must be at most 80 characters without control characters (received "Calle\tMayor 1")',
    ],
    [
      { SHOP_EMAIL: 'help at shop' },
      'SHOP_EMAIL must be an email address such as help@shop.example (received "help at shop")',
    ],
    [
      { SHOP_EMAIL: 'a;b@shop.example' },
      'SHOP_EMAIL must be an email address such as help@shop.example (received "a;b@shop.example")',
    ],
    [{ COMMERCE_BACKEND: 'shopify' }, 'COMMERCE_BACKEND must be one of demo, rest (received "shopify")'],
    [{ COMMERCE_BACKEND: 'rest' }, 'COMMERCE_API_URL must be set when COMMERCE_BACKEND is rest'],
    [
      { COMMERCE_API_URL: 'shop.example/api' },
      'COMMERCE_API_URL must be an http(s) URL such as https://shop.example.com (received "shop.example/api")',
    ],
    [
      { COMMERCE_API_TIMEOUT_MS: '10' },
      'COMMERCE_API_TIMEOUT_MS must be a whole number from 100 to 120000 (received "10")',
    ],
    [
      { SHOP_TIMEZONE: 'Mars/Olympus' },
      'SHOP_TIMEZONE must be an IANA timezone such as Europe/Madrid (received "Mars/Olympus")',
    ],
    [
      { RETURN_WINDOW_DAYS: '-3' },
      'RETURN_WINDOW_DAYS must be a whole number from 0 to 3650 (received "-3")',
    ],
    [
      { NON_RETURNABLE_CATEGORIES: 'underwear,gift cards' },
      'NON_RETURNABLE_CATEGORIES must be a comma-separated list of category ids such as underwear,giftCards (received "gift cards")',
    ],
    [{ STORAGE: 'mongo' }, 'STORAGE must be one of sqlite, memory, postgres (received "mongo")'],
    [
      { STORAGE: 'postgres', REDIS_URL: 'redis://cache:6379' },
      'DATABASE_URL must be set when STORAGE is postgres (postgres://user:password@host:5432/database)',
    ],
    [
      { STORAGE: 'postgres', DATABASE_URL: 'postgres://db/shop' },
      'REDIS_URL must be set when STORAGE is postgres (redis://host:6379): instances take turns of a conversation through it',
    ],
    [{ REDIS_URL: 'http://cache:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL (value hidden)'],
    [
      { TURN_LOCK_LEASE_MS: '500' },
      'TURN_LOCK_LEASE_MS must be a whole number from 1000 to 600000 (received "500")',
    ],
    [
      { TURN_LOCK_LEASE_MS: '15s' },
      'TURN_LOCK_LEASE_MS must be a whole number from 1000 to 600000 (received "15s")',
    ],
    [
      { STORAGE: 'postgres', DATABASE_URL: 'mysql://root:secret@db/shop', REDIS_URL: 'redis://cache' },
      'DATABASE_URL must be a postgres:// or postgresql:// URL with a host (value hidden)',
    ],
    [
      {
        STORAGE: 'postgres',
        DATABASE_URL: 'postgres://db/shop',
        DATABASE_POOL_SIZE: '0',
        REDIS_URL: 'redis://cache',
      },
      'DATABASE_POOL_SIZE must be a whole number above 0 (received "0")',
    ],
    [{ PORT: 'http' }, 'PORT must be a whole number from 0 to 65535 (received "http")'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535 (received "70000")'],
    [{ PORT: '-1' }, 'PORT must be a whole number from 0 to 65535 (received "-1")'],
    [
      { PUBLIC_URL: 'shop.example' },
      'PUBLIC_URL must be an http(s) URL such as https://shop.example.com (received "shop.example")',
    ],
    [
      { PUBLIC_URL: 'ftp://shop.example' },
      'PUBLIC_URL must be an http(s) URL such as https://shop.example.com (received "ftp://shop.example")',
    ],
    [{ DIRECTLINE_SECRET: 'short' }, 'DIRECTLINE_SECRET must be at least 16 characters long (value hidden)'],
    [
      { DIRECTLINE_ALLOWED_ORIGINS: 'https://shop.example/path' },
      'DIRECTLINE_ALLOWED_ORIGINS must be a comma-separated list of origins like https://shop.example.com, or * (received "https://shop.example/path")',
    ],
    [
      { DIRECTLINE_RETENTION_HOURS: '0' },
      'DIRECTLINE_RETENTION_HOURS must be a number above 0 (received "0")',
    ],
    [
      { DIRECTLINE_MAX_UPLOAD_MB: 'big' },
      'DIRECTLINE_MAX_UPLOAD_MB must be a number above 0 (received "big")',
    ],
    [
      { DIRECTLINE_TOKEN_RATE_LIMIT: '2.5' },
      'DIRECTLINE_TOKEN_RATE_LIMIT must be a whole number above 0 (received "2.5")',
    ],
    ...['proxy.internal', '10.0.0.0/33', '*', 'true', '300.1.1.1'].map(
      (entry): [Record<string, string>, string] => [
        { TRUST_PROXY: `127.0.0.1,${entry}` },
        `TRUST_PROXY must be a comma-separated list of proxy addresses, CIDR ranges such as 10.0.0.0/8, or loopback, linklocal, uniquelocal (received "${entry}")`,
      ],
    ),
    [{ BOT_ACCENT_COLOR: 'blue' }, 'BOT_ACCENT_COLOR must be a colour like #0063b1 (received "blue")'],
    [{ DEFAULT_LOCALE: 'fr' }, 'DEFAULT_LOCALE must be one of en, es, zh-CN, zh-TW, lv (received "fr")'],
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (received "loud")',
    ],
    [
      { MicrosoftAppType: 'Tenant' },
      'MicrosoftAppType must be one of MultiTenant, SingleTenant, UserAssignedMSI (received "Tenant")',
    ],
    [
      { BOTFRAMEWORK_SERVICE_URLS: 'http://localhost:*,localhost:3979' },
      'BOTFRAMEWORK_SERVICE_URLS must be a comma-separated list of URL patterns such as http://localhost:* or https://*.botframework.com (received "localhost:3979")',
    ],
    [
      { BOTFRAMEWORK_SERVICE_URLS: 'ftp://files.example' },
      'BOTFRAMEWORK_SERVICE_URLS must be a comma-separated list of URL patterns such as http://localhost:* or https://*.botframework.com (received "ftp://files.example")',
    ],
    [
      { BOTFRAMEWORK_TIMEOUT_MS: '50' },
      'BOTFRAMEWORK_TIMEOUT_MS must be a whole number from 100 to 60000 (received "50")',
    ],
    [{ MicrosoftAppId: 'id' }, 'MicrosoftAppPassword must be set when MicrosoftAppId is set (value hidden)'],
    [{ MicrosoftAppPassword: 'p' }, 'MicrosoftAppId must be set when MicrosoftAppPassword is set'],
    [
      { RECOGNIZER_ROUTE_THRESHOLD: '1.5' },
      'RECOGNIZER_ROUTE_THRESHOLD must be a number from 0 to 1 (received "1.5")',
    ],
    [
      { RECOGNIZER_SUGGEST_THRESHOLD: 'low' },
      'RECOGNIZER_SUGGEST_THRESHOLD must be a number from 0 to 1 (received "low")',
    ],
    [
      { RECOGNIZER_ROUTE_THRESHOLD: '0.3', RECOGNIZER_SUGGEST_THRESHOLD: '0.5' },
      'RECOGNIZER_SUGGEST_THRESHOLD must not be above RECOGNIZER_ROUTE_THRESHOLD (received 0.5 and 0.3)',
    ],
    [
      { MicrosoftAppId: 'id', MicrosoftAppPassword: 'p', MicrosoftAppType: 'SingleTenant' },
      'MicrosoftAppTenantId must be set when MicrosoftAppType is SingleTenant',
    ],
  ];
  for (const [env, message] of badValues) {
    it(`rejects ${JSON.stringify(env)} naming the variable and the expected form`, () => {
      assert.deepEqual(problemsOf(env), [message]);
    });
  }

  it('reports every problem at once', () => {
    assert.equal(problemsOf({ STORAGE: 'mongo', PORT: 'x', DEFAULT_LOCALE: 'fr' }).length, 3);
  });

  it('never prints a secret in its message', () => {
    const secret = 'super-secret-password-value';
    try {
      parseConfig({ MicrosoftAppPassword: secret, MicrosoftAppType: 'Nope' });
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.ok(!error.message.includes(secret), error.message);
    }
  });
});

describe('loadConfig()', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a .env file in the working directory', () => {
    fs.writeFileSync(path.join(dir, '.env'), 'PORT=4000\nSTORAGE=memory\n# comment\n');
    const config = loadConfig({}, dir);
    assert.equal(config.port, 4000);
    assert.equal(config.storage, 'memory');
  });

  it('lets the environment win over the .env file', () => {
    fs.writeFileSync(path.join(dir, '.env'), 'PORT=4000\n');
    assert.equal(loadConfig({ PORT: '5000' }, dir).port, 5000);
  });

  it('works without a .env file', () => {
    assert.equal(loadConfig({}, dir).port, 3978);
  });

  it('validates values from the .env file too', () => {
    fs.writeFileSync(path.join(dir, '.env'), 'STORAGE=mongo\n');
    assert.throws(
      () => loadConfig({}, dir),
      /STORAGE must be one of sqlite, memory, postgres \(received "mongo"\)/,
    );
  });
});
