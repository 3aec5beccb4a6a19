import { ActivityTypes, MessageFactory, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  DialogSet,
  DialogTurnStatus,
  WaterfallDialog,
  type Dialog,
  type DialogState,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TranslationKey } from '../bot/i18n';
import type { Intent, Recognizer } from '../bot/language/recognizer';
import { localize, turnLanguage } from '../bot/middleware';
import type { BotStateSet } from '../bot/state';
import type { TaskOutcome } from './interruptibleDialog';
import { LANGUAGE_DIALOG } from './languageDialog';

export const MAIN_DIALOG = 'mainDialog';
const WATERFALL = 'mainDialog.waterfall';

/** Intents that start a task dialog. */
export type TaskIntent = Extract<Intent, 'orderStatus' | 'returnItem' | 'appointment'>;

/** The menu offered to the customer, in this order, as suggested actions. */
const MENU: readonly { intent: Intent; label: TranslationKey }[] = [
  { intent: 'orderStatus', label: 'menu.orderStatus' },
  { intent: 'returnItem', label: 'menu.returnItem' },
  { intent: 'appointment', label: 'menu.appointment' },
  { intent: 'humanAgent', label: 'menu.humanAgent' },
];

export interface MainDialogDeps {
  recognizer: Recognizer;
  state: BotStateSet;
  /** Picks the bot's language (the `changeLanguage` intent). */
  languageDialog: Dialog;
  /** The dialog for each task intent; an intent without one is answered as not available here. */
  tasks?: Partial<Record<TaskIntent, Dialog>>;
}

/**
 * The root of the dialog stack. Each customer message that no task is waiting for comes here:
 * the first one gets the automated-assistant notice, then the intent is recognized and routed
 * to its task dialog. When a task ends, the customer is offered the menu again.
 */
export class MainDialog extends ComponentDialog {
  private readonly tasks: Partial<Record<TaskIntent, string>> = {};

  constructor(private readonly deps: MainDialogDeps) {
    super(MAIN_DIALOG);
    if (deps.languageDialog.id !== LANGUAGE_DIALOG) {
      throw new Error(`MainDialog: languageDialog must have id ${LANGUAGE_DIALOG}`);
    }
    this.addDialog(deps.languageDialog);
    for (const [intent, dialog] of Object.entries(deps.tasks ?? {})) {
      this.addDialog(dialog);
      this.tasks[intent as TaskIntent] = dialog.id;
    }
    this.addDialog(
      new WaterfallDialog(WATERFALL, [this.routeStep.bind(this), this.afterTaskStep.bind(this)]),
    );
    this.initialDialogId = WATERFALL;
  }

  /** Runs one turn: continues the active task, or starts over at the routing step. */
  async run(context: TurnContext, dialogState: StatePropertyAccessor<DialogState>): Promise<void> {
    const dialogSet = new DialogSet(dialogState);
    dialogSet.add(this);
    const dc = await dialogSet.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
  }

  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const t = localize(context);
    const conversation = await this.deps.state.conversation(context);
    const firstContact = !conversation.welcomed;
    if (firstContact) {
      await context.sendActivity(t('welcome.greeting'));
      conversation.welcomed = true;
    }

    const text = context.activity.type === ActivityTypes.Message ? (context.activity.text ?? '').trim() : '';
    if (!text) {
      await this.sendMenu(context, 'menu.prompt');
      return step.endDialog();
    }

    const { intent } = await this.deps.recognizer.recognize(text, turnLanguage(context).locale);
    conversation.notUnderstoodInARow = intent === 'None' ? conversation.notUnderstoodInARow + 1 : 0;
    switch (intent) {
      case 'orderStatus':
      case 'returnItem':
      case 'appointment': {
        const dialogId = this.tasks[intent];
        if (dialogId) return step.beginDialog(dialogId);
        await context.sendActivity(t('main.taskUnavailable'));
        return step.endDialog();
      }
      case 'changeLanguage':
        return step.beginDialog(LANGUAGE_DIALOG);
      case 'humanAgent':
        await this.offerPerson(context);
        return step.endDialog();
      case 'help':
        await context.sendActivity(t('help.main'));
        await this.sendMenu(context, 'menu.prompt');
        return step.endDialog();
      case 'cancel':
        await context.sendActivity(t('main.nothingToCancel'));
        await this.sendMenu(context, 'menu.prompt');
        return step.endDialog();
      case 'greeting':
        await this.sendMenu(context, 'menu.prompt');
        return step.endDialog();
      case 'None':
        await context.sendActivity(t('main.notUnderstood'));
        return step.endDialog();
    }
  }

  private async afterTaskStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const outcome = step.result as TaskOutcome | undefined;
    if (outcome?.outcome === 'handoff') {
      await this.offerPerson(step.context);
      return step.endDialog();
    }
    await this.sendMenu(step.context, 'menu.anythingElse');
    return step.endDialog();
  }

  // NOTE: the handoff to a human agent queue replaces this answer once the handoff dialog exists.
  private async offerPerson(context: TurnContext): Promise<void> {
    await context.sendActivity(localize(context)('handoff.unavailable'));
  }

  private async sendMenu(context: TurnContext, question: TranslationKey): Promise<void> {
    const t = localize(context);
    await context.sendActivity(
      MessageFactory.suggestedActions(
        MENU.map((entry) => t(entry.label)),
        t(question),
      ),
    );
  }
}
