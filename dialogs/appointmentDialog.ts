import {
  ListStyle,
  WaterfallDialog,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TranslationKey } from '../bot/i18n';
import type { AppointmentAction } from '../bot/language/appointmentEntities';
import { localize } from '../bot/middleware';
import { appointmentRequestOf, type AppointmentRequest } from './appointmentRequest';
import { BOOK_APPOINTMENT_DIALOG, BookAppointmentDialog } from './bookAppointmentDialog';
import { CANCEL_APPOINTMENT_DIALOG, CancelAppointmentDialog } from './cancelAppointmentDialog';
import type { CommerceDialogDeps } from './commerceDialogDeps';
import { InterruptibleDialog } from './interruptibleDialog';
import { RESCHEDULE_APPOINTMENT_DIALOG, RescheduleAppointmentDialog } from './rescheduleAppointmentDialog';
import { UnderstandingChoicePrompt } from './choicePrompt';

export { parseBookingReference } from './bookingLookupDialog';
export type { AppointmentRequest } from './appointmentRequest';

export const APPOINTMENT_DIALOG = 'appointmentDialog';
const WATERFALL = 'appointmentDialog.chooseAction';
const ACTION_PROMPT = 'appointmentDialog.action';

/** The three jobs, in the order the question offers them. */
const JOBS: readonly { action: AppointmentAction; label: TranslationKey; dialogId: string }[] = [
  { action: 'book', label: 'appointments.actions.book', dialogId: BOOK_APPOINTMENT_DIALOG },
  { action: 'reschedule', label: 'appointments.actions.reschedule', dialogId: RESCHEDULE_APPOINTMENT_DIALOG },
  { action: 'cancel', label: 'appointments.actions.cancel', dialogId: CANCEL_APPOINTMENT_DIALOG },
];

/** What the waterfall keeps between steps. */
interface RouterValues {
  request?: AppointmentRequest;
}

/**
 * The appointment task: asks whether to book, move or cancel (unless the first message said:
 * "book a boot fitting next Tuesday", "cancel my visit on friday") and hands over to that
 * job's dialog with what the message already told ({@link AppointmentRequest}, read from the
 * TaskRequest MainDialog passes). Help, cancel and "agent" are caught here for all three jobs.
 */
export class AppointmentDialog extends InterruptibleDialog {
  protected readonly helpKey: TranslationKey = 'help.appointments';

  constructor(deps: CommerceDialogDeps) {
    super(APPOINTMENT_DIALOG, deps.recognizer);
    this.addDialog(new UnderstandingChoicePrompt(ACTION_PROMPT));
    this.addDialog(new BookAppointmentDialog(deps));
    this.addDialog(new RescheduleAppointmentDialog(deps));
    this.addDialog(new CancelAppointmentDialog(deps));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [this.askActionStep.bind(this), this.startJobStep.bind(this)]),
    );
    this.initialDialogId = WATERFALL;
  }

  private async askActionStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = appointmentRequestOf(step.options);
    (step.values as RouterValues).request = request;
    const said = JOBS.findIndex((job) => job.action === request.action);
    if (said >= 0) return step.next({ index: said } satisfies Pick<FoundChoice, 'index'>);
    const t = localize(step.context);
    return step.prompt(ACTION_PROMPT, {
      prompt: t('appointments.askAction'),
      retryPrompt: t('appointments.actionRetry'),
      choices: JOBS.map((job) => ({ value: t(job.label) })),
      style: ListStyle.suggestedAction,
    });
  }

  private async startJobStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const job = JOBS[(step.result as FoundChoice).index] ?? JOBS[0];
    const request = (step.values as RouterValues).request ?? {};
    return step.replaceDialog(job?.dialogId ?? BOOK_APPOINTMENT_DIALOG, request);
  }
}
