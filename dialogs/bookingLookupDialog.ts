import { parseBookingReference } from '../bot/language/entities';
import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { verifiedIdentity } from '../bot/customerIdentity';
import { localize, turnLanguage } from '../bot/middleware';
import { identityMatches, matchContact } from '../services/customerMatch';
import type { Booking } from '../services/types';
import { conversationRef, updateCaseFile, type CommerceDialogDeps } from './commerceDialogDeps';
import { customerZone, formatTime } from './formatting';
import {
  OFFER_PERSON_DIALOG,
  OfferPersonDialog,
  offerPersonAfterFailure,
  type OfferPersonOptions,
} from './offerPersonDialog';
import { VerificationGuard } from './verificationGuard';

export const BOOKING_LOOKUP_DIALOG = 'bookingLookupDialog';
const WATERFALL = 'bookingLookupDialog.waterfall';
const REFERENCE_PROMPT = 'bookingLookupDialog.reference';
const CONTACT_PROMPT = 'bookingLookupDialog.contact';

/** What the waterfall keeps between steps. */
interface LookupValues {
  reference?: string;
}

/** Tries at the booking reference before the bot offers a person. */
export const REFERENCE_TRIES = 3;

export { parseBookingReference } from '../bot/language/entities';

/** What the lookup hands back once the customer proved the booking is theirs. */
export interface FoundBooking {
  booking: Booking;
}

export function isFoundBooking(result: unknown): result is FoundBooking {
  return typeof result === 'object' && result !== null && 'booking' in result;
}

/**
 * Finds a confirmed booking by its reference and checks it is the customer's: the channel's
 * verified phone or email, or the email or phone given when booking. An unknown reference and a
 * wrong answer look alike; failures count towards the same lock as orders (5 per booking or
 * conversation → 15 minutes).
 */
export class BookingLookupDialog extends ComponentDialog {
  constructor(private readonly deps: CommerceDialogDeps) {
    super(BOOKING_LOOKUP_DIALOG);
    this.addDialog(new TextPrompt(REFERENCE_PROMPT, (prompt) => this.validateReference(prompt)));
    this.addDialog(new TextPrompt(CONTACT_PROMPT));
    this.addDialog(new OfferPersonDialog(deps.state));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.askReferenceStep.bind(this),
        this.askContactStep.bind(this),
        this.verifyCustomerStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  private async askReferenceStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const t = localize(step.context);
    return step.prompt(REFERENCE_PROMPT, {
      prompt: t('appointments.askReference'),
      retryPrompt: t('appointments.referenceRetry'),
    });
  }

  private validateReference(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const valid =
      prompt.recognized.succeeded && parseBookingReference(prompt.recognized.value ?? '') !== undefined;
    return Promise.resolve(valid || prompt.attemptCount >= REFERENCE_TRIES);
  }

  private async askContactStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const t = localize(step.context);
    const reference = parseBookingReference(String(step.result ?? ''));
    if (!reference) {
      await step.context.sendActivity(t('appointments.referenceGaveUp'));
      return step.replaceDialog(OFFER_PERSON_DIALOG, {
        reason: 'notUnderstood',
      } satisfies OfferPersonOptions);
    }
    (step.values as LookupValues).reference = reference;
    await updateCaseFile(this.deps.state, step.context, { bookingReference: reference });
    const locked = await this.deps.guard.lockedUntil(this.lockKeys(step, reference));
    if (locked) return this.locked(step, locked);
    const identity = verifiedIdentity(step.context);
    if (identity) {
      let booking: Booking | undefined;
      try {
        booking = await this.deps.commerce.appointments.findBooking(reference);
      } catch (error) {
        return offerPersonAfterFailure(step, error, this.deps.logger);
      }
      if (booking?.status === 'confirmed' && identityMatches(booking.contact, identity)) {
        return step.endDialog({ booking } satisfies FoundBooking);
      }
    }
    return step.prompt(CONTACT_PROMPT, {
      prompt: t('appointments.askBookingContact'),
      retryPrompt: t('appointments.askBookingContact'),
    });
  }

  private async verifyCustomerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const reference = (step.values as LookupValues).reference as string;
    const locked = await this.deps.guard.lockedUntil(this.lockKeys(step, reference));
    if (locked) return this.locked(step, locked);
    let booking: Booking | undefined;
    try {
      booking = await this.deps.commerce.appointments.findBooking(reference);
    } catch (error) {
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    if (booking?.status === 'confirmed' && matchContact(booking.contact, String(step.result ?? ''))) {
      return step.endDialog({ booking } satisfies FoundBooking);
    }
    // NOTE: unknown, cancelled and someone else's bookings must look exactly alike.
    const lockedNow = await this.deps.guard.recordFailure(this.lockKeys(step, reference));
    if (lockedNow) return this.locked(step, lockedNow);
    await step.context.sendActivity(localize(step.context)('appointments.bookingNotFound'));
    return step.replaceDialog(WATERFALL);
  }

  private lockKeys(step: WaterfallStepContext, reference: string): string[] {
    return [
      VerificationGuard.bookingKey(reference),
      VerificationGuard.conversationKey(conversationRef(step.context)),
    ];
  }

  private async locked(step: WaterfallStepContext, until: Date): Promise<DialogTurnResult> {
    const { locale, t } = turnLanguage(step.context);
    const time = formatTime(until.toISOString(), locale, customerZone(step.context, this.deps.shopTimezone));
    await step.context.sendActivity(t('verification.locked', { time }));
    return step.replaceDialog(OFFER_PERSON_DIALOG, {
      reason: 'verificationLocked',
    } satisfies OfferPersonOptions);
  }
}
