import {
  ChoicePrompt,
  ListStyle,
  TextPrompt,
  WaterfallDialog,
  type Choice,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { DateTime } from 'luxon';
import { verifiedIdentity } from '../bot/customerIdentity';
import type { TranslationKey } from '../bot/i18n';
import { localize, turnLanguage } from '../bot/middleware';
import { looksLikeEmail, looksLikePhone } from '../services/customerMatch';
import { calendarPath, serviceNameIn } from '../services/downloadRoutes';
import { BookingNotFoundError, SlotTakenError } from '../services/errors';
import type { BookableService, Booking, CustomerContact, Slot } from '../services/types';
import { BOOKING_LOOKUP_DIALOG, BookingLookupDialog, isFoundBooking } from './bookingLookupDialog';
import {
  conversationRef,
  isTaskOutcome,
  updateCaseFile,
  type CommerceDialogDeps,
} from './commerceDialogDeps';
import {
  customerZone,
  formatInstantWeekday,
  formatTime,
  formatWeekday,
  shopToday,
  slotLabel,
} from './formatting';
import { InterruptibleDialog, type TaskOutcome } from './interruptibleDialog';
import {
  OFFER_PERSON_DIALOG,
  OfferPersonDialog,
  askYesNo,
  offerPersonAfterFailure,
  partialMatchChoicePrompt,
  saidYes,
  type OfferPersonOptions,
} from './offerPersonDialog';
import { ShopDatePrompt, requestedDayOf } from './shopDatePrompt';

export const APPOINTMENT_DIALOG = 'appointmentDialog';
const CHOOSE_ACTION = 'appointmentDialog.chooseAction';
const BOOK = 'appointmentDialog.book';
const RESCHEDULE = 'appointmentDialog.reschedule';
const CANCEL = 'appointmentDialog.cancel';
const CHOOSE_DAY = 'appointmentDialog.chooseDay';
const CHOOSE_SLOT = 'appointmentDialog.chooseSlot';
const ACTION_PROMPT = 'appointmentDialog.action';
const SERVICE_PROMPT = 'appointmentDialog.service';
const DAY_PROMPT = 'appointmentDialog.day';
const SLOT_PROMPT = 'appointmentDialog.slot';
const CONTACT_PROMPT = 'appointmentDialog.contact';
const CONFIRM_PROMPT = 'appointmentDialog.confirm';

/** A time of day in an answer ("3:00", "15.30", "9h30", "5 pm"). */
const TIME_LIKE = /\d{1,2}\s*(?:[:.h]\s*\d{2}|[ap]\.?\s?m\b)/i;

/** Most slots offered at once (a chat list longer than this is hard to read). */
const MAX_SLOTS = 8;
/** Slots offered after the chosen one was taken, or when a day is full. */
const NEXT_SLOTS = 5;
/** How far ahead the bot looks for free slots when a day has none. */
const LOOKAHEAD_DAYS = 14;

const ACTIONS: readonly TranslationKey[] = [
  'appointments.actions.book',
  'appointments.actions.reschedule',
  'appointments.actions.cancel',
];

/** What the day and slot steps work on, passed from one waterfall to the next. */
interface ScheduleOptions {
  mode: 'book' | 'reschedule';
  serviceId: string;
  /** The booking being moved. */
  reference?: string;
  /** Contact for a new booking, once known. */
  contact?: Pick<CustomerContact, 'email' | 'phone'>;
}

/** What the waterfalls keep between steps. */
interface AppointmentValues {
  serviceIds?: string[];
  reference?: string;
  options?: ScheduleOptions | SlotOptions;
  slot?: Slot;
  contact?: Pick<CustomerContact, 'email' | 'phone'>;
}

interface SlotOptions extends ScheduleOptions {
  slots: Slot[];
  /** The question above the slots, with its variables. */
  question: { key: TranslationKey; vars?: Record<string, string> };
}

/**
 * Book, move or cancel an appointment. Booking: the service, the day in natural language in
 * the customer's language ("tomorrow", "el martes", "下周二"), the free slots of that day (from
 * opening hours, holidays, durations and existing bookings, in the shop's timezone, shown in the
 * customer's), a contact, a confirmation, then the reference and an `.ics` file. Moving and
 * cancelling find the booking by reference and verification first. When the chosen slot was
 * taken meanwhile, the next free ones are offered.
 */
export class AppointmentDialog extends InterruptibleDialog {
  protected readonly helpKey: TranslationKey = 'help.appointments';

  constructor(private readonly deps: CommerceDialogDeps) {
    super(APPOINTMENT_DIALOG, deps.recognizer);
    for (const id of [ACTION_PROMPT, CONFIRM_PROMPT]) this.addDialog(new ChoicePrompt(id));
    // "Installation visit" picks "Installation visit (roof box or bike rack)".
    this.addDialog(partialMatchChoicePrompt(SERVICE_PROMPT));
    // NOTE: "2" picks the second time in the list, but "3:00" must match a time, not the third one.
    this.addDialog(
      new ChoicePrompt(SLOT_PROMPT, (prompt) =>
        Promise.resolve(
          prompt.recognized.succeeded &&
            !(
              TIME_LIKE.test(prompt.context.activity.text ?? '') &&
              prompt.recognized.value?.synonym === undefined
            ),
        ),
      ),
    );
    this.addDialog(new ShopDatePrompt(DAY_PROMPT, deps.clock, deps.shopTimezone));
    this.addDialog(
      new TextPrompt(CONTACT_PROMPT, (prompt) => {
        const text = prompt.recognized.value ?? '';
        return Promise.resolve(prompt.recognized.succeeded && (looksLikeEmail(text) || looksLikePhone(text)));
      }),
    );
    this.addDialog(new BookingLookupDialog(deps));
    this.addDialog(new OfferPersonDialog(deps.state));
    this.addDialog(
      new WaterfallDialog(CHOOSE_ACTION, [this.askActionStep.bind(this), this.startActionStep.bind(this)]),
    );
    this.addDialog(
      new WaterfallDialog(BOOK, [this.askServiceStep.bind(this), this.chosenServiceStep.bind(this)]),
    );
    this.addDialog(
      new WaterfallDialog(RESCHEDULE, [
        this.findBookingStep.bind(this),
        this.showBookingToMoveStep.bind(this),
      ]),
    );
    this.addDialog(
      new WaterfallDialog(CANCEL, [
        this.findBookingStep.bind(this),
        this.confirmCancelStep.bind(this),
        this.cancelBookingStep.bind(this),
      ]),
    );
    this.addDialog(
      new WaterfallDialog(CHOOSE_DAY, [this.askDayStep.bind(this), this.findSlotsStep.bind(this)]),
    );
    this.addDialog(
      new WaterfallDialog(CHOOSE_SLOT, [
        this.offerSlotsStep.bind(this),
        this.askContactStep.bind(this),
        this.confirmSlotStep.bind(this),
        this.commitStep.bind(this),
      ]),
    );
    this.initialDialogId = CHOOSE_ACTION;
  }

  // ---- what to do ---------------------------------------------------------------------------

  private async askActionStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const t = localize(step.context);
    return step.prompt(ACTION_PROMPT, {
      prompt: t('appointments.askAction'),
      retryPrompt: t('appointments.actionRetry'),
      choices: ACTIONS.map((key) => ({ value: t(key) })),
      style: ListStyle.suggestedAction,
    });
  }

  private async startActionStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const next = [BOOK, RESCHEDULE, CANCEL][(step.result as FoundChoice).index] ?? BOOK;
    return step.replaceDialog(next);
  }

  // ---- book ---------------------------------------------------------------------------------

  private async askServiceStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    let services: BookableService[];
    try {
      services = await this.deps.commerce.appointments.listServices();
    } catch (error) {
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    const { t, locale } = turnLanguage(step.context);
    (step.values as AppointmentValues).serviceIds = services.map((service) => service.id);
    return step.prompt(SERVICE_PROMPT, {
      prompt: t('appointments.askService'),
      retryPrompt: t('appointments.serviceRetry'),
      choices: services.map((service): Choice => ({ value: serviceNameIn(service, locale) })),
      style: ListStyle.suggestedAction,
    });
  }

  private async chosenServiceStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const serviceId = ((step.values as AppointmentValues).serviceIds as string[])[
      (step.result as FoundChoice).index
    ];
    if (!serviceId) return step.replaceDialog(BOOK);
    return step.replaceDialog(CHOOSE_DAY, { mode: 'book', serviceId } satisfies ScheduleOptions);
  }

  // ---- reschedule and cancel ----------------------------------------------------------------

  private async findBookingStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.beginDialog(BOOKING_LOOKUP_DIALOG);
  }

  private async showBookingToMoveStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isTaskOutcome(step.result) || !isFoundBooking(step.result)) return step.endDialog(step.result);
    const { booking } = step.result;
    await step.context.sendActivity(
      localize(step.context)('appointments.currentBooking', await this.bookingVars(step, booking)),
    );
    return step.replaceDialog(CHOOSE_DAY, {
      mode: 'reschedule',
      serviceId: booking.serviceId,
      reference: booking.reference,
    } satisfies ScheduleOptions);
  }

  private async confirmCancelStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isTaskOutcome(step.result) || !isFoundBooking(step.result)) return step.endDialog(step.result);
    const { booking } = step.result;
    (step.values as AppointmentValues).reference = booking.reference;
    const question = localize(step.context)(
      'appointments.confirmCancel',
      await this.bookingVars(step, booking),
    );
    return askYesNo(step, CONFIRM_PROMPT, question);
  }

  private async cancelBookingStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const t = localize(step.context);
    const reference = (step.values as AppointmentValues).reference as string;
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

  // ---- day and slot -------------------------------------------------------------------------

  private async askDayStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    (step.values as AppointmentValues).options = step.options as ScheduleOptions;
    const t = localize(step.context);
    return step.prompt(DAY_PROMPT, {
      prompt: t('appointments.askDay'),
      retryPrompt: t('appointments.dayRetry'),
    });
  }

  private async findSlotsStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.values as AppointmentValues).options as ScheduleOptions;
    const { t, locale } = turnLanguage(step.context);
    const day = requestedDayOf(step.result);
    if (!day) return step.replaceDialog(CHOOSE_DAY, options);
    const date = formatWeekday(day.date, locale, this.deps.shopTimezone);
    if (day.date < shopToday(this.deps.clock.now(), this.deps.shopTimezone)) {
      await step.context.sendActivity(t('appointments.dayPassed', { date }));
      return step.replaceDialog(CHOOSE_DAY, options);
    }
    let slots: Slot[];
    try {
      slots = await this.deps.commerce.appointments.freeSlots({
        serviceId: options.serviceId,
        from: day.date,
        days: 1,
      });
    } catch (error) {
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    if (slots.length > 0) {
      const preferred = day.time ? this.startingAt(slots, day.date, day.time) : slots;
      return step.replaceDialog(CHOOSE_SLOT, {
        ...options,
        slots: (preferred.length > 0 ? preferred : slots).slice(0, MAX_SLOTS),
        question: { key: 'appointments.pickSlot', vars: { date } },
      } satisfies SlotOptions);
    }
    await step.context.sendActivity(t('appointments.noSlotsThatDay', { date }));
    return this.offerNextSlots(step, options, day.date, undefined);
  }

  /** Offers the next free slots from `fromDay` on (after `after`), or a person when there are none. */
  private async offerNextSlots(
    step: WaterfallStepContext,
    options: ScheduleOptions,
    fromDay: string,
    after: string | undefined,
  ): Promise<DialogTurnResult> {
    let slots: Slot[];
    try {
      slots = await this.deps.commerce.appointments.freeSlots({
        serviceId: options.serviceId,
        from: fromDay,
        days: LOOKAHEAD_DAYS,
      });
    } catch (error) {
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    const next = slots
      .filter((slot) => !after || Date.parse(slot.start) > Date.parse(after))
      .slice(0, NEXT_SLOTS);
    if (next.length === 0) {
      await step.context.sendActivity(localize(step.context)('appointments.noSlotsSoon'));
      return step.replaceDialog(OFFER_PERSON_DIALOG, { reason: 'noSlots' } satisfies OfferPersonOptions);
    }
    return step.replaceDialog(CHOOSE_SLOT, {
      ...options,
      slots: next,
      question: { key: 'appointments.nextFreeSlots' },
    } satisfies SlotOptions);
  }

  private startingAt(slots: Slot[], date: string, time: string): Slot[] {
    const from = DateTime.fromISO(`${date}T${time}`, { zone: this.deps.shopTimezone }).toMillis();
    return slots.filter((slot) => Date.parse(slot.start) >= from);
  }

  private async offerSlotsStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as SlotOptions;
    (step.values as AppointmentValues).options = options;
    const { t, locale } = turnLanguage(step.context);
    const zone = customerZone(step.context, this.deps.shopTimezone);
    const days = new Set(options.slots.map((slot) => DateTime.fromISO(slot.start, { zone }).toISODate()));
    const choices: Choice[] = options.slots.map((slot) => ({
      value: slotLabel(slot, locale, zone, days.size > 1),
      // "16:45" picks "4:45 PM" too, whatever clock the locale shows.
      synonyms: [DateTime.fromISO(slot.start, { zone }).toFormat('HH:mm')],
    }));
    choices.push({ value: t('appointments.anotherDay') });
    return step.prompt(SLOT_PROMPT, {
      prompt: t(options.question.key, options.question.vars),
      retryPrompt: t('appointments.slotRetry'),
      choices,
      style: ListStyle.suggestedAction,
    });
  }

  private async askContactStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.values as AppointmentValues).options as SlotOptions;
    const slot = options.slots[(step.result as FoundChoice).index];
    if (!slot) return step.replaceDialog(CHOOSE_DAY, this.scheduleOnly(options));
    (step.values as AppointmentValues).slot = slot;
    if (options.mode === 'reschedule' || options.contact) return step.next(options.contact);
    const identity = verifiedIdentity(step.context);
    if (identity) return step.next(identity.phone ? { phone: identity.phone } : { email: identity.email });
    const t = localize(step.context);
    return step.prompt(CONTACT_PROMPT, {
      prompt: t('appointments.askContact'),
      retryPrompt: t('appointments.contactRetry'),
    });
  }

  private async confirmSlotStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.values as AppointmentValues).options as SlotOptions;
    const slot = (step.values as AppointmentValues).slot as Slot;
    if (options.mode === 'book') {
      const answer = step.result as string | Pick<CustomerContact, 'email' | 'phone'> | undefined;
      (step.values as AppointmentValues).contact =
        typeof answer === 'string'
          ? looksLikeEmail(answer)
            ? { email: answer.trim() }
            : { phone: answer.trim() }
          : (answer ?? {});
    }
    const { t, locale } = turnLanguage(step.context);
    const zone = customerZone(step.context, this.deps.shopTimezone);
    const vars = {
      service: await this.serviceName(options.serviceId, locale),
      date: formatInstantWeekday(slot.start, locale, zone),
      time: formatTime(slot.start, locale, zone),
      reference: options.reference ?? '',
    };
    const question =
      options.mode === 'book'
        ? t('appointments.confirmBooking', vars)
        : t('appointments.confirmReschedule', vars);
    return askYesNo(step, CONFIRM_PROMPT, question);
  }

  private async commitStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.values as AppointmentValues).options as SlotOptions;
    const slot = (step.values as AppointmentValues).slot as Slot;
    const { t, locale } = turnLanguage(step.context);
    if (!saidYes(step.result)) {
      await step.context.sendActivity(t('appointments.nothingChanged'));
      return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
    }
    const contact = (step.values as AppointmentValues).contact;
    let booking: Booking;
    try {
      booking =
        options.mode === 'book'
          ? await this.deps.commerce.appointments.book({
              // A redelivered "yes" for the same slot in this conversation books once.
              idempotencyKey: `${conversationRef(step.context)}/${options.serviceId}/${slot.start}`,
              serviceId: options.serviceId,
              start: slot.start,
              contact: contact ?? {},
            })
          : await this.deps.commerce.appointments.reschedule(options.reference ?? '', slot.start);
    } catch (error) {
      if (error instanceof SlotTakenError) {
        await step.context.sendActivity(t('appointments.slotTaken'));
        const day = DateTime.fromISO(slot.start, { zone: this.deps.shopTimezone }).toISODate() ?? '';
        return this.offerNextSlots(
          step,
          { ...this.scheduleOnly(options), ...(contact ? { contact } : {}) },
          day,
          slot.start,
        );
      }
      if (error instanceof BookingNotFoundError) {
        await step.context.sendActivity(
          t('appointments.bookingGone', { reference: options.reference ?? '' }),
        );
        return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
      }
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    await updateCaseFile(this.deps.state, step.context, { bookingReference: booking.reference });
    const zone = customerZone(step.context, this.deps.shopTimezone);
    const link = this.deps.links.sign(calendarPath(booking.reference), locale);
    const vars = {
      reference: booking.reference,
      service: await this.serviceName(booking.serviceId, locale),
      date: formatInstantWeekday(booking.start, locale, zone),
      time: formatTime(booking.start, locale, zone),
      link,
    };
    await step.context.sendActivity({
      type: 'message',
      text: options.mode === 'book' ? t('appointments.booked', vars) : t('appointments.rescheduled', vars),
      attachments: [{ contentType: 'text/calendar', contentUrl: link, name: `${booking.reference}.ics` }],
    });
    return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private scheduleOnly(options: SlotOptions): ScheduleOptions {
    const { slots: _slots, question: _question, ...schedule } = options;
    return schedule;
  }

  private async bookingVars(step: WaterfallStepContext, booking: Booking): Promise<Record<string, string>> {
    const { locale } = turnLanguage(step.context);
    const zone = customerZone(step.context, this.deps.shopTimezone);
    return {
      reference: booking.reference,
      service: await this.serviceName(booking.serviceId, locale),
      date: formatInstantWeekday(booking.start, locale, zone),
      time: formatTime(booking.start, locale, zone),
    };
  }

  /** The service's name in `locale`; its id when the backend can't say (the name is cosmetic here). */
  private async serviceName(serviceId: string, locale: string): Promise<string> {
    try {
      const service = (await this.deps.commerce.appointments.listServices()).find((s) => s.id === serviceId);
      return service ? serviceNameIn(service, locale) : serviceId;
    } catch (error) {
      this.deps.logger?.warn({ err: error }, 'could not read service names');
      return serviceId;
    }
  }
}
