import type { Storage } from 'botbuilder';
import type { ClaimOnce } from '../../bot/coordination';
import { SeenIds } from '../seenIds';

export interface SeenUpdatesOptions {
  /** How long an id is remembered. */
  ttlMs: number;
  /** Separates bots (update ids count per bot): the bot's numeric id. */
  botId: number;
  now?: () => number;
  /** Several instances: update ids are claimed in Redis (see {@link SeenIds}). */
  claimOnce?: ClaimOnce;
}

/**
 * Remembers the `update_id`s the bot received, so an update Telegram delivers again (a webhook
 * answered late, polling restarted before its offset was confirmed) is processed once; the
 * channels' shared {@link SeenIds}, per bot, under the storage keys this channel always used.
 */
export class SeenUpdates {
  private readonly ids: SeenIds;

  constructor(storage: Storage, options: SeenUpdatesOptions) {
    this.ids = new SeenIds(storage, {
      namespace: `telegram/seenUpdates/${options.botId}`,
      ttlMs: options.ttlMs,
      now: options.now,
      ...(options.claimOnce ? { claimOnce: options.claimOnce } : {}),
    });
  }

  /**
   * True the first time `updateId` is offered (and remembers it), false for a repeat.
   * @throws when the storage cannot be read or written; the id is then not remembered.
   */
  firstTime(updateId: number): Promise<boolean> {
    return this.ids.firstTime(String(updateId));
  }
}
