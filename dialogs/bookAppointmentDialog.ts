import {
  ComponentDialog,
  ListStyle,
  WaterfallDialog,
  type Choice,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { findNamedChoice } from '../bot/language/namedChoice';
import { turnLanguage } from '../bot/middleware';
import { serviceNameIn } from '../services/downloadRoutes';
import type { BookableService } from '../services/types';
import type { AppointmentRequest } from './appointmentRequest';
import type { CommerceDialogDeps } from './commerceDialogDeps';
import { OfferPersonDialog, offerPersonAfterFailure } from './offerPersonDialog';
import { SLOT_PICKER_DIALOG, SlotPickerDialog, type SlotPickerOptions } from './slotPickerDialog';
import { partialUnderstandingChoicePrompt } from './choicePrompt';

export const BOOK_APPOINTMENT_DIALOG = 'bookAppointmentDialog';
const WATERFALL = 'bookAppointmentDialog.waterfall';
const SERVICE_PROMPT = 'bookAppointmentDialog.service';

/** What the waterfall keeps between steps. */
interface BookValues {
  serviceIds?: string[];
  dayWords?: string;
}

/**
 * Books a new appointment: the service (unless the first message named one: "book a boot
 * fitting"), then the day and slot in the {@link SlotPickerDialog}, which the day the message
 * named, if any, skips asking for.
 */
export class BookAppointmentDialog extends ComponentDialog {
  constructor(private readonly deps: CommerceDialogDeps) {
    super(BOOK_APPOINTMENT_DIALOG);
    // "Installation visit" picks "Installation visit (roof box or bike rack)".
    this.addDialog(partialUnderstandingChoicePrompt(SERVICE_PROMPT));
    this.addDialog(new SlotPickerDialog(deps));
    this.addDialog(new OfferPersonDialog(deps.state));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [this.askServiceStep.bind(this), this.chosenServiceStep.bind(this)]),
    );
    this.initialDialogId = WATERFALL;
  }

  private async askServiceStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const request = (step.options ?? {}) as AppointmentRequest;
    let services: BookableService[];
    try {
      services = await this.deps.commerce.appointments.listServices();
    } catch (error) {
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    const values = step.values as BookValues;
    values.serviceIds = services.map((service) => service.id);
    if (request.dayWords) values.dayWords = request.dayWords;
    const named = request.text ? findNamedChoice(request.text, services.map(namesOf)) : undefined;
    if (named !== undefined) return step.next({ index: named } satisfies Pick<FoundChoice, 'index'>);
    const { t, locale } = turnLanguage(step.context);
    return step.prompt(SERVICE_PROMPT, {
      prompt: t('appointments.askService'),
      retryPrompt: t('appointments.serviceRetry'),
      choices: services.map((service): Choice => ({ value: serviceNameIn(service, locale) })),
      style: ListStyle.suggestedAction,
    });
  }

  private async chosenServiceStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = step.values as BookValues;
    const serviceId = (values.serviceIds as string[])[(step.result as FoundChoice).index];
    if (!serviceId) return step.replaceDialog(WATERFALL);
    return step.replaceDialog(SLOT_PICKER_DIALOG, {
      mode: 'book',
      serviceId,
      ...(values.dayWords ? { dayWords: values.dayWords } : {}),
    } satisfies SlotPickerOptions);
  }
}

/** Every name a service goes by: the shop's main one and each translation. */
function namesOf(service: BookableService): string[] {
  return [service.name, ...Object.values(service.names ?? {})];
}
