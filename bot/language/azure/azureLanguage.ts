import {
  AzureKeyCredential,
  TextAnalysisClient,
  type TextAnalysisClientOptions,
} from '@azure/ai-language-text';
import type { Logger } from '../../logger';
import type { AzureLanguageFeature, AzureLanguageSettings } from './azureSettings';
import { BreakerOpenError, CircuitBreaker, type BreakerStatus } from './circuitBreaker';

/** The part of `TextAnalysisClient` Switchboard calls (tests stub it with sinon). */
export type LanguageClient = Pick<TextAnalysisClient, 'analyze' | 'beginAnalyzeBatch'>;

/** Thrown when a call takes longer than its time limit; the caller answers locally. */
export class AzureTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`AzureLanguage.${what}(): no answer within ${ms} ms`);
    this.name = 'AzureTimeoutError';
  }
}

/** What `/readyz` shows: the features that use Azure and its breaker. */
export interface AzureLanguageStatus {
  features: AzureLanguageFeature[];
  breaker: BreakerStatus;
}

/**
 * A `TextAnalysisClient` for the configured resource. NOTE: the SDK's own retries are off: a
 * retried 429 or 5xx waits seconds (Retry-After, back-off) while a customer waits for a reply;
 * the breaker and the local fallbacks deal with failures instead.
 */
export function createLanguageClient(
  settings: AzureLanguageSettings,
  options: TextAnalysisClientOptions = {},
): TextAnalysisClient {
  return new TextAnalysisClient(settings.endpoint, new AzureKeyCredential(settings.key), {
    retryOptions: { maxRetries: 0 },
    ...options,
  });
}

export interface AzureLanguageDeps {
  settings: AzureLanguageSettings;
  client: LanguageClient;
  logger: Logger;
  breaker?: CircuitBreaker;
}

/**
 * One Azure AI Language resource as Switchboard uses it: every call goes through one circuit
 * breaker and has a time limit, and a failure is logged once, never thrown at a customer's turn
 * (each feature catches it and answers locally).
 */
export class AzureLanguage {
  readonly client: LanguageClient;
  readonly settings: AzureLanguageSettings;
  private readonly breaker: CircuitBreaker;
  private readonly logger: Logger;

  constructor(deps: AzureLanguageDeps) {
    this.client = deps.client;
    this.settings = deps.settings;
    this.logger = deps.logger.child({ component: 'azureLanguage' });
    this.breaker = deps.breaker ?? new CircuitBreaker('azureLanguage');
  }

  /** Whether `feature` is configured to use Azure. */
  uses(feature: AzureLanguageFeature): boolean {
    return this.settings.features.has(feature);
  }

  /**
   * Runs `call` through the breaker with `timeoutMs` (the synchronous limit by default); the
   * signal it gets aborts the HTTP request when time is up. Resolves undefined on any failure.
   */
  async call<T>(
    what: string,
    call: (abortSignal: AbortSignal) => Promise<T>,
    timeoutMs = this.settings.timeoutMs,
  ): Promise<T | undefined> {
    try {
      return await this.breaker.run(() => withTimeout(what, timeoutMs, call));
    } catch (error) {
      if (error instanceof BreakerOpenError)
        this.logger.debug({ what }, 'Azure AI Language skipped: breaker open');
      else
        this.logger.warn(
          { err: error, what, breaker: this.breaker.status().state },
          'Azure AI Language failed',
        );
      return undefined;
    }
  }

  status(): AzureLanguageStatus {
    return { features: [...this.settings.features], breaker: this.breaker.status() };
  }
}

/** `call` with an abort signal that fires after `ms`, rejecting with {@link AzureTimeoutError} then. */
async function withTimeout<T>(
  what: string,
  ms: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new AzureTimeoutError(what, ms));
    }, ms);
  });
  try {
    // NOTE: the race as well as the signal: the signal stops the socket, the race guarantees
    // the turn goes on even if something inside ignores the signal.
    return await Promise.race([call(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
