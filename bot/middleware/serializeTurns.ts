import type { Middleware, TurnContext } from 'botbuilder';
import type { TurnQueue } from '../turnQueue';

/** The key under which turns of one conversation are serialized. */
export function conversationKey(context: TurnContext): string {
  const { channelId, conversation } = context.activity;
  return conversationKeyOf(channelId, conversation?.id ?? '');
}

/** The same key from a channel id and a conversation id, for code outside a turn. */
export function conversationKeyOf(channelId: string, conversationId: string): string {
  return `${channelId}/${conversationId}`;
}

/** Runs turns of one conversation one at a time, in arrival order (see {@link TurnQueue}). */
export class SerializeTurns implements Middleware {
  constructor(private readonly queue: TurnQueue) {}

  onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    return this.queue.run(conversationKey(context), next);
  }
}
