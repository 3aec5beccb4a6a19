/**
 * The backend cannot be reached or answered nonsense (network error, timeout, 5xx, unexpected
 * body). Dialogs tell the customer the system can't be reached right now and offer a person.
 */
export class CommerceBackendUnavailableError extends Error {
  constructor(
    message: string,
    /** HTTP status when the backend answered, else undefined. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CommerceBackendUnavailableError';
  }
}

/** The slot was free when offered but someone booked it first. */
export class SlotTakenError extends Error {
  constructor(
    readonly serviceId: string,
    readonly start: string,
  ) {
    super(`AppointmentService: the slot ${start} of ${serviceId} is no longer free`);
    this.name = 'SlotTakenError';
  }
}

/** No confirmed booking has this reference. */
export class BookingNotFoundError extends Error {
  constructor(readonly reference: string) {
    super(`AppointmentService: no confirmed booking ${reference}`);
    this.name = 'BookingNotFoundError';
  }
}

/** The backend refused the return (item unknown or already returned). */
export class ReturnNotAllowedError extends Error {
  constructor(
    readonly orderNumber: string,
    readonly detail: string,
  ) {
    super(`ReturnService: return for ${orderNumber} refused: ${detail}`);
    this.name = 'ReturnNotAllowedError';
  }
}
