import type { Middleware, TurnContext } from 'botbuilder';
import type { ConversationLocks } from '../conversationLocks';
import type { TurnAdmission } from '../turnAdmission';
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

/**
 * Runs turns of one conversation one at a time, in arrival order (see {@link TurnQueue}), and,
 * with several instances, under the conversation's shared lock as well; then, when given an
 * admission, starts the turn when the event loop can spare it (see {@link TurnAdmission}).
 * NOTE: the in-process queue comes first, so an instance waits for the shared lock with one
 * turn per conversation, and admission comes last, so no turn waiting for its conversation or
 * its lock holds a place in the admission queue.
 */
export class SerializeTurns implements Middleware {
  constructor(
    private readonly queue: TurnQueue,
    private readonly locks?: ConversationLocks,
    private readonly admission?: TurnAdmission,
  ) {}

  onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const key = conversationKey(context);
    const { locks, admission } = this;
    const turn = admission ? () => admission.run(next) : next;
    return this.queue.run(key, locks ? () => locks.run(key, turn) : turn);
  }
}
