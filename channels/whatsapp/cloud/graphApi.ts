import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../../bot/logger';

/** The error body of every Graph API refusal. */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
  error_data?: { details?: string };
}

/** A Graph API refusal, with Meta's code (`131047`, `100`, …) and the trace id Meta support asks for. */
export class GraphApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: GraphErrorBody,
    where: string,
  ) {
    const code =
      body.code === undefined
        ? ''
        : ` (code ${body.code}${body.error_subcode ? `/${body.error_subcode}` : ''})`;
    const trace = body.fbtrace_id ? `, fbtrace_id ${body.fbtrace_id}` : '';
    super(`${where}: Graph API answered HTTP ${status}${code}: ${body.message ?? 'no message'}${trace}`);
    this.name = 'GraphApiError';
  }

  get code(): number | undefined {
    return this.body.code;
  }
}

/**
 * Codes Meta answers when the business sent too much, whatever the HTTP status: throughput
 * (130429), pair rate (131056: too many messages to one customer), app and account rate limits.
 */
const RATE_LIMIT_CODES = new Set([4, 80007, 130429, 131056]);
/** "More than 24 hours have passed since the recipient last replied." */
export const REENGAGEMENT_REQUIRED = 131047;

/** Whether a failed call may succeed when tried again unchanged. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof GraphApiError)
    return error.status === 429 || error.status >= 500 || RATE_LIMIT_CODES.has(error.code ?? -1);
  // fetch's network errors and timeouts: Meta may never have seen the call.
  return error instanceof TypeError || (error instanceof DOMException && error.name === 'TimeoutError');
}

export interface GraphApiOptions {
  apiRoot: string;
  apiVersion: string;
  phoneNumberId: string;
  token: string;
  maxRetries: number;
  retryBaseMs: number;
  timeoutMs: number;
  logger: Logger;
  /** Waits between tries; tests pass one that records instead of waiting. */
  wait?: (ms: number) => Promise<void>;
}

/**
 * The Cloud API calls the channel makes: `POST /<phone number id>/messages` and `/media`.
 * 429s, 5xx and Meta's rate-limit codes are retried with exponential backoff (with jitter, so
 * instances do not retry in step); every other refusal is thrown as a {@link GraphApiError}.
 *
 * NOTE: a retried send after a 5xx may duplicate a message Meta did accept before failing; the
 * Cloud API has no idempotency key, and a duplicate is better than a silently lost reply.
 */
export class GraphApi {
  private readonly wait: (ms: number) => Promise<void>;

  constructor(private readonly options: GraphApiOptions) {
    this.wait = options.wait ?? ((ms) => sleep(ms).then(() => undefined));
  }

  private url(path: string): string {
    const { apiRoot, apiVersion, phoneNumberId } = this.options;
    return `${apiRoot}/${apiVersion}/${phoneNumberId}/${path}`;
  }

  /** Sends one message object (`{to, type, …}`); returns the `wamid` Meta gave it. */
  async sendMessage(message: Record<string, unknown>): Promise<string> {
    const answer = (await this.post('messages', 'sendMessage', () => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', ...message }),
    }))) as { messages?: { id?: string }[] };
    return answer.messages?.[0]?.id ?? '';
  }

  /** Marks an incoming message read (the customer sees blue ticks). */
  async markRead(messageId: string): Promise<void> {
    await this.post('messages', 'markRead', () => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', status: 'read', message_id: messageId }),
    }));
  }

  /** Uploads a file for a later message; returns its media id. */
  async uploadMedia(bytes: Buffer, fileName: string, contentType: string): Promise<string> {
    const answer = (await this.post('media', 'uploadMedia', () => {
      const form = new FormData();
      form.append('messaging_product', 'whatsapp');
      form.append('type', contentType);
      form.append('file', new Blob([new Uint8Array(bytes)], { type: contentType }), fileName);
      return { body: form };
    })) as { id?: string };
    if (!answer.id) throw new Error('GraphApi.uploadMedia(): Graph API answered without a media id');
    return answer.id;
  }

  private async post(
    path: string,
    what: string,
    request: () => { headers?: Record<string, string>; body: string | FormData },
  ): Promise<unknown> {
    const where = `GraphApi.${what}()`;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.once(path, where, request());
      } catch (error) {
        if (!isRetryable(error) || attempt >= this.options.maxRetries) throw error;
        const delay = this.options.retryBaseMs * 2 ** attempt * (1 + Math.random() / 2);
        this.options.logger.warn(
          { what, attempt, delayMs: Math.round(delay), err: error },
          'Graph API call failed; retrying',
        );
        await this.wait(delay);
      }
    }
  }

  private async once(
    path: string,
    where: string,
    request: { headers?: Record<string, string>; body: string | FormData },
  ): Promise<unknown> {
    const response = await fetch(this.url(path), {
      method: 'POST',
      headers: { authorization: `Bearer ${this.options.token}`, ...request.headers },
      body: request.body,
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const body = (json as { error?: GraphErrorBody } | undefined)?.error ?? { message: text.slice(0, 200) };
      throw new GraphApiError(response.status, body, where);
    }
    if (json === undefined)
      throw new GraphApiError(response.status, { message: 'the answer is not JSON' }, where);
    return json;
  }
}
