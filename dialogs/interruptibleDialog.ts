import { ActivityTypes } from 'botbuilder';
import {
  ChoiceFactory,
  ComponentDialog,
  DialogContainer,
  DialogTurnStatus,
  type Dialog,
  type DialogContext,
  type DialogInstance,
  type DialogState,
  type DialogTurnResult,
  type PromptOptions,
} from 'botbuilder-dialogs';
import type { Recognizer } from '../bot/language/recognizer';
import { localize, turnLanguage } from '../bot/middleware';
import { findTurnLanguage } from '../bot/middleware/localeResolution';
import { matchChoice } from './choiceMatch';
import { ordinalWords } from './choicePrompt';
import type { TranslationKey } from '../bot/i18n';

/** Why a task ended with a person: kept in the case file for the agent who takes over. */
export type HandoffReason =
  /** The commerce backend could not be reached. */
  | 'backendDown'
  /** The bot could not read an order number or booking reference after several tries. */
  | 'notUnderstood'
  /** Too many failed verifications. */
  | 'verificationLocked'
  /** Nothing the customer chose can be returned under the policy. */
  | 'notEligible'
  /** The backend refused to create the return. */
  | 'returnRefused'
  /** No free appointment slot in the next days. */
  | 'noSlots'
  /** The customer said an FAQ answer did not help and accepted a person. */
  | 'faqNotHelpful';

/** How a task dialog ended; MainDialog decides what comes next from it. */
export type TaskOutcome =
  | { outcome: 'completed' }
  | { outcome: 'cancelled' }
  /** The customer asked for a person in the middle of the task, or accepted one the bot offered. */
  | { outcome: 'handoff'; reason?: HandoffReason };

/**
 * A message counts as an interruption only when the keyword is most of it, so "help" or
 * "cancel" inside a longer answer ("cancel order 1234 please") is left to the step.
 */
export const INTERRUPTION_MIN_SCORE = 0.5;

/**
 * True when the text answers the innermost active prompt with one of its choices (by name,
 * synonym, number or ordinal; see {@link matchChoice}): "Changed my mind" at the return reason,
 * or "cancel the booking" at "book, move or cancel?", is an answer, whatever the recognizer
 * thinks of it as a message of its own.
 */
export function answersActivePrompt(innerDc: DialogContext, text: string): boolean {
  const options = (innermostActiveDialog(innerDc)?.state as { options?: PromptOptions } | undefined)?.options;
  const choices = ChoiceFactory.toChoices(options?.choices ?? []);
  if (choices.length === 0) return false;
  const t = findTurnLanguage(innerDc.context)?.t;
  return (
    matchChoice(text, choices, { numbers: true, ordinals: t && ordinalWords(t), partial: false }) !==
    undefined
  );
}

/** Where a ComponentDialog keeps its inner dialog stack in its instance state (botbuilder's persisted layout). */
const INNER_DIALOG_STATE = 'dialogs';

/**
 * The innermost active dialog below `dc`: what `while (dc.child) dc = dc.child` reaches. NOTE:
 * found in the dialog state instead, because every `dc.child` builds a new DialogContext (with
 * its DialogStateManager and component registration), twice per level in that loop. Stored
 * conversations depend on the layout read here (a component's stack under `dialogs`), so
 * botbuilder cannot change it without breaking them. Another kind of container (none in
 * Switchboard) is walked the generic way.
 */
export function innermostActiveDialog(dc: DialogContext): DialogInstance | undefined {
  const containers: DialogContainer[] = [];
  // As a child DialogContext finds a dialog: its own set first, then its parents'.
  const find = (id: string): Dialog | undefined => {
    for (let i = containers.length - 1; i >= 0; i--) {
      const found = containers[i]?.findDialog(id);
      if (found) return found;
    }
    return dc.findDialog(id);
  };
  let instance = dc.activeDialog;
  let dialog = instance && find(instance.id);
  while (instance && dialog instanceof DialogContainer) {
    if (!(dialog instanceof ComponentDialog)) {
      let child: DialogContext | undefined = dc;
      while (child.child) child = child.child;
      return child.activeDialog;
    }
    const stack = (instance.state as Record<string, DialogState | undefined>)[INNER_DIALOG_STATE]
      ?.dialogStack;
    instance = stack?.[stack.length - 1];
    containers.push(dialog);
    dialog = instance && find(instance.id);
  }
  return instance;
}

/**
 * Base of every task dialog: before any step runs, catches the global interruptions
 * (as core-bot's CancelAndHelpDialog does):
 * - help: this dialog's own help text, then the current question again;
 * - cancel: leaves the task and returns to the menu;
 * - agent: leaves the task with outcome `handoff`.
 *
 * FAQ questions ("how much is shipping?") are answered by MainDialog on top of the task, with the
 * same threshold ({@link INTERRUPTION_MIN_SCORE}); when the answer is sent the task asks its
 * question again (ComponentDialog's resume), without "was this helpful?" in between.
 */
export abstract class InterruptibleDialog extends ComponentDialog {
  /** Help text for this dialog's context. */
  protected abstract readonly helpKey: TranslationKey;

  constructor(
    dialogId: string,
    protected readonly recognizer: Recognizer,
  ) {
    super(dialogId);
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const interrupted = await this.interrupt(innerDc);
    return interrupted ?? super.onContinueDialog(innerDc);
  }

  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const { activity } = innerDc.context;
    if (activity.type !== ActivityTypes.Message || !activity.text) return undefined;
    if (answersActivePrompt(innerDc, activity.text)) return undefined;
    const { intent, score } = await this.recognizer.recognize(
      activity.text,
      turnLanguage(innerDc.context).locale,
    );
    if (score < INTERRUPTION_MIN_SCORE) return undefined;
    const t = localize(innerDc.context);
    switch (intent) {
      case 'help':
        await innerDc.context.sendActivity(t(this.helpKey));
        await innerDc.repromptDialog();
        return { status: DialogTurnStatus.waiting };
      case 'cancel':
        await innerDc.context.sendActivity(t('cancel.done'));
        return this.leave(innerDc, { outcome: 'cancelled' });
      case 'humanAgent':
        return this.leave(innerDc, { outcome: 'handoff' });
      default:
        return undefined;
    }
  }

  /** Ends every step of this task; the component then ends with `outcome` as its result. */
  private async leave(innerDc: DialogContext, outcome: TaskOutcome): Promise<DialogTurnResult> {
    await innerDc.cancelAllDialogs();
    return { status: DialogTurnStatus.complete, result: outcome };
  }
}
