import { setTimeout as sleep } from 'node:timers/promises';

export interface PacingOptions {
  chatMessagesPerMinute: number;
  messagesPerMinute: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Spaces the bot's outgoing WhatsApp Web messages: at most so many per minute to one chat and
 * so many overall. An account that answers instantly in bursts looks like a bot to WhatsApp,
 * which may block the number; even spacing lowers that risk (it cannot remove it).
 *
 * NOTE: slots are reserved when asked for, so concurrent sends to different chats queue behind
 * each other for the overall limit, in the order they asked.
 */
export class Pacer {
  private readonly chatGapMs: number;
  private readonly overallGapMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly nextForChat = new Map<string, number>();
  private nextOverall = 0;

  constructor(options: PacingOptions) {
    this.chatGapMs = 60_000 / options.chatMessagesPerMinute;
    this.overallGapMs = 60_000 / options.messagesPerMinute;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => sleep(ms).then(() => undefined));
  }

  /** Waits for the next slot to send a message to `chatId`. */
  async wait(chatId: string): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.nextForChat.get(chatId) ?? 0, this.nextOverall);
    this.nextForChat.set(chatId, at + this.chatGapMs);
    this.nextOverall = at + this.overallGapMs;
    this.forgetIdleChats(now);
    if (at > now) await this.sleep(at - now);
  }

  /** Chats whose next slot has passed need no entry; keeps the map as small as the busy chats. */
  private forgetIdleChats(now: number): void {
    if (this.nextForChat.size < 1000) return;
    for (const [chat, next] of this.nextForChat) if (next <= now) this.nextForChat.delete(chat);
  }
}
