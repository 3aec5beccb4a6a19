import type { Middleware, TurnContext } from 'botbuilder';
import type { Logger } from '../logger';
import type { BotStateSet } from '../state';

/** Ids of a conversation's latest customer messages that are remembered. */
export const REMEMBERED_ACTIVITY_IDS = 20;

/**
 * Runs a customer message that arrives again with the id of one already handled (Bot
 * Framework redelivers an activity it got no answer to; a client retries after a restart) only
 * once: the repeat gets no reply and changes nothing.
 *
 * NOTE: the ids live in conversation state, so they are saved in the same write as the turn's
 * dialog state: a turn that crashed before saving left neither, and its redelivery runs; one
 * that saved is never run again, on any instance. Turns are serialized before this runs.
 */
export class RedeliveredActivities implements Middleware {
  constructor(
    private readonly state: BotStateSet,
    private readonly logger: Logger,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { id, type } = context.activity;
    if (type !== 'message' || !id) return next();
    const conversation = await this.state.conversation(context);
    const seen = conversation.recentActivityIds ?? [];
    if (seen.includes(id)) {
      this.logger.info({ activityId: id }, 'a message that was already handled arrived again; not run twice');
      return;
    }
    conversation.recentActivityIds = [...seen, id].slice(-REMEMBERED_ACTIVITY_IDS);
    await next();
    // The bot saved the state already, unless the turn ended before it (a customer writing to
    // an agent): then the id is saved here. Unchanged state is not written again.
    await this.state.conversationState.saveChanges(context, false);
  }
}
