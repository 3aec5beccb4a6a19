import type { Middleware, TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import type { SupportedLocale } from './config';
import { isDeliveryFailure } from './deliveryFailure';
import { resolveLocale, translator } from './i18n';
import { findTurnLanguage } from './middleware/localeResolution';
import type { Logger } from './logger';
import type { BotStateSet } from './state';
import { ETagConflictError } from './storage/etagConflict';

export interface TurnErrorDeps {
  state: BotStateSet;
  i18n: i18n;
  defaultLocale: SupportedLocale;
  logger: Logger;
}

/**
 * What happens when a turn throws: the error is logged with its stack, the customer gets a
 * localized apology, and the dialog stack that failed is dropped so the next message starts
 * clean. Everything else the conversation holds (collected data, welcome) is kept.
 */
export function turnErrorHandler(deps: TurnErrorDeps): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    const { activity } = context;
    deps.logger.error(
      { err: error, channelId: activity.channelId, conversationId: activity.conversation?.id },
      'turn failed',
    );
    // NOTE: a reply that did not reach the customer is no fault of the dialog: an apology
    // through the same channel would fail the same way, and the turn's state was not saved, so
    // the conversation stays where it was and the customer's next message picks it up there.
    if (isDeliveryFailure(error)) return;
    // Another instance wrote this conversation's state while this turn ran (it took the
    // conversation over after this one lost its lock): what it saved is newer, so this turn
    // neither apologizes nor writes anything.
    if (error instanceof ETagConflictError) return;
    try {
      // Locale resolution may be what failed; then the activity's own locale is used.
      const t =
        findTurnLanguage(context)?.t ??
        translator(deps.i18n, resolveLocale([activity.locale], deps.defaultLocale));
      await context.sendActivity(t('errors.generic'));
      await deps.state.dialogState.delete(context);
      await deps.state.conversationState.saveChanges(context, true);
    } catch (recoveryError) {
      deps.logger.error(
        { err: recoveryError, conversationId: activity.conversation?.id },
        'turn recovery failed',
      );
    }
  };
}

/**
 * Runs {@link turnErrorHandler} inside the turn, so recovery happens while the conversation's
 * turn is still serialized and before the next message of the conversation is processed.
 */
export class TurnErrorBoundary implements Middleware {
  constructor(private readonly handle: (context: TurnContext, error: Error) => Promise<void>) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    try {
      await next();
    } catch (error) {
      await this.handle(context, error instanceof Error ? error : new Error(String(error)));
    }
  }
}
