import { setTimeout as sleep } from 'node:timers/promises';
import { TelegramError } from 'telegraf';
import type { Logger } from '../../bot/logger';
import type { TurnLogic } from '../channel';
import type { TelegramAdapter } from './adapter';
import type { BotApi } from './botApi';
import { ALLOWED_UPDATES, parseUpdate } from './update';

/** Updates accepted but not yet handled before polling pauses (a bot far slower than its chats). */
const MAX_IN_FLIGHT = 500;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;

export interface UpdatePollingDeps {
  api: BotApi;
  adapter: TelegramAdapter;
  logic: TurnLogic;
  logger: Logger;
  /** Seconds one `getUpdates` waits for updates. */
  timeoutSeconds: number;
}

/**
 * Long polling with `getUpdates`.
 *
 * NOTE: our own loop over telegraf's client rather than `bot.launch()`: telegraf's polling runs
 * its own middleware chain, waits for a whole batch of turns before polling again (one slow
 * chat holds up every other) and owns the offset and the stop. Here the offset advances as
 * soon as updates are handed to the adapter (which remembers their ids, so a redelivery after a
 * restart is dropped), each update's turn runs in its chat's order, a stop aborts the pending
 * long poll at once, and a refused token stops polling instead of retrying forever.
 */
export class UpdatePolling {
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private offset = 0;
  private inFlight = 0;
  private roomWaiter: (() => void) | undefined;
  private refused = false;

  constructor(private readonly deps: UpdatePollingDeps) {}

  /** False once Telegram refused the token; polling has then stopped. */
  get healthy(): boolean {
    return !this.refused;
  }

  /** Starts polling in the background; failures are logged and retried with a growing pause. */
  start(): void {
    this.running ??= this.loop();
  }

  /** Aborts the pending long poll and resolves once the loop ended (turns already accepted go on). */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const { signal } = this.abort;
    let backoff = 0;
    while (!signal.aborted) {
      try {
        await this.roomForMore();
        const updates = await this.deps.api.call(
          'getUpdates',
          { offset: this.offset, timeout: this.deps.timeoutSeconds, allowed_updates: [...ALLOWED_UPDATES] },
          signal,
        );
        backoff = 0;
        for (const raw of updates) this.accept(raw);
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof TelegramError && (error.code === 401 || error.code === 404)) {
          this.refused = true;
          this.deps.logger.error({ err: error }, 'Telegram refused TELEGRAM_BOT_TOKEN; polling stopped');
          return;
        }
        backoff = Math.min(MAX_BACKOFF_MS, backoff === 0 ? FIRST_BACKOFF_MS : backoff * 2);
        this.deps.logger.warn({ err: error, retryInMs: backoff }, 'Telegram getUpdates failed');
        await sleep(backoff, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private accept(raw: { update_id: number }): void {
    this.offset = Math.max(this.offset, raw.update_id + 1);
    const parsed = parseUpdate(raw);
    if ('problem' in parsed) {
      this.deps.logger.warn(
        { updateId: raw.update_id, problem: parsed.problem },
        'Telegram update unreadable; skipped',
      );
      return;
    }
    this.inFlight += 1;
    this.deps.adapter
      .processUpdate(parsed.update, this.deps.logic)
      .catch((error: unknown) =>
        this.deps.logger.error({ err: error, updateId: raw.update_id }, 'Telegram update not processed'),
      )
      .finally(() => {
        this.inFlight -= 1;
        const wake = this.roomWaiter;
        this.roomWaiter = undefined;
        wake?.();
      });
  }

  private async roomForMore(): Promise<void> {
    while (this.inFlight >= MAX_IN_FLIGHT) {
      await new Promise<void>((resolve) => {
        this.roomWaiter = resolve;
      });
    }
  }
}
