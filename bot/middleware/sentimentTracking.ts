import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { SentimentTracker } from '../language/sentimentTracker';
import type { Logger } from '../logger';
import { turnLanguage } from './localeResolution';
import { conversationKey } from './serializeTurns';

/**
 * Starts scoring each customer message as it arrives, off the reply path: the turn goes on at
 * once, and the dialogs' own check of the same message reuses the score already on its way.
 */
export class SentimentTracking implements Middleware {
  constructor(
    private readonly tracker: SentimentTracker,
    private readonly logger: Logger,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { activity } = context;
    if (activity.type === ActivityTypes.Message && activity.text?.trim()) {
      this.tracker
        .observe(conversationKey(context), activity.text, turnLanguage(context).locale)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'sentiment not scored'));
    }
    await next();
  }
}
