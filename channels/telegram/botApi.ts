import { setTimeout as sleep } from 'node:timers/promises';
import { Telegram, TelegramError } from 'telegraf';
import type { Opts } from 'telegraf/types';
import type { Logger } from '../../bot/logger';

/** Bot API methods by name, as telegraf's client types them. */
type Method = Parameters<Telegram['callApi']>[0];
type Result<M extends Method> = Awaited<ReturnType<typeof Telegram.prototype.callApi<M>>>;
/** telegraf types its signal with the abort-controller shim; Node's own AbortSignal is what node-fetch checks for. */
type ShimSignal = NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];

/** Raised when a chat can no longer be written to: the customer blocked the bot or left Telegram. */
export class ChatGoneError extends Error {
  constructor(
    readonly chatId: string,
    readonly description: string,
  ) {
    super(`Telegram chat ${chatId} cannot be reached: ${description}`);
    this.name = 'ChatGoneError';
  }
}

/** Whether a Bot API refusal means the chat is gone for good (HTTP 403 on a send). */
export function isChatGone(error: unknown): error is TelegramError {
  return error instanceof TelegramError && error.code === 403;
}

export interface BotApiOptions {
  token: string;
  apiRoot: string;
  /** Times a call refused with 429 is tried again. */
  maxRateLimitRetries: number;
  /** A longer `retry_after` is not waited for. */
  maxRetryAfterSeconds: number;
  logger: Logger;
  /** Waits between tries; tests pass one that records instead of waiting. */
  wait?: (ms: number) => Promise<void>;
}

/**
 * The Bot API through telegraf's client, with Telegram's flood control obeyed: a call refused
 * with 429 waits the `retry_after` Telegram names and is tried again (Telegram did not carry it
 * out, so a retry cannot duplicate a message). Every other failure is thrown to the caller.
 */
export class BotApi {
  readonly telegram: Telegram;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(private readonly options: BotApiOptions) {
    // NOTE: webhookReply is off. With it on (telegraf's default), the first eligible call of a
    // webhook update is written into the webhook's HTTP response instead of being made: its
    // result and any error (403 blocked, 429) are never seen, it resolves before Telegram acted
    // on it, and it confirms the update early. We answer the webhook ourselves, always with a
    // plain 200, and make every call as a real request whose outcome we check.
    this.telegram = new Telegram(options.token, { apiRoot: options.apiRoot, webhookReply: false });
    this.wait = options.wait ?? ((ms) => sleep(ms).then(() => undefined));
  }

  /**
   * Calls `method` with `payload`, retrying after 429s.
   * @throws telegraf's TelegramError for a refusal (its `code` and `description` say why), or a
   * network error (telegraf removes the token from its message).
   */
  async call<M extends Method>(method: M, payload: Opts<M>, signal?: AbortSignal): Promise<Result<M>> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return (await this.telegram.callApi(method, payload, {
          signal: signal as unknown as ShimSignal,
        })) as Result<M>;
      } catch (error) {
        const retryAfter =
          error instanceof TelegramError && error.code === 429 ? error.parameters?.retry_after : undefined;
        if (
          retryAfter === undefined ||
          attempt >= this.options.maxRateLimitRetries ||
          retryAfter > this.options.maxRetryAfterSeconds
        ) {
          throw error;
        }
        this.options.logger.warn({ method, retryAfter, attempt }, 'Telegram asked to slow down; retrying');
        await this.wait(retryAfter * 1000);
      }
    }
  }
}
