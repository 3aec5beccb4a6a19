import {
  ComponentDialog,
  ListStyle,
  WaterfallDialog,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TranslationKey } from '../bot/i18n';
import type { Intent } from '../bot/language/recognizer';
import { localize } from '../bot/middleware';
import { UnderstandingChoicePrompt, localizedChoice } from './choicePrompt';

export const DID_YOU_MEAN_DIALOG = 'didYouMeanDialog';
const WATERFALL = 'didYouMeanDialog.waterfall';
const PROMPT = 'didYouMeanDialog.prompt';

/** The intents the bot can offer, by the name customers read. */
const INTENT_NAMES: Record<Exclude<Intent, 'None'>, TranslationKey> = {
  orderStatus: 'main.intentNames.orderStatus',
  returnItem: 'main.intentNames.returnItem',
  appointment: 'main.intentNames.appointment',
  humanAgent: 'main.intentNames.humanAgent',
  help: 'main.intentNames.help',
  cancel: 'main.intentNames.cancel',
  greeting: 'main.intentNames.greeting',
  changeLanguage: 'main.intentNames.changeLanguage',
};

/** What to offer, and the message that was not clear enough (for the entities in it). */
export interface DidYouMeanOptions {
  intents: Intent[];
  message: string;
}

/** The customer's pick: one of the intents, or `None` for "something else". */
export interface DidYouMeanResult {
  meant: Intent;
  message: string;
}

/** True for what {@link DidYouMeanDialog} ends with. */
export function isDidYouMeanResult(value: unknown): value is DidYouMeanResult {
  return typeof value === 'object' && value !== null && 'meant' in value && 'message' in value;
}

/**
 * The grey zone of the confidence policy: "Did you mean …?" with the best intents by name and
 * "Something else"; ends with what the customer picked.
 */
export class DidYouMeanDialog extends ComponentDialog {
  constructor() {
    super(DID_YOU_MEAN_DIALOG);
    this.addDialog(new UnderstandingChoicePrompt(PROMPT));
    this.addDialog(new WaterfallDialog(WATERFALL, [this.askStep.bind(this), this.answerStep.bind(this)]));
    this.initialDialogId = WATERFALL;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const t = localize(step.context);
    const { intents } = step.options as DidYouMeanOptions;
    const offered = intents.filter((intent): intent is Exclude<Intent, 'None'> => intent !== 'None');
    return step.prompt(PROMPT, {
      prompt: t('main.didYouMean'),
      retryPrompt: t('main.didYouMeanRetry'),
      choices: [
        ...offered.map((intent) => localizedChoice(t, INTENT_NAMES[intent])),
        localizedChoice(t, 'main.somethingElse', 'main.somethingElseSynonyms'),
      ],
      style: ListStyle.suggestedAction,
    });
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { intents, message } = step.options as DidYouMeanOptions;
    const offered = intents.filter((intent) => intent !== 'None');
    const meant = offered[(step.result as FoundChoice).index] ?? 'None';
    return step.endDialog({ meant, message } satisfies DidYouMeanResult);
  }
}
