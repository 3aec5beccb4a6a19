/**
 * The error a channel adapter throws when a reply could not be delivered to the customer's
 * channel (timeout, refused service URL, the customer blocked the bot). The turn error handler
 * then does not try to apologise through the same broken channel, which would only hold the
 * conversation's next turn up for another timeout.
 */
export class DeliveryFailedError extends Error {
  constructor(
    readonly channelId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryFailedError';
  }
}

/**
 * Whether `error`, or an error it wraps, says a reply could not reach the customer's channel.
 * NOTE: botbuilder-dialogs wraps what a dialog throws in a `DialogContextError` that keeps the
 * original in `error`; `Error.cause` is followed too.
 */
export function isDeliveryFailure(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof DeliveryFailedError) return true;
    current = (current as { error?: unknown }).error ?? current.cause;
  }
  return false;
}

/**
 * A reply deliberately not sent because the channel's rules forbid it now (WhatsApp: outside
 * the 24-hour customer-service window, with no approved template for it). The customer is not
 * told; the agent console shows the reply as held.
 */
export class DeliveryHeldError extends DeliveryFailedError {
  constructor(channelId: string, message: string) {
    super(channelId, message);
    this.name = 'DeliveryHeldError';
  }
}

/** The {@link DeliveryHeldError} in `error` or what it wraps, if any. */
export function deliveryHeld(error: unknown): DeliveryHeldError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof DeliveryHeldError) return current;
    current = (current as { error?: unknown }).error ?? current.cause;
  }
  return undefined;
}
