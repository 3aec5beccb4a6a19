import {
  ChoicePrompt,
  ComponentDialog,
  Dialog,
  ListStyle,
  TextPrompt,
  WaterfallDialog,
  type DialogContext,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { customerTags } from '../bot/customerIdentity';
import { localize, turnLanguage, conversationKey } from '../bot/middleware';
import type { BotStateSet } from '../bot/state';
import { handoffSignal, type HandoffDesk, type HandoffSignal } from '../handoff/handoffDesk';
import { yesNoPrompt } from './choicePrompt';
import { askYesNo, saidYes } from './offerPersonDialog';
import type { TaskOutcome } from './interruptibleDialog';

export const HANDOFF_DIALOG = 'handoffDialog';
const WATERFALL = 'handoffDialog.waterfall';
const AWAIT_HUMAN = 'handoffDialog.awaitHuman';
const YES_NO = 'handoffDialog.yesNo';
const SURVEY_PROMPT = 'handoffDialog.survey';
const MESSAGE_PROMPT = 'handoffDialog.message';

/** How the handoff was asked for. */
export interface HandoffOptions {
  /** customerAsked, notUnderstood, backendDown, negativeSentiment, … */
  reason: string;
  /** Intent of the interrupted task, or `none`. */
  topic: string;
  /** Ask "would you like a person?" first (when the bot, not the customer, suggests it). */
  offer?: boolean;
  /** Negative-sentiment score that triggered the offer. */
  sentiment?: number;
}

/** What the waterfall keeps between steps. */
interface HandoffValues {
  options: HandoffOptions;
  /** Set when the team was closed and the customer may leave a message for it. */
  closedTeam?: string;
  /** Set once the conversation came back from the human team. */
  signal?: HandoffSignal;
}

/**
 * Waits on the dialog stack while the customer is queued or with an agent. The handoff
 * middleware keeps customer messages away from the dialogs meanwhile; the turns that reach
 * this dialog carry a handoff signal (ended, cancelled, failed) and end it.
 */
class AwaitHumanDialog extends Dialog {
  constructor(private readonly desk: HandoffDesk) {
    super(AWAIT_HUMAN);
  }

  override beginDialog(): Promise<DialogTurnResult> {
    return Promise.resolve(Dialog.EndOfTurn);
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const signal = handoffSignal(dc.context);
    if (signal) return dc.endDialog(signal);
    // NOTE: the case may have ended without its signal reaching us (a restart in between).
    if (!(await this.desk.records.activeCase(conversationKey(dc.context))))
      return dc.endDialog('ended' satisfies HandoffSignal);
    return Dialog.EndOfTurn;
  }
}

/**
 * Hands the conversation to the human team: offers it when the bot suggests it, queues the
 * customer with their place and expected wait, or, outside business hours, says when the team
 * opens and takes a message as a ticket. When the agent ends, asks the 1–5 satisfaction
 * question; then the dialog ends and the task it interrupted asks its question again.
 */
export class HandoffDialog extends ComponentDialog {
  constructor(
    private readonly desk: HandoffDesk,
    private readonly state: BotStateSet,
  ) {
    super(HANDOFF_DIALOG);
    this.addDialog(new AwaitHumanDialog(desk));
    this.addDialog(yesNoPrompt(YES_NO));
    this.addDialog(new ChoicePrompt(SURVEY_PROMPT));
    this.addDialog(new TextPrompt(MESSAGE_PROMPT));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.offerStep.bind(this),
        this.queueStep.bind(this),
        this.afterWaitStep.bind(this),
        this.finishStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  private values(step: WaterfallStepContext): HandoffValues {
    return step.values as HandoffValues;
  }

  private async offerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as HandoffOptions;
    this.values(step).options = options;
    if (!options.offer) return step.next();
    return askYesNo(step, YES_NO, localize(step.context)('handoff.offer'));
  }

  private async queueStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { options } = this.values(step);
    if (options.offer && !saidYes(step.result))
      return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
    const t = localize(step.context);
    const conversation = await this.state.conversation(step.context);
    const request = await this.desk.request(step.context, {
      reason: options.reason,
      topic: options.topic,
      collected: { ...(conversation.caseFile ?? {}) },
      sentiment: options.sentiment,
      tags: customerTags(step.context),
    });
    if (request.kind === 'queued') {
      await step.context.sendActivity(
        t('handoff.queued', { position: request.position, minutes: request.etaMinutes }),
      );
      return step.beginDialog(AWAIT_HUMAN);
    }
    this.values(step).closedTeam = request.team.id;
    const closed = request.opensAt
      ? t('handoff.closed', {
          opensAt: formatOpening(request.opensAt, turnLanguage(step.context).locale, request.team.timezone),
        })
      : t('handoff.closedNoHours');
    await step.context.sendActivity(closed);
    return askYesNo(step, YES_NO, t('handoff.leaveMessageOffer'));
  }

  private async afterWaitStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = this.values(step);
    const t = localize(step.context);
    if (values.closedTeam) {
      if (!saidYes(step.result)) return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
      return step.prompt(MESSAGE_PROMPT, { prompt: t('handoff.leaveMessagePrompt') });
    }
    values.signal = step.result as HandoffSignal;
    switch (values.signal) {
      case 'cancelled':
        await step.context.sendActivity(t('handoff.cancelled'));
        return step.endDialog({ outcome: 'cancelled' } satisfies TaskOutcome);
      case 'failed':
        await step.context.sendActivity(t('handoff.failed'));
        return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
      default:
        await step.context.sendActivity(t('handoff.ended'));
        return step.prompt(SURVEY_PROMPT, {
          prompt: t('handoff.survey'),
          retryPrompt: t('handoff.surveyRetry'),
          choices: ['1', '2', '3', '4', '5', t('handoff.surveySkip')],
          style: ListStyle.suggestedAction,
        });
    }
  }

  private async finishStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = this.values(step);
    const t = localize(step.context);
    if (values.closedTeam) {
      const conversation = await this.state.conversation(step.context);
      const ticket = await this.desk.leaveMessage(step.context, values.closedTeam, String(step.result), {
        ...(conversation.caseFile ?? {}),
      });
      await step.context.sendActivity(t('handoff.ticketCreated', { ticketId: ticket.id }));
      return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
    }
    const choice = step.result as FoundChoice;
    if (choice.index < 5) {
      await this.desk.recordSatisfaction(conversationKey(step.context), choice.index + 1);
      await step.context.sendActivity(t('handoff.surveyThanks'));
    }
    return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
  }
}

/** "Monday 09:00 CET" in the customer's language and the team's timezone. */
export function formatOpening(opensAt: Date, locale: string, timezone: string): string {
  return new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: timezone,
    timeZoneName: 'short',
  }).format(opensAt);
}
