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
import { isTaskOutcome, type CommerceDialogDeps } from './commerceDialogDeps';
import { SLOT_PICKER_DIALOG, SlotPickerDialog, type SlotPickerOptions } from './slotPickerDialog';

export const RESCHEDULE_APPOINTMENT_DIALOG = 'rescheduleAppointmentDialog';
const WATERFALL = 'rescheduleAppointmentDialog.waterfall';

/** What the waterfall keeps between steps. */
interface RescheduleValues {
  dayWords?: string;
}

/**
 * Moves a booking: finds it by reference and verification ({@link BookingLookupDialog}), says
 * what it is, then picks the new day and slot ({@link SlotPickerDialog}); a reference and a day
 * the first message gave ("move BK-7Q4M2X to Friday") are not asked for again.
 */
export class RescheduleAppointmentDialog extends ComponentDialog {
  constructor(private readonly deps: CommerceDialogDeps) {
    super(RESCHEDULE_APPOINTMENT_DIALOG);
    this.addDialog(new BookingLookupDialog(deps));
    this.addDialog(new SlotPickerDialog(deps));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.findBookingStep.bind(this),
        this.showBookingToMoveStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  private async findBookingStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = (step.options ?? {}) as AppointmentRequest;
    if (request.dayWords) (step.values as RescheduleValues).dayWords = request.dayWords;
    return step.beginDialog(BOOKING_LOOKUP_DIALOG, {
      ...(request.bookingReference ? { reference: request.bookingReference } : {}),
    } satisfies BookingLookupOptions);
  }

  private async showBookingToMoveStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isTaskOutcome(step.result) || !isFoundBooking(step.result)) return step.endDialog(step.result);
    const { booking } = step.result;
    const vars = await bookingVars(this.deps, step.context, booking);
    await step.context.sendActivity(localize(step.context)('appointments.currentBooking', vars));
    const { dayWords } = step.values as RescheduleValues;
    return step.replaceDialog(SLOT_PICKER_DIALOG, {
      mode: 'reschedule',
      serviceId: booking.serviceId,
      reference: booking.reference,
      ...(dayWords ? { dayWords } : {}),
    } satisfies SlotPickerOptions);
  }
}
