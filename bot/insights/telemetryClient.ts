import {
  NullTelemetryClient,
  type BotPageViewTelemetryClient,
  type BotTelemetryClient,
  type TelemetryDependency,
  type TelemetryEvent,
  type TelemetryException,
  type TelemetryPageView,
  type TelemetryTrace,
} from 'botbuilder';
import type { Logger } from '../logger';
import type { InsightKind } from './events';
import type { InsightsRecorder } from './recorder';
import { currentTurnInsight, scopeOf, type TeamOf, type TurnInsight } from './turnInsights';

export interface InsightsTelemetryDeps {
  recorder: InsightsRecorder;
  teamOf: TeamOf;
  defaultLocale: string;
  /** The waterfall that runs each task (a task dialog's `initialDialogId`), by task name (its intent). */
  taskWaterfalls: Readonly<Record<string, string>>;
  /** The handoff dialog's waterfall: a task that ends into it ended handing over. */
  handoffWaterfall: string;
  /** The main dialog's own waterfall (routing): never where a customer is inside a task. */
  rootWaterfall?: string;
  /** Also given every call, e.g. Application Insights; none by default. */
  forward?: BotTelemetryClient;
  logger?: Logger;
}

type Properties = Record<string, unknown>;

const text = (properties: Properties, name: string): string | undefined => {
  const value = properties[name];
  return typeof value === 'string' && value !== '' ? value.slice(0, 120) : undefined;
};

/** `bound askReasonStep` (a bound method's name) → `askReasonStep`. */
const stepName = (name: string | undefined): string => (name ?? '').replace(/^bound /, '');

/**
 * The dialogs' telemetry as insight events. Set on the MainDialog
 * (`mainDialog.telemetryClient = client`), it reaches every dialog below it.
 *
 * - `WaterfallStart` of a task's waterfall: `taskStarted`, and the task is open;
 * - `WaterfallStep` of any waterfall: where the customer is now (for abandonment);
 * - `WaterfallComplete` / `WaterfallCancel` of a task's waterfall: the task ended; at the end
 *   of the turn it is `taskHandedOff` when the handoff waterfall started after it in the same
 *   turn, else `taskCompleted` / `taskCancelled`, with the step the customer was at when the
 *   turn began (the innermost step a cancellation left, for `taskCancelled`);
 * - the custom events `IntentRecognized {intent, score, locale}`, `NotUnderstood {locale}`,
 *   `FaqAnswered {faqId, locale}`, `FaqRated {faqId, locale, helpful}`.
 *
 * Events outside a turn that {@link TurnInsights} runs are not recorded (they are forwarded).
 * Properties are read by name from an allow-list: nothing else a dialog puts in an event
 * (message text, entities) is ever stored.
 */
export class InsightsTelemetryClient implements BotTelemetryClient, BotPageViewTelemetryClient {
  private readonly taskOfWaterfall: Map<string, string>;
  private readonly forward: BotTelemetryClient & Partial<BotPageViewTelemetryClient>;

  constructor(private readonly deps: InsightsTelemetryDeps) {
    this.taskOfWaterfall = new Map(Object.entries(deps.taskWaterfalls).map(([task, id]) => [id, task]));
    this.forward = deps.forward ?? new NullTelemetryClient();
  }

  trackEvent(telemetry: TelemetryEvent): void {
    this.forward.trackEvent(telemetry);
    const turn = currentTurnInsight();
    if (!turn) return;
    // NOTE: dialogs call this synchronously inside their steps: insights must never fail a turn.
    try {
      this.recordEvent(turn, telemetry);
    } catch (error) {
      this.deps.logger?.warn({ err: error, event: telemetry.name }, 'insights: telemetry event not recorded');
    }
  }

  private recordEvent(turn: TurnInsight, telemetry: TelemetryEvent): void {
    const properties: Properties = telemetry.properties ?? {};
    switch (telemetry.name) {
      case 'WaterfallStart':
        return this.waterfallStarted(turn, text(properties, 'DialogId'));
      case 'WaterfallStep':
        return this.waterfallStep(
          turn,
          text(properties, 'DialogId'),
          text(properties, 'InstanceId'),
          text(properties, 'StepName'),
        );
      case 'WaterfallComplete':
        return this.waterfallEnded(turn, properties, 'taskCompleted');
      case 'WaterfallCancel': {
        const dialogId = text(properties, 'DialogId');
        if (dialogId !== this.deps.rootWaterfall)
          turn.cancelledStep ??= `${dialogId ?? ''}/${stepName(text(properties, 'StepName'))}`;
        return this.waterfallEnded(turn, properties, 'taskCancelled');
      }
      case 'IntentRecognized': {
        const score = Number(properties.score);
        return this.record(turn, 'intentRecognized', properties, {
          name: text(properties, 'intent') ?? 'None',
          ...(Number.isFinite(score) ? { value: score } : {}),
        });
      }
      case 'NotUnderstood':
        return this.record(turn, 'notUnderstood', properties, {});
      case 'FaqAnswered':
        return this.record(turn, 'faqAnswered', properties, { name: text(properties, 'faqId') ?? 'unknown' });
      case 'FaqRated':
        return this.record(turn, 'faqRated', properties, {
          name: text(properties, 'faqId') ?? 'unknown',
          value: properties.helpful === true || properties.helpful === 'true' ? 1 : 0,
        });
    }
  }

  private waterfallStarted(turn: TurnInsight, dialogId: string | undefined): void {
    if (dialogId === undefined) return;
    const task = this.taskOfWaterfall.get(dialogId);
    if (task !== undefined) {
      const { recorder } = this.deps;
      recorder.record({
        kind: 'taskStarted',
        conversationKey: turn.conversationKey,
        name: task,
        ...scopeOf(turn, this.deps, task),
      });
      recorder.openTask(turn.conversationKey, task, scopeOf(turn, this.deps, task));
      turn.taskEnd = undefined;
      turn.cancelledStep = undefined;
      turn.firstStep = undefined;
    } else if (dialogId === this.deps.handoffWaterfall && turn.taskEnd) {
      turn.taskEnd.outcome = 'taskHandedOff';
    }
  }

  private waterfallStep(
    turn: TurnInsight,
    dialogId: string | undefined,
    instance: string | undefined,
    name: string | undefined,
  ): void {
    if (dialogId === undefined || instance === undefined || dialogId === this.deps.rootWaterfall) return;
    const step = `${dialogId}/${stepName(name)}`;
    turn.firstStep ??= step;
    turn.lastStep = step;
    this.deps.recorder.stepTask(turn.conversationKey, instance, step);
  }

  private waterfallEnded(
    turn: TurnInsight,
    properties: Properties,
    outcome: 'taskCompleted' | 'taskCancelled',
  ): void {
    const dialogId = text(properties, 'DialogId');
    const task = dialogId === undefined ? undefined : this.taskOfWaterfall.get(dialogId);
    if (task === undefined) {
      const instance = text(properties, 'InstanceId');
      if (instance !== undefined && dialogId !== this.deps.rootWaterfall)
        this.deps.recorder.leaveStep(turn.conversationKey, instance);
      return;
    }
    const step =
      (outcome === 'taskCancelled' ? turn.cancelledStep : undefined) ?? turn.firstStep ?? turn.lastStep;
    turn.taskEnd = { task, outcome, step: step ?? `${dialogId ?? ''}/` };
    this.deps.recorder.closeTask(turn.conversationKey);
  }

  private record(
    turn: TurnInsight,
    kind: InsightKind,
    properties: Properties,
    fields: { name?: string; value?: number },
  ): void {
    const locale = text(properties, 'locale');
    this.deps.recorder.record({
      kind,
      conversationKey: turn.conversationKey,
      ...scopeOf(turn, this.deps, 'none', locale),
      ...fields,
    });
  }

  trackPageView(telemetry: TelemetryPageView): void {
    this.forward.trackPageView?.(telemetry);
  }

  trackDependency(telemetry: TelemetryDependency): void {
    this.forward.trackDependency(telemetry);
  }

  trackException(telemetry: TelemetryException): void {
    this.forward.trackException(telemetry);
  }

  trackTrace(telemetry: TelemetryTrace): void {
    this.forward.trackTrace(telemetry);
  }

  flush(): void {
    this.forward.flush();
  }
}
