import {
  ChoicePrompt,
  ComponentDialog,
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
import { recognizeDay } from '../bot/language/customerDates';
import { localize, turnLanguage } from '../bot/middleware';
import { looksLikeEmail, looksLikePhone } from '../services/customerMatch';
import { calendarPath } from '../services/downloadRoutes';
import { BookingNotFoundError, SlotTakenError } from '../services/errors';
import type { Booking, CustomerContact, Slot } from '../services/types';
import { bookingVars } from './appointmentTexts';
import { conversationRef, updateCaseFile, type CommerceDialogDeps } from './commerceDialogDeps';
import { formatWeekday, shopToday } from './formatting';
import type { TaskOutcome } from './interruptibleDialog';
import {
  OFFER_PERSON_DIALOG,
  OfferPersonDialog,
  askYesNo,
  offerPersonAfterFailure,
  saidYes,
  type OfferPersonOptions,
} from './offerPersonDialog';
import { ShopDatePrompt, dayResolution, requestedDayOf } from './shopDatePrompt';
import { ShopTimes } from './shopTimes';
import { yesNoPrompt } from './choicePrompt';

export const SLOT_PICKER_DIALOG = 'slotPickerDialog';
const CHOOSE_DAY = 'slotPickerDialog.chooseDay';
const CHOOSE_SLOT = 'slotPickerDialog.chooseSlot';
const DAY_PROMPT = 'slotPickerDialog.day';
const SLOT_PROMPT = 'slotPickerDialog.slot';
const CONTACT_PROMPT = 'slotPickerDialog.contact';
const CONFIRM_PROMPT = 'slotPickerDialog.confirm';

/** A time of day in an answer ("3:00", "15.30", "9h30", "5 pm"). */
const TIME_LIKE = /\d{1,2}\s*(?:[:.h]\s*\d{2}|[ap]\.?\s?m\b)/i;

/** Most slots offered at once (a chat list longer than this is hard to read). */
const MAX_SLOTS = 8;
/** Slots offered after the chosen one was taken, or when a day is full. */
const NEXT_SLOTS = 5;
/** How far ahead the bot looks for free slots when a day has none. */
const LOOKAHEAD_DAYS = 14;

/** What the slot picker works on: a new booking of a service, or a booking to move. */
export interface SlotPickerOptions {
  mode: 'book' | 'reschedule';
  serviceId: string;
  /** The booking being moved. */
  reference?: string;
  /** Contact for a new booking, once known. */
  contact?: Pick<CustomerContact, 'email' | 'phone'>;
  /** The day the customer already named ("next Tuesday"); used once, instead of asking. */
  dayWords?: string;
}

/** The slots on offer and the question above them. */
interface SlotOptions extends SlotPickerOptions {
  slots: Slot[];
  question: { key: TranslationKey; vars?: Record<string, string> };
  /** True when every slot is on the day the question names, so the labels can leave it out. */
  sameDay: boolean;
}

/** What the waterfalls keep between steps. */
interface PickerValues {
  options?: SlotPickerOptions | SlotOptions;
  slot?: Slot;
  contact?: Pick<CustomerContact, 'email' | 'phone'>;
}

/**
 * Picks a day and a free slot, then books it or moves the booking to it: the day in natural
 * language in the customer's language ("tomorrow", "el martes", "下周二", "rīt"), or the one the
 * first message named; the free slots of that day (from opening hours, holidays, durations and
 * existing bookings), shown in the shop's timezone; for a new booking a contact; a
 * confirmation; then the reference and an `.ics` file. When the day has no free time, or the
 * chosen slot was taken meanwhile, the next free ones are offered, each with its day.
 */
export class SlotPickerDialog extends ComponentDialog {
  constructor(private readonly deps: CommerceDialogDeps) {
    super(SLOT_PICKER_DIALOG);
    this.addDialog(yesNoPrompt(CONFIRM_PROMPT));
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
    this.addDialog(new OfferPersonDialog(deps.state));
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
    this.initialDialogId = CHOOSE_DAY;
  }

  // ---- day ----------------------------------------------------------------------------------

  private async askDayStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { dayWords, ...options } = step.options as SlotPickerOptions;
    // The day is asked again from scratch (a past day, "another day"): the first message's words are used once.
    (step.values as PickerValues).options = options;
    const { t, locale } = turnLanguage(step.context);
    const named = dayWords ? recognizeDay(dayWords, locale, this.shopNow()) : undefined;
    if (named) return step.next(dayResolution(named));
    return step.prompt(DAY_PROMPT, {
      prompt: t('appointments.askDay'),
      retryPrompt: t('appointments.dayRetry'),
    });
  }

  private async findSlotsStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.values as PickerValues).options as SlotPickerOptions;
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
        sameDay: true,
      } satisfies SlotOptions);
    }
    await step.context.sendActivity(t('appointments.noSlotsThatDay', { date }));
    return this.offerNextSlots(step, options, day.date, undefined);
  }

  /** Offers the next free slots from `fromDay` on (after `after`), or a person when there are none. */
  private async offerNextSlots(
    step: WaterfallStepContext,
    options: SlotPickerOptions,
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
      sameDay: false,
    } satisfies SlotOptions);
  }

  private startingAt(slots: Slot[], date: string, time: string): Slot[] {
    const from = DateTime.fromISO(`${date}T${time}`, { zone: this.deps.shopTimezone }).toMillis();
    return slots.filter((slot) => Date.parse(slot.start) >= from);
  }

  private shopNow(): DateTime {
    return DateTime.fromJSDate(this.deps.clock.now(), { zone: this.deps.shopTimezone });
  }

  // ---- slot, contact, confirmation ----------------------------------------------------------

  private async offerSlotsStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as SlotOptions;
    (step.values as PickerValues).options = options;
    const t = localize(step.context);
    const times = ShopTimes.of(step.context, this.deps.shopTimezone);
    const choices: Choice[] = options.slots.map((slot) => ({
      value: times.slotLabel(slot, !options.sameDay),
      // "16:45" picks "4:45 PM" too, whatever clock the locale shows.
      synonyms: [DateTime.fromISO(slot.start, { zone: this.deps.shopTimezone }).toFormat('HH:mm')],
    }));
    choices.push({ value: t('appointments.anotherDay') });
    const question = t(options.question.key, options.question.vars);
    const zoneNote = times.zoneNote(options.slots);
    return step.prompt(SLOT_PROMPT, {
      prompt: zoneNote ? `${question}\n${zoneNote}` : question,
      retryPrompt: t('appointments.slotRetry'),
      choices,
      style: ListStyle.suggestedAction,
    });
  }

  private async askContactStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.values as PickerValues).options as SlotOptions;
    const slot = options.slots[(step.result as FoundChoice).index];
    if (!slot) return step.replaceDialog(CHOOSE_DAY, pickerOnly(options));
    (step.values as PickerValues).slot = slot;
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
    const options = (step.values as PickerValues).options as SlotOptions;
    const slot = (step.values as PickerValues).slot as Slot;
    if (options.mode === 'book') {
      const answer = step.result as string | Pick<CustomerContact, 'email' | 'phone'> | undefined;
      (step.values as PickerValues).contact =
        typeof answer === 'string'
          ? looksLikeEmail(answer)
            ? { email: answer.trim() }
            : { phone: answer.trim() }
          : (answer ?? {});
    }
    const t = localize(step.context);
    const vars = await bookingVars(this.deps, step.context, {
      reference: options.reference ?? '',
      serviceId: options.serviceId,
      start: slot.start,
    });
    const question =
      options.mode === 'book'
        ? t('appointments.confirmBooking', vars)
        : t('appointments.confirmReschedule', vars);
    return askYesNo(step, CONFIRM_PROMPT, question);
  }

  private async commitStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.values as PickerValues).options as SlotOptions;
    const slot = (step.values as PickerValues).slot as Slot;
    const { t, locale } = turnLanguage(step.context);
    if (!saidYes(step.result)) {
      await step.context.sendActivity(t('appointments.nothingChanged'));
      return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
    }
    const contact = (step.values as PickerValues).contact;
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
        const day = ShopTimes.of(step.context, this.deps.shopTimezone).shopDate(slot.start);
        return this.offerNextSlots(
          step,
          { ...pickerOnly(options), ...(contact ? { contact } : {}) },
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
    const link = this.deps.links.sign(calendarPath(booking.reference), locale);
    const vars = { ...(await bookingVars(this.deps, step.context, booking)), link };
    await step.context.sendActivity({
      type: 'message',
      text: options.mode === 'book' ? t('appointments.booked', vars) : t('appointments.rescheduled', vars),
      attachments: [{ contentType: 'text/calendar', contentUrl: link, name: `${booking.reference}.ics` }],
    });
    return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
  }
}

/** The picker's own options, without the slots on offer. */
function pickerOnly(options: SlotOptions): SlotPickerOptions {
  const { slots: _slots, question: _question, sameDay: _sameDay, ...picker } = options;
  return picker;
}
