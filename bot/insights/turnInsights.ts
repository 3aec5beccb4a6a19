import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import { conversationKey } from '../middleware/serializeTurns';
import { findTurnLanguage } from '../middleware/localeResolution';
import type { Logger } from '../logger';
import { TurnSlot } from '../turnScope';
import type { BotStateSet, ConversationData } from '../state';
import type { InsightKind, InsightScope } from './events';
import type { InsightsRecorder } from './recorder';

/** How a task ended in this turn, decided when the turn is over. */
export interface TaskEnd {
  task: string;
  outcome: 'taskCompleted' | 'taskCancelled' | 'taskHandedOff';
  step: string;
}

/** What insights know of the turn running now. */
export interface TurnInsight {
  context: TurnContext;
  conversationKey: string;
  channel: string;
  /** The task the telemetry saw begin or end in this turn. */
  taskEnd?: TaskEnd;
  /** The first waterfall step the turn ran below the main dialog: where the customer was (`dialogId/stepName`). */
  firstStep?: string;
  /** The last waterfall step the turn ran below the main dialog. */
  lastStep?: string;
  /** The innermost step a cancellation left (the first cancelled in the turn). */
  cancelledStep?: string;
}

/**
 * NOTE: botbuilder's `BotTelemetryClient.trackEvent()` is given no TurnContext, so the turn is
 * found through the turn's scope ({@link TurnSlot}) that {@link TurnInsights} sets around the rest
 * of the turn: every dialog step of the turn runs inside it, and so does every event a dialog tracks.
 */
const currentTurn = new TurnSlot<TurnInsight>('switchboard.turnInsight');

/** The turn insights are recording, when a {@link TurnInsights} middleware runs it. */
export function currentTurnInsight(): TurnInsight | undefined {
  return currentTurn.get();
}

/** Picks the team for a locale and a topic (the handoff routing), for events outside a case. */
export type TeamOf = (locale: string, topic: string) => string;

export interface TurnInsightsDeps {
  recorder: InsightsRecorder;
  state: BotStateSet;
  teamOf: TeamOf;
  defaultLocale: string;
  logger?: Logger;
}

/** The scope of an event of this turn: its channel, the turn's current locale and the team for `topic`. */
export function scopeOf(
  turn: TurnInsight,
  deps: Pick<TurnInsightsDeps, 'teamOf' | 'defaultLocale'>,
  topic = 'none',
  locale?: string,
): InsightScope {
  const current = locale ?? findTurnLanguage(turn.context)?.locale ?? deps.defaultLocale;
  return { channel: turn.channel, locale: current, team: deps.teamOf(current, topic) };
}

/**
 * Shared middleware (after locale resolution, before the handoff interceptor): records each
 * customer message, the start of a conversation (the turn that handled its first message),
 * a change of language, and how a task ended in the turn; opens the scope the telemetry client
 * finds the turn by.
 */
export class TurnInsights implements Middleware {
  constructor(private readonly deps: TurnInsightsDeps) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { recorder } = this.deps;
    const startedAt = recorder.time();
    const key = conversationKey(context);
    const turn: TurnInsight = { context, conversationKey: key, channel: context.activity.channelId };
    const localeBefore = findTurnLanguage(context)?.locale;
    const isMessage = context.activity.type === ActivityTypes.Message;
    const record = (
      kind: InsightKind,
      extra: { name?: string; step?: string; topic?: string } = {},
      at?: number,
    ): void =>
      recorder.record({
        kind,
        conversationKey: key,
        ...scopeOf(turn, this.deps, extra.topic),
        ...(extra.name !== undefined ? { name: extra.name } : {}),
        ...(extra.step !== undefined ? { step: extra.step } : {}),
        ...(at !== undefined ? { at } : {}),
      });
    const safely = (work: () => void): void => {
      try {
        work();
      } catch (error) {
        this.deps.logger?.warn({ err: error }, 'insights: turn events not recorded');
      }
    };
    if (isMessage) {
      safely(() => {
        record('message', {}, startedAt);
        recorder.touch(key, startedAt);
      });
    }
    try {
      await currentTurn.run(context, turn, next);
    } finally {
      safely(() => this.afterTurn(context, turn, isMessage, localeBefore, startedAt, record));
    }
  }

  /** What the turn's end tells: how a task ended, a change of language, the start of a conversation. */
  private afterTurn(
    context: TurnContext,
    turn: TurnInsight,
    isMessage: boolean,
    localeBefore: string | undefined,
    startedAt: number,
    record: (
      kind: InsightKind,
      extra?: { name?: string; step?: string; topic?: string },
      at?: number,
    ) => void,
  ): void {
    if (turn.taskEnd) {
      const { task, outcome, step } = turn.taskEnd;
      record(outcome, { name: task, step, topic: task });
    }
    const localeAfter = findTurnLanguage(context)?.locale;
    if (localeBefore !== undefined && localeAfter !== undefined && localeAfter !== localeBefore)
      record('languageSwitched', { name: localeBefore });
    // NOTE: read from the state the bot already loaded (no storage read): the bot counts
    // messages in `turns`, so 1 after a message turn means this was the conversation's first.
    const cached = this.deps.state.conversationState.get(context) as
      { conversationData?: ConversationData } | undefined;
    if (isMessage && cached?.conversationData?.turns === 1) record('conversationStarted', {}, startedAt);
  }
}
