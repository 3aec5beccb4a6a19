import type { Middleware, TurnContext } from 'botbuilder';
import { isDeliveryFailure } from '../deliveryFailure';
import type { SwitchboardMetrics } from './registry';

/**
 * Counts and times every turn per channel. It runs inside the turn error boundary, so it sees
 * the error of a failed turn (and counts a reply the channel refused as a delivery failure)
 * before the boundary turns it into an apology.
 */
export class TurnMetrics implements Middleware {
  constructor(private readonly metrics: SwitchboardMetrics) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const channel = context.activity.channelId || 'unknown';
    const stop = this.metrics.turnSeconds.startTimer({ channel });
    this.metrics.turns.inc({ channel });
    try {
      await next();
    } catch (error) {
      if (isDeliveryFailure(error)) this.metrics.deliveryFailures.inc({ channel });
      else this.metrics.turnErrors.inc({ channel });
      throw error;
    } finally {
      stop();
    }
  }
}
