import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { localize } from '../bot/middleware';
import type { AppointmentRequest } from './appointmentRequest';
import { bookingVars } from './appointmentTexts';
import {
  BOOKING_LOOKUP_DIALOG,
  BookingLookupDialog,
  isFoundBooking,
  type BookingLookupOptions,
} from './bookingLookupDialog';
import { isTaskOutcome, updateCaseFile, type CommerceDialogDeps } from './commerceDialogDeps';
import type { TaskOutcome } from './interruptibleDialog';
import { OfferPersonDialog, askYesNo, offerPersonAfterFailure, saidYes } from './offerPersonDialog';
import { yesNoPrompt } from './choicePrompt';

export const CANCEL_APPOINTMENT_DIALOG = 'cancelAppointmentDialog';
const WATERFALL = 'cancelAppointmentDialog.waterfall';
const CONFIRM_PROMPT = 'cancelAppointmentDialog.confirm';

/** What the waterfall keeps between steps. */
interface CancelValues {
  reference?: string;
}

/**
 * Cancels a booking: finds it by reference and verification ({@link BookingLookupDialog}; a
 * reference the first message gave is not asked for), says what it is and cancels it once the
 * customer confirms.
 */
export class CancelAppointmentDialog extends ComponentDialog {
  constructor(private readonly deps: CommerceDialogDeps) {
    super(CANCEL_APPOINTMENT_DIALOG);
    this.addDialog(yesNoPrompt(CONFIRM_PROMPT));
    this.addDialog(new BookingLookupDialog(deps));
    this.addDialog(new OfferPersonDialog(deps.state));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.findBookingStep.bind(this),
        this.confirmCancelStep.bind(this),
        this.cancelBookingStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  private async findBookingStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = (step.options ?? {}) as AppointmentRequest;
    return step.beginDialog(BOOKING_LOOKUP_DIALOG, {
      ...(request.bookingReference ? { reference: request.bookingReference } : {}),
    } satisfies BookingLookupOptions);
  }

  private async confirmCancelStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isTaskOutcome(step.result) || !isFoundBooking(step.result)) return step.endDialog(step.result);
    const { booking } = step.result;
    (step.values as CancelValues).reference = booking.reference;
    const vars = await bookingVars(this.deps, step.context, booking);
    return askYesNo(step, CONFIRM_PROMPT, localize(step.context)('appointments.confirmCancel', vars));
  }

  private async cancelBookingStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const t = localize(step.context);
    const reference = (step.values as CancelValues).reference as string;
    if (!saidYes(step.result)) {
      await step.context.sendActivity(t('appointments.keptBooking', { reference }));
      return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
    }
    try {
      await this.deps.commerce.appointments.cancelBooking(reference);
    } catch (error) {
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    await updateCaseFile(this.deps.state, step.context, { bookingReference: reference });
    await step.context.sendActivity(t('appointments.cancelled', { reference }));
    return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
  }
}
