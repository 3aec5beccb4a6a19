/**
 * A local fake of the Telegram Bot API (https://core.telegram.org/bots/api), enough for the bot
 * to run against it through `TELEGRAM_API_ROOT`: calls arrive at `/bot<token>/<method>` as JSON
 * or multipart form data, and are answered `{ok: true, result}` or
 * `{ok: false, error_code, description, parameters?}`. It records what the bot sent, holds
 * `getUpdates` long polls (with `offset` confirming earlier updates), and can be told to fail.
 */
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';

export const FAKE_BOT_TOKEN = '777000111:AAFakeTokenForTestsOnly_abcdefghijk';
export const FAKE_BOT = {
  id: 777000111,
  is_bot: true,
  first_name: 'Switchboard',
  username: 'switchboard_test_bot',
};

/** A file uploaded in a multipart call. */
export interface UploadedFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/** One call the bot made, with its parameters (JSON values parsed, files as {@link UploadedFile}). */
export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  /** The failure the call was answered with, when it was refused. */
  refused?: InjectedFailure;
}

/** A refusal to inject. */
export interface InjectedFailure {
  error_code: number;
  description: string;
  retry_after?: number;
}

interface FailureRule {
  method: string;
  chatId?: string;
  failure: InjectedFailure;
  times: number;
}

/** An update as a test writes it; `update_id` is added in order. */
export type UpdateBody = Record<string, unknown>;

interface WaitingPoll {
  offset: number;
  limit: number;
  respond: (updates: UpdateBody[]) => void;
}

const BLOCKED: InjectedFailure = { error_code: 403, description: 'Forbidden: bot was blocked by the user' };
const SENDS = new Set(['sendMessage', 'sendDocument', 'sendChatAction', 'editMessageText', 'deleteMessage']);

export class FakeTelegramApi {
  readonly calls: RecordedCall[] = [];
  private readonly events = new EventEmitter();
  private readonly server: http.Server;
  private readonly pending: UpdateBody[] = [];
  private readonly polls = new Set<WaitingPoll>();
  private readonly failures: FailureRule[] = [];
  private readonly blocked = new Set<string>();
  private readonly messages = new Map<string, Set<number>>();
  /**
   * NOTE: each fake starts its update ids somewhere of its own, as bots do: servers with
   * `REDIS_URL` claim the ids they saw in Redis for a day, and the test Redis outlives a run.
   */
  private nextUpdateId = 5000 + randomInt(1_000_000_000);
  private nextMessageId = 100;
  private webhook: { url: string; secret?: string } | undefined;
  url = '';

  private constructor() {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error_code: 500, description: String(error) }));
      });
    });
    this.events.setMaxListeners(0);
  }

  /** Starts a fake on a free loopback port; `url` is the value for `TELEGRAM_API_ROOT`. */
  static async start(): Promise<FakeTelegramApi> {
    const fake = new FakeTelegramApi();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    for (const poll of this.polls) poll.respond([]);
    this.polls.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The webhook the bot set, if any. */
  get currentWebhook(): { url: string; secret?: string } | undefined {
    return this.webhook;
  }

  // --- what tests do ------------------------------------------------------------------------

  /** Queues an update for `getUpdates` (and returns it with its `update_id`). */
  queueUpdate(update: UpdateBody): UpdateBody {
    const withId = { update_id: this.nextUpdateId++, ...update };
    this.pending.push(withId);
    this.answerPolls();
    return withId;
  }

  /** A new `update_id`, for updates a test posts to the webhook itself. */
  takeUpdateId(): number {
    return this.nextUpdateId++;
  }

  /** The next `times` calls of `method` (to `chatId`, when given) fail with `failure`. */
  failNext(
    method: string,
    failure: InjectedFailure,
    options: { chatId?: string; times?: number } = {},
  ): void {
    this.failures.push({ method, failure, chatId: options.chatId, times: options.times ?? 1 });
  }

  /** Every later send to `chatId` is refused with 403 "bot was blocked by the user". */
  block(chatId: string): void {
    this.blocked.add(chatId);
  }

  /** Calls of `method`, optionally to one chat. */
  callsOf(method: string, chatId?: string): RecordedCall[] {
    return this.calls.filter(
      (call) => call.method === method && (chatId === undefined || chatIdOf(call.params) === chatId),
    );
  }

  /** Texts the bot sent to a chat with sendMessage (and that were not refused), in order. */
  textsTo(chatId: string): string[] {
    return this.callsOf('sendMessage', chatId)
      .filter((call) => !call.refused)
      .map((call) => String(call.params.text));
  }

  /**
   * Resolves once `check()` holds, looking again after every call the bot makes; rejects after
   * `ms` naming `description` and the calls so far (a failure message, not a timed assertion).
   */
  async until(description: string, check: () => boolean, ms = 15_000): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('call', onCall);
        reject(
          new Error(
            `until(${description}): not reached; calls: ${JSON.stringify(this.calls.map((c) => c.method))}`,
          ),
        );
      }, ms);
      const onCall = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.events.off('call', onCall);
        resolve();
      };
      this.events.on('call', onCall);
    });
  }

  // --- the Bot API --------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', this.url).pathname);
    if (!match) return this.reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method = ''] = match;
    if (token !== FAKE_BOT_TOKEN) {
      return this.reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const params = await readParams(req);
    const chatId = chatIdOf(params);
    const failure = this.failureFor(method, chatId);
    this.calls.push({ method, params, ...(failure ? { refused: failure } : {}) });
    this.events.emit('call');
    if (failure) {
      const { retry_after, ...rest } = failure;
      return this.reply(res, failure.error_code, {
        ok: false,
        ...rest,
        ...(retry_after === undefined ? {} : { parameters: { retry_after } }),
      });
    }
    if (method === 'getUpdates') return this.getUpdates(req, res, params);
    const result = this.result(method, params, chatId);
    if (result instanceof Error) {
      return this.reply(res, 400, { ok: false, error_code: 400, description: result.message });
    }
    return this.reply(res, 200, { ok: true, result });
  }

  private failureFor(method: string, chatId: string | undefined): InjectedFailure | undefined {
    if (SENDS.has(method) && chatId !== undefined && this.blocked.has(chatId)) return BLOCKED;
    const rule = this.failures.find(
      (candidate) =>
        candidate.method === method && (candidate.chatId === undefined || candidate.chatId === chatId),
    );
    if (!rule) return undefined;
    rule.times -= 1;
    if (rule.times <= 0) this.failures.splice(this.failures.indexOf(rule), 1);
    return rule.failure;
  }

  private result(method: string, params: Record<string, unknown>, chatId: string | undefined): unknown {
    const message = (extra: Record<string, unknown>) => {
      const id = this.nextMessageId++;
      const ids = this.messages.get(chatId ?? '') ?? new Set<number>();
      ids.add(id);
      this.messages.set(chatId ?? '', ids);
      return {
        message_id: id,
        date: Math.floor(Date.now() / 1000),
        chat: { id: Number(chatId), type: 'private' },
        ...extra,
      };
    };
    switch (method) {
      case 'getMe':
        return FAKE_BOT;
      case 'setWebhook':
        if (typeof params.url !== 'string') return new Error('Bad Request: bad webhook: URL is required');
        this.webhook = { url: params.url, secret: params.secret_token as string | undefined };
        return true;
      case 'deleteWebhook':
        this.webhook = undefined;
        return true;
      case 'setMyCommands':
      case 'answerCallbackQuery':
      case 'sendChatAction':
        return true;
      case 'sendMessage':
        if (typeof params.text !== 'string' || params.text === '')
          return new Error('Bad Request: message text is empty');
        if (params.text.length > 4096) return new Error('Bad Request: message is too long');
        return message({ text: params.text });
      case 'sendDocument': {
        const document = params.document as UploadedFile | undefined;
        if (!document?.bytes) return new Error('Bad Request: there is no document in the request');
        return message({ document: { file_id: `file-${document.fileName}`, file_name: document.fileName } });
      }
      case 'editMessageText':
      case 'deleteMessage': {
        const known = this.messages.get(chatId ?? '')?.has(Number(params.message_id));
        if (!known)
          return new Error(
            `Bad Request: message to ${method === 'deleteMessage' ? 'delete' : 'edit'} not found`,
          );
        if (method === 'deleteMessage') {
          this.messages.get(chatId ?? '')?.delete(Number(params.message_id));
          return true;
        }
        return {
          message_id: Number(params.message_id),
          chat: { id: Number(chatId), type: 'private' },
          text: params.text,
        };
      }
      default:
        return new Error(`Bad Request: method ${method} is not in the fake`);
    }
  }

  /** Long poll: confirms updates below `offset`, answers at once when any are pending, else waits. */
  private getUpdates(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    params: Record<string, unknown>,
  ): void {
    if (this.webhook) {
      return this.reply(res, 409, {
        ok: false,
        error_code: 409,
        description:
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      });
    }
    const offset = Number(params.offset ?? 0);
    const limit = Math.min(100, Number(params.limit ?? 100));
    const timeout = Number(params.timeout ?? 0);
    while (this.pending.length > 0 && Number(this.pending[0]!.update_id) < offset) this.pending.shift();
    const poll: WaitingPoll = {
      offset,
      limit,
      respond: (updates) => {
        this.polls.delete(poll);
        clearTimeout(timer);
        if (!res.writableEnded) this.reply(res, 200, { ok: true, result: updates });
      },
    };
    const timer = setTimeout(() => poll.respond([]), timeout * 1000);
    this.polls.add(poll);
    req.on('close', () => {
      clearTimeout(timer);
      this.polls.delete(poll);
    });
    this.answerPolls();
  }

  private answerPolls(): void {
    for (const poll of [...this.polls]) {
      const ready = this.pending
        .filter((update) => Number(update.update_id) >= poll.offset)
        .slice(0, poll.limit);
      if (ready.length > 0) poll.respond(ready);
    }
  }

  private reply(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

/** The `chat_id` of a call as a string (JSON sends a number, multipart a string). */
function chatIdOf(params: Record<string, unknown>): string | undefined {
  const id = params.chat_id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/** The call's parameters from a JSON or multipart body (or the query string). */
async function readParams(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) return readMultipart(req);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function readMultipart(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const params: Record<string, unknown> = {};
    const files: Promise<void>[] = [];
    const parser = busboy({ headers: req.headers });
    parser.on('field', (name, value) => {
      // Bot API form fields that hold objects are JSON, as in the reference.
      try {
        params[name] = /^[[{]/.test(value) ? (JSON.parse(value) as unknown) : value;
      } catch {
        params[name] = value;
      }
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      files.push(
        new Promise((done, fail) => {
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', fail);
          stream.on('end', () => {
            params[name] = {
              fileName: info.filename,
              contentType: info.mimeType,
              bytes: Buffer.concat(chunks),
            };
            done();
          });
        }),
      );
    });
    parser.on('error', reject);
    parser.on('close', () => {
      Promise.all(files).then(() => resolve(params), reject);
    });
    req.pipe(parser);
  });
}
