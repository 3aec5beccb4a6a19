import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { parseBookingReference } from '../bot/language/entities';
import { verifiedIdentity } from '../bot/customerIdentity';
import { identityMatches, matchContact, type VerifiedBy } from '../services/customerMatch';
import type { Booking } from '../services/types';
import { updateCaseFile, type CommerceDialogDeps } from './commerceDialogDeps';
import { LOOKUP_TRIES, VerifiedLookupDialog, type LookupTexts } from './verifiedLookupDialog';
import { VerificationGuard } from './verificationGuard';

export const BOOKING_LOOKUP_DIALOG = 'bookingLookupDialog';

/** Tries at the booking reference before the bot offers a person. */
export const REFERENCE_TRIES = LOOKUP_TRIES;

export { parseBookingReference } from '../bot/language/entities';
export type { LookupOptions as BookingLookupOptions } from './verifiedLookupDialog';

/** What the lookup hands back once the customer proved the booking is theirs. */
export interface FoundBooking {
  booking: Booking;
}

export function isFoundBooking(result: unknown): result is FoundBooking {
  return typeof result === 'object' && result !== null && 'booking' in result;
}

/**
 * Finds a confirmed booking by its reference and checks it is the customer's: the channel's
 * verified phone or email, or the email or phone given when booking. Unknown, cancelled and
 * someone else's bookings look alike; failures count towards the same lock as orders.
 * Starts from the reference in {@link BookingLookupOptions} when the customer already gave it.
 */
export class BookingLookupDialog extends VerifiedLookupDialog<Booking> {
  protected readonly texts: LookupTexts = {
    askReference: 'appointments.askReference',
    referenceRetry: 'appointments.referenceRetry',
    referenceGaveUp: 'appointments.referenceGaveUp',
    askContact: 'appointments.askBookingContact',
    notFound: 'appointments.bookingNotFound',
  };

  constructor(deps: CommerceDialogDeps) {
    super(
      BOOKING_LOOKUP_DIALOG,
      {
        waterfall: 'bookingLookupDialog.waterfall',
        referencePrompt: 'bookingLookupDialog.reference',
        contactPrompt: 'bookingLookupDialog.contact',
      },
      deps,
    );
  }

  protected parseReference(text: string): string | undefined {
    return parseBookingReference(text);
  }

  protected lockKey(reference: string): string {
    return VerificationGuard.bookingKey(reference);
  }

  protected async find(reference: string): Promise<Booking | undefined> {
    const booking = await this.deps.commerce.appointments.findBooking(reference);
    return booking?.status === 'confirmed' ? booking : undefined;
  }

  protected matchAnswer(booking: Booking, answer: string): VerifiedBy | undefined {
    return matchContact(booking.contact, answer);
  }

  protected async noteReference(step: WaterfallStepContext, reference: string): Promise<void> {
    await updateCaseFile(this.deps.state, step.context, { bookingReference: reference });
  }

  protected async provenWithoutAsking(
    step: WaterfallStepContext,
    reference: string,
  ): Promise<{ record: Booking; verifiedBy: VerifiedBy } | undefined> {
    const identity = verifiedIdentity(step.context);
    if (!identity) return undefined;
    const booking = await this.find(reference);
    return booking && identityMatches(booking.contact, identity)
      ? { record: booking, verifiedBy: 'channel' }
      : undefined;
  }

  protected async found(step: WaterfallStepContext, booking: Booking): Promise<DialogTurnResult> {
    return step.endDialog({ booking } satisfies FoundBooking);
  }
}
