import type { Middleware, TurnContext } from 'botbuilder';
import type { KnownPiiMemory } from '../language/knownPiiMemory';
import { redactPii } from '../language/pii';
import { withTurnLogFields, type Logger } from '../logger';
import { conversationKey } from './serializeTurns';

/**
 * One log line per turn: channel, conversation, activity type and duration at info level; and
 * every other line logged during the turn, by any module, carries the channel and conversation
 * ({@link withTurnLogFields}).
 * Message text is customer data: it is only logged at debug level, and redacted here already
 * (the process logger redacts every line too, but an injected logger may not), with the names
 * and addresses the customer gave earlier in the conversation when `knownPii` is given.
 */
export class TurnLogging implements Middleware {
  constructor(
    private readonly logger: Logger,
    private readonly knownPii?: KnownPiiMemory,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { activity } = context;
    const started = process.hrtime.bigint();
    const fields = {
      channelId: activity.channelId,
      conversationId: activity.conversation?.id,
      activityType: activity.type,
    };
    if (this.logger.isLevelEnabled('debug')) {
      const text = activity.text;
      const known =
        text === undefined
          ? undefined
          : this.knownPii?.learn(conversationKey(context), text, activity.from?.name);
      this.logger.debug(
        { ...fields, text: text === undefined ? undefined : redactPii(text, known) },
        'turn received',
      );
    }
    try {
      await withTurnLogFields(
        context,
        { channelId: fields.channelId, conversationId: fields.conversationId },
        next,
      );
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.logger.info({ ...fields, ms: Math.round(ms * 10) / 10 }, 'turn done');
    }
  }
}
