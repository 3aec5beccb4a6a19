import {
  ComponentDialog,
  ListStyle,
  WaterfallDialog,
  type Choice,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Logger } from 'pino';
import type { Translate } from '../bot/i18n';
import { localize } from '../bot/middleware';
import type { BotStateSet } from '../bot/state';
import { CommerceBackendUnavailableError } from '../services/errors';
import { localizedChoice, yesNoPrompt } from './choicePrompt';
import { updateCaseFile } from './commerceDialogDeps';
import type { HandoffReason, TaskOutcome } from './interruptibleDialog';

export const OFFER_PERSON_DIALOG = 'offerPersonDialog';
const WATERFALL = 'offerPersonDialog.waterfall';
const YES_NO_PROMPT = 'offerPersonDialog.yesNo';

export interface OfferPersonOptions {
  reason: HandoffReason;
}

/** What the waterfall keeps between steps. */
interface OfferValues {
  reason?: HandoffReason;
}

/** Yes and no as choices, with the synonyms of the turn's language ("yeah", "vale", "好的", "jā", 👍). */
export function yesNoChoices(t: Translate): Choice[] {
  return [
    localizedChoice(t, 'common.yes', 'common.yesSynonyms'),
    localizedChoice(t, 'common.no', 'common.noSynonyms'),
  ];
}

/**
 * Asks a yes/no question (answer index 0 = yes); `promptId` should be a {@link yesNoPrompt}, so
 * an answer that is neither gets the localized re-prompt.
 */
export function askYesNo(
  step: WaterfallStepContext,
  promptId: string,
  question: string,
): Promise<DialogTurnResult> {
  const t = localize(step.context);
  return step.prompt(promptId, {
    prompt: question,
    retryPrompt: t('common.yesNoRetry'),
    choices: yesNoChoices(t),
    style: ListStyle.suggestedAction,
  });
}

/** True when the answer to {@link askYesNo} was yes. */
export function saidYes(result: unknown): boolean {
  return (result as FoundChoice | undefined)?.index === 0;
}

/**
 * When a step could not reach the commerce backend: tell the customer plainly and offer a
 * person. Unexpected errors get the same answer but are logged as errors, since they are bugs.
 */
export async function offerPersonAfterFailure(
  step: WaterfallStepContext,
  error: unknown,
  logger: Logger | undefined,
): Promise<DialogTurnResult> {
  if (error instanceof CommerceBackendUnavailableError) {
    logger?.warn({ err: error }, 'commerce backend unavailable');
  } else {
    logger?.error({ err: error }, 'commerce backend call failed');
  }
  await step.context.sendActivity(localize(step.context)('backend.unavailable'));
  return step.replaceDialog(OFFER_PERSON_DIALOG, { reason: 'backendDown' } satisfies OfferPersonOptions);
}

/**
 * Asks whether the customer wants a person after the bot could not finish a task; ends with
 * outcome `handoff` (and the reason) on yes, `completed` on no. The reason is kept in the case
 * file for the agent.
 */
export class OfferPersonDialog extends ComponentDialog {
  constructor(private readonly state: BotStateSet) {
    super(OFFER_PERSON_DIALOG);
    this.addDialog(yesNoPrompt(YES_NO_PROMPT));
    this.addDialog(new WaterfallDialog(WATERFALL, [this.askStep.bind(this), this.answerStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { reason } = step.options as OfferPersonOptions;
    (step.values as OfferValues).reason = reason;
    await updateCaseFile(this.state, step.context, { handoffReason: reason });
    return askYesNo(step, YES_NO_PROMPT, localize(step.context)('common.offerPerson'));
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const outcome: TaskOutcome = saidYes(step.result)
      ? { outcome: 'handoff', reason: (step.values as OfferValues).reason as HandoffReason }
      : { outcome: 'completed' };
    return step.endDialog(outcome);
  }
}
