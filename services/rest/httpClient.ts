import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { CommerceBackendUnavailableError } from '../errors';

export interface HttpClientOptions {
  /** Base URL of the shop's API, without a trailing slash. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Extra attempts for GET requests after a network error or a 5xx (default 2); a timeout is not retried. */
  getRetries?: number;
  /** Pause before the first retry, doubled for each next one (default 100 ms). */
  retryDelayMs?: number;
  logger?: Logger;
}

/** A request cut off at the timeout; not retried, so a slow backend costs the customer one wait, not three. */
class RequestTimedOutError extends CommerceBackendUnavailableError {}

/** An HTTP answer the caller decides about (2xx, and 4xx the contract defines). */
export interface HttpAnswer {
  status: number;
  body: unknown;
}

/**
 * JSON over HTTP for the REST commerce backend: each request is cut off after `timeoutMs`; only
 * GET (an idempotent read) is retried, after a network error or a 5xx; network errors, timeouts,
 * 5xx answers and non-JSON bodies become {@link CommerceBackendUnavailableError}. 4xx answers are
 * returned for the caller to map.
 */
export class HttpClient {
  private readonly getRetries: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: HttpClientOptions) {
    this.getRetries = options.getRetries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 100;
  }

  get(path: string): Promise<HttpAnswer> {
    return this.request('GET', path);
  }

  /** POST is never retried: the backend may have acted on a request whose answer was lost. */
  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.request('POST', path, body, headers);
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpAnswer> {
    const attempts = method === 'GET' ? 1 + this.getRetries : 1;
    let lastError: CommerceBackendUnavailableError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(this.retryDelayMs * 2 ** (attempt - 2));
      try {
        return await this.attempt(method, path, body, headers);
      } catch (error) {
        if (!(error instanceof CommerceBackendUnavailableError)) throw error;
        lastError = error;
        this.options.logger?.warn(
          { err: error, method, path: withoutQuery(path), attempt },
          'commerce backend request failed',
        );
        if (error instanceof RequestTimedOutError) break;
      }
    }
    throw lastError ?? new CommerceBackendUnavailableError(`HttpClient: ${method} ${path} failed`);
  }

  private async attempt(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<HttpAnswer> {
    const url = `${this.options.baseUrl}${path}`;
    // NOTE: queries carry customers' emails and phones; errors and logs show the path only.
    const shown = withoutQuery(url);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        signal: controller.signal,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      clearTimeout(timer);
      if (controller.signal.aborted) {
        throw new RequestTimedOutError(
          `HttpClient: ${method} ${shown} timed out after ${this.options.timeoutMs} ms`,
          undefined,
          {
            cause: error,
          },
        );
      }
      throw new CommerceBackendUnavailableError(`HttpClient: ${method} ${shown} network error`, undefined, {
        cause: error,
      });
    }
    try {
      const text = await response.text();
      if (response.status >= 500) {
        throw new CommerceBackendUnavailableError(
          `HttpClient: ${method} ${shown} answered ${response.status}`,
          response.status,
        );
      }
      if (response.status === 401 || response.status === 403) {
        throw new CommerceBackendUnavailableError(
          `HttpClient: ${method} ${shown} answered ${response.status}; check COMMERCE_API_TOKEN`,
          response.status,
        );
      }
      let parsed: unknown;
      try {
        parsed = text ? (JSON.parse(text) as unknown) : undefined;
      } catch (error) {
        throw new CommerceBackendUnavailableError(
          `HttpClient: ${method} ${shown} answered ${response.status} with a body that is not JSON`,
          response.status,
          { cause: error },
        );
      }
      return { status: response.status, body: parsed };
    } catch (error) {
      if (error instanceof CommerceBackendUnavailableError) throw error;
      if (controller.signal.aborted) {
        throw new RequestTimedOutError(
          `HttpClient: ${method} ${shown} timed out after ${this.options.timeoutMs} ms`,
          response.status,
          { cause: error },
        );
      }
      throw new CommerceBackendUnavailableError(
        `HttpClient: ${method} ${shown} read failed`,
        response.status,
        {
          cause: error,
        },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

function withoutQuery(url: string): string {
  return url.split('?')[0] ?? url;
}
