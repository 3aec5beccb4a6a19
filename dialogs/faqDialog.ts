import {
  ComponentDialog,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidatorContext,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { FaqBook, FaqEntry } from '../bot/content/faq';
import { localize, turnLanguage } from '../bot/middleware';
import type { BotStateSet } from '../bot/state';
import { yesNoPrompt } from './choicePrompt';
import type { TaskOutcome } from './interruptibleDialog';
import {
  askYesNo,
  OFFER_PERSON_DIALOG,
  OfferPersonDialog,
  saidYes,
  type OfferPersonOptions,
} from './offerPersonDialog';

export const FAQ_DIALOG = 'faqDialog';
const WATERFALL = 'faqDialog.waterfall';
const HELPFUL_PROMPT = 'faqDialog.helpful';

/** The locale whose entry answers when the turn's locale has none. */
const FALLBACK_LOCALE = 'en';

export interface FaqDialogDeps {
  /** The answers as they are now: leads may change them while the bot runs. */
  faq: FaqBook;
  state: BotStateSet;
}

/** What MainDialog starts the FAQ dialog with. */
export interface FaqOptions {
  /** The entry's id, as the recognizer named it. */
  faqId: string;
  /**
   * Ask "was this helpful?" after the answer (at the menu). Off inside a task: the task's own
   * question comes next, and two open questions at once would have the customer answer the wrong one.
   */
  askHelpful: boolean;
}

/**
 * How the FAQ dialog ended: a task's outcome (`handoff` when the customer accepted a person after
 * an answer that did not help), or `newRequest` when the customer wrote something else instead
 * of rating the answer, which MainDialog then routes as a message of its own.
 */
export type FaqOutcome = TaskOutcome | { outcome: 'newRequest' };

/** True for what {@link FaqDialog} ends with when the customer moved on without rating. */
export function isNewRequest(value: unknown): value is { outcome: 'newRequest' } {
  return (value as FaqOutcome | undefined)?.outcome === 'newRequest';
}

/** What the waterfall keeps between steps. */
interface FaqValues {
  faqId: string;
  locale: string;
}

/**
 * Answers one FAQ entry in the turn's language (the English entry when the language has none),
 * then, at the menu, asks whether it helped: yes is thanked, no brings the offer of a person.
 * Emits `FaqAnswered` and `FaqRated` on the dialog's telemetry client.
 */
export class FaqDialog extends ComponentDialog {
  constructor(private readonly deps: FaqDialogDeps) {
    super(FAQ_DIALOG);
    // NOTE: an answer that is neither yes nor no ends the prompt instead of re-prompting: a customer
    // who asks the next question right away is answered, not told to say "yes" or "no".
    this.addDialog(yesNoPrompt(HELPFUL_PROMPT, acceptAnything));
    this.addDialog(new OfferPersonDialog(deps.state));
    this.addDialog(new WaterfallDialog(WATERFALL, [this.answerStep.bind(this), this.ratedStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  /** The entry that answers `faqId` in `locale`, or in English when that locale lacks it. */
  answerFor(locale: string, faqId: string): FaqEntry | undefined {
    return this.deps.faq.entry(locale, faqId) ?? this.deps.faq.entry(FALLBACK_LOCALE, faqId);
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { faqId, askHelpful } = step.options as FaqOptions;
    const { locale, t } = turnLanguage(step.context);
    const entry = this.answerFor(locale, faqId);
    if (!entry) {
      // Removed since the recognizer learnt it: say so as for any message not understood.
      await step.context.sendActivity(t('main.notUnderstood'));
      return step.endDialog({ outcome: 'completed' } satisfies FaqOutcome);
    }
    await step.context.sendActivity(entry.answer);
    this.telemetryClient.trackEvent({ name: 'FaqAnswered', properties: { faqId, locale } });
    if (!askHelpful) return step.endDialog({ outcome: 'completed' } satisfies FaqOutcome);
    Object.assign(step.values as FaqValues, { faqId, locale } satisfies FaqValues);
    return askYesNo(step, HELPFUL_PROMPT, t('faq.helpful'));
  }

  private async ratedStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (step.result === undefined) return step.endDialog({ outcome: 'newRequest' } satisfies FaqOutcome);
    const { faqId, locale } = step.values as FaqValues;
    const helpful = saidYes(step.result);
    this.telemetryClient.trackEvent({
      name: 'FaqRated',
      properties: { faqId, locale, helpful: helpful ? 'true' : 'false' },
    });
    const t = localize(step.context);
    if (helpful) {
      await step.context.sendActivity(t('faq.thanks'));
      return step.endDialog({ outcome: 'completed' } satisfies FaqOutcome);
    }
    await step.context.sendActivity(t('faq.notHelpful'));
    return step.replaceDialog(OFFER_PERSON_DIALOG, { reason: 'faqNotHelpful' } satisfies OfferPersonOptions);
  }
}

/** Yes, no, or anything else (which ends the question unanswered). */
const acceptAnything = (_prompt: PromptValidatorContext<FoundChoice>): Promise<boolean> =>
  Promise.resolve(true);
