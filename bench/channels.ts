import { createHmac } from 'node:crypto';
import http from 'node:http';
import { WebSocket } from 'ws';
import { FAKE_GRAPH_TOKEN, FAKE_PHONE_NUMBER_ID, FakeGraphApi } from '../test/support/fakeGraphApi';
import { FAKE_BOT_TOKEN, FakeTelegramApi } from '../test/support/fakeTelegramApi';
import { postJson, UnexpectedReplyError, type LoadResult } from './load';

/** One customer message on a channel: what is said, and the text its last reply contains. */
export interface ChannelTurn {
  text: string;
  /** The turn is over once a reply containing this arrived (channels render texts their way). */
  last: string;
  /** Returns what is wrong with the turn's replies (their texts, as shown), or undefined. */
  check: (replies: string[]) => string | undefined;
}

export type ChannelScript = (n: number) => ChannelTurn[];

/** One customer's conversation on a channel. */
export interface ChannelConversation {
  /** Sends a message and resolves with the texts of the replies once the last one arrived. */
  say(turn: ChannelTurn): Promise<string[]>;
  close(): void;
}

/** A way of reaching the bot as customers of one channel do. */
export interface ChannelDriver {
  readonly name: string;
  /** Starts a conversation (on Direct Line: creates it, connects its stream, waits for the welcome). */
  open(id: number): Promise<ChannelConversation>;
  close(): Promise<void>;
}

/** Longest wait for one turn's replies before the benchmark stops as broken. */
const TURN_TIMEOUT_MS = 30_000;

/**
 * What the bot showed one customer, fed as replies arrive (a WebSocket frame, a call the bot
 * made to a fake channel API); {@link until} resolves as soon as the texts satisfy a check.
 */
class Inbox {
  private texts: string[] = [];
  private waiting: { check: (texts: string[]) => boolean; resolve: () => void } | undefined;

  push(text: string): void {
    this.texts.push(text);
    if (this.waiting?.check(this.texts)) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve();
    }
  }

  /** The texts since the last call, and forgets them. */
  take(): string[] {
    const texts = this.texts;
    this.texts = [];
    return texts;
  }

  until(check: (texts: string[]) => boolean, what: string): Promise<void> {
    if (check(this.texts)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(
          new UnexpectedReplyError(
            `${what}: no such reply within ${TURN_TIMEOUT_MS} ms; got ${JSON.stringify(this.texts)}`,
          ),
        );
      }, TURN_TIMEOUT_MS);
      this.waiting = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
  }
}

/** The replies of a turn are complete once one contains the turn's last text. */
const endsTurn =
  (last: string) =>
  (texts: string[]): boolean =>
    texts.some((text) => text.includes(last));

/**
 * NOTE: the fakes record every call in a public array and are made for tests that look through
 * it; the benchmark makes tens of thousands of calls, so it hears of each call as it is
 * recorded (the array's `push`) and keeps the array empty.
 */
function onRecorded<T>(calls: T[], listener: (call: T) => void): void {
  calls.push = (...items: T[]): number => {
    for (const item of items) listener(item);
    return 0;
  };
}

/** Direct Line 3.0 as Web Chat speaks it: a conversation, its WebSocket stream, activities posted. */
export class DirectLineDriver implements ChannelDriver {
  readonly name = 'Direct Line (WebSocket)';
  private readonly agent: http.Agent;

  constructor(
    private readonly baseUrl: string,
    private readonly secret: string,
    private readonly welcomeLast: string,
    concurrency: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  }

  async open(id: number): Promise<ChannelConversation> {
    const userId = `dl-user-${id}`;
    const created = await postJson(
      this.agent,
      new URL('/v3/directline/conversations', this.baseUrl),
      JSON.stringify({ user: { id: userId }, locale: 'en-US' }),
      { authorization: `Bearer ${this.secret}` },
    );
    if (created.status !== 201 && created.status !== 200)
      throw new UnexpectedReplyError(
        `Direct Line: starting a conversation answered ${created.status} ${created.text}`,
      );
    const { conversationId, token, streamUrl } = JSON.parse(created.text) as {
      conversationId: string;
      token: string;
      streamUrl: string;
    };
    const inbox = new Inbox();
    const socket = new WebSocket(streamUrl);
    socket.on('message', (data: Buffer) => {
      const frame = data.toString('utf8');
      if (!frame) return;
      const set = JSON.parse(frame) as {
        activities?: { type?: string; text?: string; from?: { id?: string } }[];
      };
      for (const activity of set.activities ?? []) {
        if (activity.type === 'message' && activity.from?.id !== userId) inbox.push(activity.text ?? '');
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('error', () => undefined);
    // The bot welcomes a new conversation by itself; that is not one of the measured turns.
    await inbox.until(endsTurn(this.welcomeLast), `Direct Line conversation ${conversationId}: the welcome`);
    inbox.take();
    const activities = new URL(
      `/v3/directline/conversations/${encodeURIComponent(conversationId)}/activities`,
      this.baseUrl,
    );
    return {
      say: async (turn) => {
        const done = inbox.until(
          endsTurn(turn.last),
          `Direct Line conversation ${conversationId}, "${turn.text}"`,
        );
        const posted = await postJson(
          this.agent,
          activities,
          JSON.stringify({ type: 'message', from: { id: userId }, text: turn.text, locale: 'en-US' }),
          { authorization: `Bearer ${token}` },
        );
        if (posted.status !== 200)
          throw new UnexpectedReplyError(
            `Direct Line: posting "${turn.text}" answered ${posted.status} ${posted.text}`,
          );
        await done;
        return inbox.take();
      },
      close: () => socket.close(),
    };
  }

  close(): Promise<void> {
    this.agent.destroy();
    return Promise.resolve();
  }
}

/** The secret Telegram would send with every webhook call (TELEGRAM_WEBHOOK_SECRET). */
export const BENCH_TELEGRAM_SECRET = 'bench-telegram-webhook-secret';

/** Telegram in webhook mode: updates posted to `/api/telegram`, replies sent to the fake Bot API. */
export class TelegramDriver implements ChannelDriver {
  readonly name = 'Telegram webhook';
  private readonly agent: http.Agent;
  private readonly inboxes = new Map<string, Inbox>();
  private updateId = 1;
  private messageId = 1;

  private constructor(
    private readonly baseUrl: string,
    fake: FakeTelegramApi,
    concurrency: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    onRecorded(fake.calls, (call) => {
      if (call.method !== 'sendMessage' || call.refused) return;
      const { text } = call.params;
      this.inboxes.get(String(call.params.chat_id))?.push(typeof text === 'string' ? text : '');
    });
  }

  /** Starts the fake Bot API (before the bot, which calls it at start-up). */
  static async startFake(): Promise<FakeTelegramApi> {
    return FakeTelegramApi.start();
  }

  static forBot(baseUrl: string, fake: FakeTelegramApi, concurrency: number): TelegramDriver {
    return new TelegramDriver(baseUrl, fake, concurrency);
  }

  open(id: number): Promise<ChannelConversation> {
    const chatId = 700_000_000 + id;
    const inbox = new Inbox();
    this.inboxes.set(String(chatId), inbox);
    const webhook = new URL('/api/telegram', this.baseUrl);
    return Promise.resolve({
      say: async (turn) => {
        const done = inbox.until(endsTurn(turn.last), `Telegram chat ${chatId}, "${turn.text}"`);
        const update = {
          update_id: this.updateId++,
          message: {
            message_id: this.messageId++,
            from: { id: chatId, is_bot: false, first_name: 'Customer', language_code: 'en' },
            chat: { id: chatId, type: 'private', first_name: 'Customer' },
            date: Math.floor(Date.now() / 1000),
            text: turn.text,
          },
        };
        const posted = await postJson(this.agent, webhook, JSON.stringify(update), {
          'x-telegram-bot-api-secret-token': BENCH_TELEGRAM_SECRET,
        });
        if (posted.status !== 200)
          throw new UnexpectedReplyError(
            `Telegram webhook: "${turn.text}" answered ${posted.status} ${posted.text}`,
          );
        await done;
        return inbox.take();
      },
      close: () => this.inboxes.delete(String(chatId)),
    });
  }

  /** Closes the connections (the fake API is the caller's to close). */
  close(): Promise<void> {
    this.agent.destroy();
    return Promise.resolve();
  }
}

/** The app secret the fake Meta signs webhook calls with (WHATSAPP_CLOUD_APP_SECRET). */
export const BENCH_WHATSAPP_APP_SECRET = 'bench-whatsapp-app-secret';
export const BENCH_WHATSAPP_VERIFY_TOKEN = 'bench-whatsapp-verify-token';

/** WhatsApp Cloud API: signed notifications posted to `/api/whatsapp`, replies sent to the fake Graph API. */
export class WhatsAppCloudDriver implements ChannelDriver {
  readonly name = 'WhatsApp Cloud webhook';
  private readonly agent: http.Agent;
  private readonly inboxes = new Map<string, Inbox>();
  private messageId = 1;

  private constructor(
    private readonly baseUrl: string,
    fake: FakeGraphApi,
    concurrency: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    onRecorded(fake.calls, (call) => {
      const body = call.body as {
        to?: unknown;
        status?: unknown;
        text?: { body?: unknown };
        interactive?: { body?: { text?: unknown } };
      };
      if (call.endpoint !== 'messages' || call.status !== 200 || body.status === 'read') return;
      const text = body.text?.body ?? body.interactive?.body?.text;
      this.inboxes.get(String(body.to))?.push(typeof text === 'string' ? text : '');
    });
  }

  static async startFake(): Promise<FakeGraphApi> {
    return FakeGraphApi.start();
  }

  static forBot(baseUrl: string, fake: FakeGraphApi, concurrency: number): WhatsAppCloudDriver {
    return new WhatsAppCloudDriver(baseUrl, fake, concurrency);
  }

  open(id: number): Promise<ChannelConversation> {
    const waId = String(15_550_000_000 + id);
    const inbox = new Inbox();
    this.inboxes.set(waId, inbox);
    const webhook = new URL('/api/whatsapp', this.baseUrl);
    return Promise.resolve({
      say: async (turn) => {
        const done = inbox.until(endsTurn(turn.last), `WhatsApp ${waId}, "${turn.text}"`);
        const body = JSON.stringify({
          object: 'whatsapp_business_account',
          entry: [
            {
              id: 'bench-waba',
              changes: [
                {
                  field: 'messages',
                  value: {
                    messaging_product: 'whatsapp',
                    metadata: { display_phone_number: '15550001111', phone_number_id: FAKE_PHONE_NUMBER_ID },
                    contacts: [{ profile: { name: 'Customer' }, wa_id: waId }],
                    messages: [
                      {
                        from: waId,
                        id: `wamid.bench${this.messageId++}`,
                        timestamp: String(Math.floor(Date.now() / 1000)),
                        type: 'text',
                        text: { body: turn.text },
                      },
                    ],
                  },
                },
              ],
            },
          ],
        });
        const signature = createHmac('sha256', BENCH_WHATSAPP_APP_SECRET).update(body).digest('hex');
        const posted = await postJson(this.agent, webhook, body, {
          'x-hub-signature-256': `sha256=${signature}`,
        });
        if (posted.status !== 200)
          throw new UnexpectedReplyError(
            `WhatsApp webhook: "${turn.text}" answered ${posted.status} ${posted.text}`,
          );
        await done;
        return inbox.take();
      },
      close: () => this.inboxes.delete(waId),
    });
  }

  /** Closes the connections (the fake API is the caller's to close). */
  close(): Promise<void> {
    this.agent.destroy();
    return Promise.resolve();
  }
}

/** The environment that turns the fakes' channels on in a full bot. */
export function channelEnv(
  telegram: FakeTelegramApi,
  graph: FakeGraphApi,
  directLineSecret: string,
): Record<string, string> {
  return {
    DIRECTLINE_SECRET: directLineSecret,
    TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
    TELEGRAM_API_ROOT: telegram.url,
    TELEGRAM_WEBHOOK_URL: 'https://bench.invalid/api/telegram',
    TELEGRAM_WEBHOOK_SECRET: BENCH_TELEGRAM_SECRET,
    WHATSAPP_MODE: 'cloud',
    WHATSAPP_CLOUD_TOKEN: FAKE_GRAPH_TOKEN,
    WHATSAPP_CLOUD_PHONE_NUMBER_ID: FAKE_PHONE_NUMBER_ID,
    WHATSAPP_CLOUD_APP_SECRET: BENCH_WHATSAPP_APP_SECRET,
    WHATSAPP_CLOUD_VERIFY_TOKEN: BENCH_WHATSAPP_VERIFY_TOKEN,
    WHATSAPP_CLOUD_API_ROOT: graph.url,
  };
}

export interface ChannelLoadOptions {
  driver: ChannelDriver;
  concurrency: number;
  conversations: number;
  script: ChannelScript;
  /** Conversation numbers start here (unique across phases: every conversation is new). */
  firstId: number;
  timeoutMs: number;
}

/**
 * Runs `conversations` scripted conversations on one channel, `concurrency` at a time, each
 * turn timed from sending to its last reply; every turn's replies are checked.
 */
export async function runChannelLoad(options: ChannelLoadOptions): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  let turns = 0;
  let failed = false;
  const deadline = performance.now() + options.timeoutMs;
  const talk = async (n: number): Promise<void> => {
    const conversation = await options.driver.open(options.firstId + n);
    try {
      for (const turn of options.script(n)) {
        if (failed) return;
        if (performance.now() > deadline)
          throw new Error(`${options.driver.name}: not done within ${options.timeoutMs} ms`);
        const sent = performance.now();
        const replies = await conversation.say(turn);
        latenciesMs.push(performance.now() - sent);
        turns += 1;
        const problem = turn.check(replies);
        if (problem)
          throw new UnexpectedReplyError(
            `${options.driver.name}, conversation ${n}, "${turn.text}": ${problem}; replies: ${JSON.stringify(replies)}`,
          );
      }
    } finally {
      conversation.close();
    }
  };
  const worker = async (): Promise<void> => {
    while (!failed && next < options.conversations) {
      const n = next++;
      try {
        await talk(n);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.conversations) }, worker));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    turns,
    conversations: options.conversations,
    elapsedMs,
    latenciesMs,
    driverCpuMicros: cpu.user + cpu.system,
  };
}
