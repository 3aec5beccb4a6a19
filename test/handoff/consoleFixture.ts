import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import restify from 'restify';
import type { SharedDatabase } from '../../bot/database';
import { createI18n, translator } from '../../bot/i18n';
import { silentLogger } from '../../bot/logger';
import { setTurnLanguage } from '../../bot/middleware';
import type { AgentAccount, AgentRole } from '../../handoff/agentDirectory';
import {
  mountConsoleApi,
  type ChannelStatus,
  type ConsoleApi,
  type ConsoleApiDeps,
} from '../../handoff/consoleApi';
import { mountConsolePage } from '../../handoff/consolePage';
import { HandoffDesk, handoffSignal, type ProactiveSender } from '../../handoff/handoffDesk';
import type { HandoffCase, NewCase } from '../../handoff/handoffStore';
import { openHandoffDatabase, type HandoffDatabase } from '../../handoff';
import { parseTeamsConfig } from '../../handoff/teams';

/** Every test account has this password. */
export const PASSWORD = 'correct horse battery';

const ALWAYS = ['00:00-24:00'];
const WEEK = { mon: ALWAYS, tue: ALWAYS, wed: ALWAYS, thu: ALWAYS, fri: ALWAYS, sat: ALWAYS, sun: ALWAYS };

/** Two teams, both always open: English support for anything, Spanish order questions. */
export const TEAMS = parseTeamsConfig(
  {
    teams: [
      {
        id: 'support',
        name: 'Customer support',
        locales: ['en'],
        topics: ['*'],
        timezone: 'UTC',
        hours: WEEK,
      },
      {
        id: 'orders-es',
        name: 'Pedidos',
        locales: ['es'],
        topics: ['orderStatus'],
        timezone: 'Europe/Madrid',
        hours: WEEK,
      },
    ],
  },
  'test teams',
);

/** The accounts each fixture starts with. */
const ACCOUNTS: { username: string; name: string; role: AgentRole; teams: string[] }[] = [
  { username: 'ana', name: 'Ana García', role: 'agent', teams: ['support'] },
  { username: 'bruno', name: 'Bruno Díaz', role: 'agent', teams: ['support'] },
  { username: 'carla', name: 'Carla Ruiz', role: 'agent', teams: ['orders-es'] },
  { username: 'lena', name: 'Lena Berg', role: 'lead', teams: [] },
];

/** What the fake channel would have sent to a customer. */
export interface Delivery {
  conversationId: string | undefined;
  activity: Partial<Activity>;
}

/** Records what the desk sends instead of reaching a channel. */
class RecordingAdapter extends BotAdapter {
  constructor(private readonly sink: Delivery[]) {
    super();
  }

  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    for (const activity of activities) {
      this.sink.push({ conversationId: context.activity.conversation?.id, activity });
    }
    return activities.map((_, index) => ({ id: `sent-${this.sink.length}-${index}` }));
  }

  async updateActivity(): Promise<void> {
    throw new Error('RecordingAdapter: updateActivity is not supported');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('RecordingAdapter: deleteActivity is not supported');
  }

  async continueConversation(): Promise<void> {
    throw new Error('RecordingAdapter: use the ProactiveSender');
  }
}

export interface ConsoleFixture {
  url: string;
  dataDir: string;
  database: HandoffDatabase;
  desk: HandoffDesk;
  server: restify.Server;
  consoleApi: ConsoleApi;
  accounts: Record<string, AgentAccount>;
  /** Everything delivered to customers, in order. */
  deliveries: Delivery[];
  /** Handoff signals the bot received (ended, …). */
  signals: string[];
  /** Set to make the fake channel throw, as an unreachable channel does. */
  channel: { failing: boolean };
  close(): Promise<void>;
}

/**
 * A console API (and page) on a real restify server at 127.0.0.1:0, over a real handoff
 * database in a temporary folder, with a fake channel that records what it would deliver.
 */
export async function startConsole(
  options: Partial<
    Pick<ConsoleApiDeps, 'now' | 'loginLimit' | 'isClosing' | 'channels' | 'deliveryReports'>
  > & {
    /** The agents' shared database (another instance's too); the fixture's own file otherwise. */
    agentsDatabase?: SharedDatabase;
  } = {},
): Promise<ConsoleFixture> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-console-'));
  const database = openHandoffDatabase(dataDir, undefined, options.agentsDatabase);
  const deliveries: Delivery[] = [];
  const signals: string[] = [];
  const channel = { failing: false };
  const i18n = createI18n();
  const adapter = new RecordingAdapter(deliveries);
  const sender: ProactiveSender = async (reference: Partial<ConversationReference>, logic) => {
    if (channel.failing) throw new Error('fake channel: the customer cannot be reached');
    const context = new TurnContext(adapter, {
      type: 'event',
      name: 'proactive',
      channelId: reference.channelId,
      conversation: reference.conversation,
      from: reference.user,
      recipient: reference.bot,
      serviceUrl: reference.serviceUrl,
    });
    setTurnLanguage(context, { locale: 'en', t: translator(i18n, 'en') });
    await logic(context);
  };
  const logger = silentLogger();
  const desk = new HandoffDesk({
    store: database.store,
    teams: TEAMS,
    channels: new Map([['default', sender]]),
    runBot: async (context) => {
      signals.push(handoffSignal(context) ?? 'none');
    },
    logger,
  });
  const accounts: Record<string, AgentAccount> = {};
  for (const account of ACCOUNTS) {
    // On a shared database the first instance created them.
    accounts[account.username] =
      (await database.agents.find(account.username)) ??
      (await database.agents.create({ ...account, password: PASSWORD }));
  }
  const server = restify.createServer({ name: 'console-test', handleUncaughtExceptions: false });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  const consoleApi = mountConsoleApi(server, {
    desk,
    agents: database.agents,
    logger,
    isClosing: options.isClosing ?? (() => false),
    ...(options.now ? { now: options.now } : {}),
    ...(options.loginLimit ? { loginLimit: options.loginLimit } : {}),
    ...(options.channels ? { channels: options.channels } : {}),
    ...(options.deliveryReports ? { deliveryReports: options.deliveryReports } : {}),
  });
  mountConsolePage(server);
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address: AddressInfo = server.address();
  const { port } = address;
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    database,
    desk,
    server,
    consoleApi,
    accounts,
    deliveries,
    signals,
    channel,
    close: async () => {
      consoleApi.close();
      server.server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let conversationCounter = 0;

/** Puts a conversation in the queue directly, as `desk.request` would from a customer's turn. */
export async function queueCase(
  fixture: ConsoleFixture,
  overrides: Partial<NewCase> = {},
): Promise<HandoffCase> {
  conversationCounter += 1;
  const conversationId = `conv-${conversationCounter}`;
  const channelId = overrides.channelId ?? 'directline';
  const queued = await fixture.database.store.enqueue({
    conversationKey: `${channelId}/${conversationId}`,
    channelId,
    reference: {
      channelId,
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
      user: { id: `user-${conversationCounter}`, name: 'Customer' },
      bot: { id: 'switchboard', name: 'Switchboard' },
      serviceUrl: 'http://localhost',
    },
    locale: 'en',
    customerName: 'Maria Lopez',
    reason: 'customerAsked',
    topic: 'orderStatus',
    sentiment: undefined,
    tags: [],
    team: 'support',
    boostMs: 0,
    collected: {},
    ...overrides,
  });
  return queued.handoffCase;
}

/** A JSON answer: status, headers and the parsed body (undefined when empty). */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

async function answer<T>(response: Response): Promise<Answer<T>> {
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}

/** A logged-in console session (cookie + CSRF token), as the page holds it. */
export class ConsoleSession {
  constructor(
    readonly url: string,
    readonly cookie: string,
    readonly csrfToken: string,
  ) {}

  get<T = Record<string, unknown>>(route: string, headers: Record<string, string> = {}): Promise<Answer<T>> {
    return fetch(`${this.url}${route}`, { headers: { cookie: this.cookie, ...headers } }).then((r) =>
      answer<T>(r),
    );
  }

  post<T = Record<string, unknown>>(
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    return this.send<T>('POST', route, body, headers);
  }

  /** A request of any method, with the session's cookie and CSRF token. */
  send<T = Record<string, unknown>>(
    method: 'POST' | 'PUT' | 'DELETE',
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    return fetch(`${this.url}${route}`, {
      method,
      headers: {
        cookie: this.cookie,
        'x-csrf-token': this.csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((r) => answer<T>(r));
  }
}

/**
 * Creates console accounts (password {@link PASSWORD}, name = username) in a server's agent
 * directory; an account that exists already is left as it is.
 */
export async function createAccounts(
  agents: HandoffDatabase['agents'],
  accounts: readonly (readonly [username: string, role: AgentRole])[],
  teams: string[] = ['support'],
): Promise<void> {
  for (const [username, role] of accounts) {
    if (!(await agents.find(username)))
      await agents.create({ username, name: username, role, teams, password: PASSWORD });
  }
}

/** Posts a login; returns the raw answer and the cookie it set (if any). */
export async function postLogin(
  url: string,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Answer & { setCookie: string | undefined }> {
  const response = await fetch(`${url}/api/console/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username, password }),
  });
  const setCookie = response.headers.getSetCookie().find((value) => value.startsWith('sb_console='));
  return { ...(await answer(response)), setCookie };
}

/** Logs in with the shared test password and returns the session. */
export async function login(url: string, username: string): Promise<ConsoleSession> {
  const result = await postLogin(url, username, PASSWORD);
  if (result.status !== 200 || !result.setCookie) {
    throw new Error(`login as ${username} failed: ${result.status} ${JSON.stringify(result.body)}`);
  }
  const cookie = result.setCookie.split(';')[0] ?? '';
  return new ConsoleSession(url, cookie, String(result.body.csrfToken));
}

/** What the server reports while WhatsApp Web waits for its QR code to be scanned. */
export const WAITING_FOR_QR: ChannelStatus[] = [
  { name: 'web', ready: true, checks: {} },
  {
    name: 'whatsapp',
    ready: true,
    checks: { whatsappWeb: { state: 'qr', since: '2026-12-01T10:00:00.000Z' } },
    linkCode: '2@QYx9/link-code-from-whatsapp-web,abc=,def=,ghi=',
  },
];
