import { ActivityTypes, MessageFactory, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  DialogSet,
  DialogTurnStatus,
  WaterfallDialog,
  type Dialog,
  type DialogContext,
  type DialogState,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TranslationKey } from '../bot/i18n';
import {
  FAQ_INTENT,
  intentOrFaqId,
  type Entity,
  type Intent,
  type IntentResult,
  type Recognizer,
} from '../bot/language/recognizer';
import type { SentimentTrigger } from '../bot/language/sentiment';
import { localize, turnLanguage } from '../bot/middleware';
import type { BotStateSet } from '../bot/state';
import { DEFAULT_CONFIDENCE, readIntent, type ConfidenceThresholds, type Reading } from './confidencePolicy';
import {
  DID_YOU_MEAN_DIALOG,
  DidYouMeanDialog,
  isDidYouMeanResult,
  type DidYouMeanOptions,
} from './didYouMeanDialog';
import { FAQ_DIALOG, isNewRequest, type FaqDialog, type FaqOptions } from './faqDialog';
import { HANDOFF_DIALOG, type HandoffOptions } from './handoffDialog';
import { answersActivePrompt, INTERRUPTION_MIN_SCORE, type TaskOutcome } from './interruptibleDialog';
import { LANGUAGE_DIALOG } from './languageDialog';
import { RootDialogContext } from './rootDialogContext';
import { taskRequestOf } from './taskRequest';
import type { ReturnsOptions } from './returnsDialog';

export const MAIN_DIALOG = 'mainDialog';
const WATERFALL = 'mainDialog.waterfall';

/** "agent" (and "language") count when they are most of the message, as the other interruptions. */
const AGENT_MIN_SCORE = 0.5;
const LANGUAGE_MIN_SCORE = 0.5;
/** After this many messages in a row the bot did not understand, it offers a person. */
const NOT_UNDERSTOOD_BEFORE_OFFER = 2;

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
  /** Hands the conversation to the human team (the `humanAgent` intent and every other trigger). */
  handoffDialog: Dialog;
  /** The dialog for each task intent; an intent without one is answered as not available here. */
  tasks?: Partial<Record<TaskIntent, Dialog>>;
  /** Offers a person when a message is negative enough; off without an analyzer. */
  sentiment?: SentimentTrigger;
  /** When to route, ask "did you mean …?" or say the bot did not understand; {@link DEFAULT_CONFIDENCE} by default. */
  confidence?: ConfidenceThresholds;
  /** Answers FAQ questions, at the menu and inside a task; without it they are not understood. */
  faqDialog?: FaqDialog;
  /**
   * Called with each message the routing step did not understand (`None`) or was unsure of
   * ("did you mean …?"), with the best reading (an intent or an FAQ id) and its score: the
   * content studio's inbox of unrecognized messages. A rejection does not fail the turn (it is
   * reported to the telemetry client as an exception).
   */
  notUnderstood?: (message: NotUnderstoodMessage) => void | Promise<void>;
}

/** A message the routing step did not understand or was unsure of, for {@link MainDialogDeps.notUnderstood}. */
export interface NotUnderstoodMessage {
  /** As the customer wrote it (not redacted: the hook redacts what it keeps). */
  text: string;
  /** The turn's locale. */
  locale: string;
  /** The best reading: an intent name, or an FAQ entry's id. */
  intent: string;
  score: number;
}

/** How the routing step is started again after "did you mean …?": with what the customer meant. */
interface RouteOptions {
  meant: Intent;
  /** The message that was not clear enough, for the details in it. */
  message: string;
}

/** What the routing step made of a message: acted on it, asked "did you mean …?", or did not understand it. */
type Understanding = 'understood' | 'unsure' | 'notUnderstood';

/** What the routing step remembers for the steps after a task. */
interface MainValues {
  topic: string;
}

/**
 * The root of the dialog stack. Each customer message that no task is waiting for comes here:
 * the first one gets the automated-assistant notice, then the intent is recognized and routed
 * to its task dialog. When a task ends, the customer is offered the menu again.
 *
 * A person is always one word away: "agent" at any step puts the handoff dialog on top of
 * whatever task is running, so the task asks its question again when the customer comes back
 * from the human team.
 */
export class MainDialog extends ComponentDialog {
  private readonly tasks: Partial<Record<TaskIntent, string>> = {};

  constructor(private readonly deps: MainDialogDeps) {
    super(MAIN_DIALOG);
    if (deps.languageDialog.id !== LANGUAGE_DIALOG) {
      throw new Error(`MainDialog: languageDialog must have id ${LANGUAGE_DIALOG}`);
    }
    if (deps.handoffDialog.id !== HANDOFF_DIALOG) {
      throw new Error(`MainDialog: handoffDialog must have id ${HANDOFF_DIALOG}`);
    }
    if (deps.faqDialog && deps.faqDialog.id !== FAQ_DIALOG) {
      throw new Error(`MainDialog: faqDialog must have id ${FAQ_DIALOG}`);
    }
    this.addDialog(deps.languageDialog);
    this.addDialog(deps.handoffDialog);
    if (deps.faqDialog) this.addDialog(deps.faqDialog);
    this.addDialog(new DidYouMeanDialog());
    for (const [intent, dialog] of Object.entries(deps.tasks ?? {})) {
      this.addDialog(dialog);
      this.tasks[intent as TaskIntent] = dialog.id;
    }
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.routeStep.bind(this),
        this.afterTaskStep.bind(this),
        this.afterHandoffStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  /** Runs one turn: continues the active task, or starts over at the routing step. */
  async run(context: TurnContext, dialogState: StatePropertyAccessor<DialogState>): Promise<void> {
    const dialogSet = new DialogSet(dialogState);
    dialogSet.add(this);
    const dc = await RootDialogContext.of(dialogSet, context, dialogState);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
  }

  /**
   * Before any task step runs: "agent" or a very negative message start the handoff on top;
   * "language" in any language starts the language choice on top, after which the task asks
   * its question again in the new language; an FAQ question inside a task is answered on top,
   * after which the task asks its question again.
   */
  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const { activity } = innerDc.context;
    const active = innerDc.activeDialog?.id;
    if (activity.type === ActivityTypes.Message && activity.text && active !== HANDOFF_DIALOG) {
      const topic = this.activeTopic(innerDc);
      const trigger = await this.handoffTrigger(innerDc.context, activity.text, topic);
      if (trigger) return innerDc.beginDialog(HANDOFF_DIALOG, trigger);
      if (active !== LANGUAGE_DIALOG && (await this.asksForLanguage(innerDc, activity.text))) {
        return innerDc.beginDialog(LANGUAGE_DIALOG);
      }
      const faqId = await this.faqInsideTask(innerDc, activity.text);
      if (faqId) return innerDc.beginDialog(FAQ_DIALOG, { faqId, askHelpful: false } satisfies FaqOptions);
    }
    return super.onContinueDialog(innerDc);
  }

  /**
   * The FAQ entry a message inside a task asks, when the question is most of the message (as
   * help and cancel must be) and not an answer to the question the task asked.
   */
  private async faqInsideTask(innerDc: DialogContext, text: string): Promise<string | undefined> {
    const faqDialog = this.deps.faqDialog;
    const active = innerDc.activeDialog?.id;
    if (!faqDialog || !active || !Object.values(this.tasks).includes(active)) return undefined;
    const { locale } = turnLanguage(innerDc.context);
    const result = await this.deps.recognizer.recognize(text, locale);
    if (result.intent !== FAQ_INTENT || !result.faq || result.score < INTERRUPTION_MIN_SCORE)
      return undefined;
    if (answersActivePrompt(innerDc, text) || !faqDialog.answerFor(locale, result.faq)) return undefined;
    return result.faq;
  }

  /** "language", "idioma", "语言", "valoda" as most of the message, and not an answer to the question asked. */
  private async asksForLanguage(innerDc: DialogContext, text: string): Promise<boolean> {
    const { intent, score } = await this.deps.recognizer.recognize(
      text,
      turnLanguage(innerDc.context).locale,
    );
    return intent === 'changeLanguage' && score >= LANGUAGE_MIN_SCORE && !answersActivePrompt(innerDc, text);
  }

  /** The handoff a message asks for, if any: "agent", or a message negative enough. */
  private async handoffTrigger(
    context: TurnContext,
    text: string,
    topic: string,
  ): Promise<HandoffOptions | undefined> {
    const { locale } = turnLanguage(context);
    const { intent, score } = await this.deps.recognizer.recognize(text, locale);
    if (intent === 'humanAgent' && score >= AGENT_MIN_SCORE) return { reason: 'customerAsked', topic };
    return this.sentimentTrigger(context, text, topic);
  }

  /** The offer of a person a very negative message earns, when sentiment is analysed. */
  private async sentimentTrigger(
    context: TurnContext,
    text: string,
    topic: string,
  ): Promise<HandoffOptions | undefined> {
    const sentiment = this.deps.sentiment;
    if (!sentiment) return undefined;
    const negative = await sentiment.analyzer.negativeScore(text, turnLanguage(context).locale);
    if (negative === undefined || negative < sentiment.threshold) return undefined;
    return { reason: 'negativeSentiment', topic, offer: true, sentiment: negative };
  }

  /** The intent of the task running in this conversation, or `none`. */
  private activeTopic(innerDc: DialogContext): string {
    for (const instance of [...innerDc.stack].reverse()) {
      const intent = Object.entries(this.tasks).find(([, id]) => id === instance.id)?.[0];
      if (intent) return intent;
    }
    return 'none';
  }

  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const values = step.values as MainValues;
    values.topic = 'none';
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

    const meant = isRouteOptions(step.options) ? step.options : undefined;
    const message = meant?.message ?? text;
    const { locale } = turnLanguage(context);
    const result = await this.deps.recognizer.recognize(message, locale);
    const reading: Reading = meant
      ? { kind: 'route', intent: meant.meant }
      : readIntent(result, this.deps.confidence ?? DEFAULT_CONFIDENCE);
    // An FAQ entry removed since the recognizer learnt it is a message not understood.
    const faqId =
      reading.kind === 'faq' && this.deps.faqDialog?.answerFor(locale, reading.faq) ? reading.faq : undefined;
    const intent: Intent = reading.kind === 'route' ? reading.intent : 'None';
    const understanding: Understanding =
      faqId || reading.kind === 'route'
        ? 'understood'
        : reading.kind === 'suggest'
          ? 'unsure'
          : 'notUnderstood';
    // After "did you mean …?" the message was reported already.
    if (!meant) await this.reportReading(message, locale, result, understanding);
    if (intent !== 'humanAgent' && !meant) {
      const upset = await this.sentimentTrigger(context, text, 'none');
      if (upset) return step.beginDialog(HANDOFF_DIALOG, upset);
    }
    if (faqId) {
      conversation.notUnderstoodInARow = 0;
      return step.beginDialog(FAQ_DIALOG, { faqId, askHelpful: true } satisfies FaqOptions);
    }
    if (reading.kind === 'suggest') {
      return step.beginDialog(DID_YOU_MEAN_DIALOG, {
        intents: reading.intents,
        message,
      } satisfies DidYouMeanOptions);
    }
    conversation.notUnderstoodInARow = intent === 'None' ? conversation.notUnderstoodInARow + 1 : 0;
    switch (intent) {
      case 'orderStatus':
      case 'returnItem':
      case 'appointment': {
        const dialogId = this.tasks[intent];
        values.topic = intent;
        // The task skips the questions the message already answers ("book a boot fitting next Tuesday",
        // "return the jacket from SB-10002, it's too small").
        if (dialogId) {
          const options =
            intent === 'returnItem'
              ? taskOptions(intent, message, result.entities ?? [])
              : taskRequestOf(message, result);
          return step.beginDialog(dialogId, options);
        }
        await context.sendActivity(t('main.taskUnavailable'));
        return step.endDialog();
      }
      case 'changeLanguage':
        return step.beginDialog(LANGUAGE_DIALOG);
      case 'humanAgent':
        return step.beginDialog(HANDOFF_DIALOG, {
          reason: 'customerAsked',
          topic: 'none',
        } satisfies HandoffOptions);
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
        if (conversation.notUnderstoodInARow < NOT_UNDERSTOOD_BEFORE_OFFER) return step.endDialog();
        conversation.notUnderstoodInARow = 0;
        return step.beginDialog(HANDOFF_DIALOG, {
          reason: 'notUnderstood',
          topic: 'none',
          offer: true,
        } satisfies HandoffOptions);
    }
  }

  /**
   * Telemetry of the routing step's reading (`IntentRecognized`, and `NotUnderstood` for a
   * message not understood), and the {@link MainDialogDeps.notUnderstood} hook for messages not
   * understood or left in the grey zone.
   */
  private async reportReading(
    text: string,
    locale: string,
    result: IntentResult,
    understanding: Understanding,
  ): Promise<void> {
    const properties = { intent: intentOrFaqId(result), score: result.score, locale };
    this.telemetryClient.trackEvent({ name: 'IntentRecognized', properties });
    if (understanding === 'notUnderstood')
      this.telemetryClient.trackEvent({ name: 'NotUnderstood', properties });
    if (!this.deps.notUnderstood || understanding === 'understood') return;
    try {
      await this.deps.notUnderstood({ text, ...properties });
    } catch (error) {
      this.telemetryClient.trackException({
        exception: error instanceof Error ? error : new Error(String(error)),
        properties: { where: 'MainDialog.notUnderstood' },
      });
    }
  }

  /**
   * A task that ended asking for a person (backend down, not eligible, …) hands over now; after
   * "did you mean …?" the routing starts again with what the customer meant, and after an FAQ
   * answer the customer did not rate, with the message they wrote instead.
   */
  private async afterTaskStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isDidYouMeanResult(step.result)) {
      const { meant, message } = step.result;
      return step.replaceDialog(WATERFALL, { meant, message } satisfies RouteOptions);
    }
    if (isNewRequest(step.result)) return step.replaceDialog(WATERFALL);
    const outcome = step.result as TaskOutcome | undefined;
    if (outcome?.outcome === 'handoff') {
      const { topic } = step.values as MainValues;
      return step.beginDialog(HANDOFF_DIALOG, {
        reason: outcome.reason ?? 'customerAsked',
        topic,
      } satisfies HandoffOptions);
    }
    return step.next();
  }

  private async afterHandoffStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    await this.sendMenu(step.context, 'menu.anythingElse');
    return step.endDialog();
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

function isRouteOptions(value: unknown): value is RouteOptions {
  return typeof value === 'object' && value !== null && 'meant' in value && 'message' in value;
}

/** What a task dialog is told of the message that started it, so it skips the questions it answers. */
function taskOptions(intent: TaskIntent, message: string, entities: readonly Entity[]): object | undefined {
  if (intent !== 'returnItem') return undefined;
  const orderNumber = entities.find((entity) => entity.type === 'orderNumber')?.value;
  return { message, ...(orderNumber ? { orderNumber } : {}) } satisfies ReturnsOptions;
}
