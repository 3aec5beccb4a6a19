import type { CaseEvent, HandoffDesk } from '../../handoff/handoffDesk';
import type { HandoffCase } from '../../handoff/handoffStore';
import type { Logger } from '../logger';
import type { InsightKind } from './events';
import type { InsightsRecorder } from './recorder';

/**
 * Records the handoff desk's case events: requested (with its reason, queued or closed),
 * queued, claimed (with the wait in the queue), the first agent message (with the time since
 * queueing), ended (with disposition) and the satisfaction answer. Only the case's channel,
 * locale, team, reason, disposition and times are read; never the customer's name, the
 * transcript or what the bot collected.
 * @returns a function that stops listening.
 */
export function recordDeskInsights(
  desk: HandoffDesk,
  recorder: InsightsRecorder,
  logger: Logger,
): () => void {
  // Cases claimed and answered since they were queued, so each wait is counted once; a case
  // leaves them when it ends, so they hold open cases only.
  const claimed = new Set<number>();
  const replied = new Set<number>();
  const record = (
    kind: InsightKind,
    handoffCase: HandoffCase,
    fields: { name?: string; step?: string; value?: number } = {},
  ): void =>
    recorder.record({
      kind,
      conversationKey: handoffCase.conversationKey,
      channel: handoffCase.channelId,
      locale: handoffCase.locale,
      team: handoffCase.team,
      ...fields,
    });
  const onCase = (event: CaseEvent): void => {
    switch (event.kind) {
      case 'requested': {
        // Asked again while the case is open (queued or with an agent): not a new request.
        if (event.handoffCase && !event.created) return;
        recorder.record({
          kind: 'handoffRequested',
          conversationKey: event.conversationKey,
          channel: event.channelId,
          locale: event.locale,
          team: event.team,
          name: event.reason,
          step: event.handoffCase ? 'queued' : 'closed',
        });
        if (event.handoffCase) {
          record('handoffQueued', event.handoffCase, { name: event.reason });
          recorder.holdTask(event.conversationKey, true);
        }
        return;
      }
      case 'claimed': {
        const { handoffCase } = event;
        if (claimed.has(handoffCase.id)) return;
        claimed.add(handoffCase.id);
        const at = handoffCase.assignedAt ?? recorder.time();
        record('handoffClaimed', handoffCase, { value: Math.max(0, at - handoffCase.queuedAt) });
        return;
      }
      case 'replied': {
        const { handoffCase } = event;
        if (replied.has(handoffCase.id)) return;
        replied.add(handoffCase.id);
        record('agentFirstReply', handoffCase, {
          value: Math.max(0, recorder.time() - handoffCase.queuedAt),
        });
        return;
      }
      case 'ended': {
        const { handoffCase } = event;
        claimed.delete(handoffCase.id);
        replied.delete(handoffCase.id);
        const at = handoffCase.endedAt ?? recorder.time();
        record('handoffEnded', handoffCase, {
          name: handoffCase.disposition ?? 'unknown',
          step: handoffCase.assignedAt === undefined ? 'queued' : 'withAgent',
          value: Math.max(0, at - handoffCase.queuedAt),
        });
        recorder.holdTask(handoffCase.conversationKey, false);
        return;
      }
      case 'rated':
        record('satisfaction', event.handoffCase, { value: event.rating });
    }
  };
  // NOTE: the desk emits synchronously inside its own operations: insights must never fail them.
  const listener = (event: CaseEvent): void => {
    try {
      onCase(event);
    } catch (error) {
      logger.warn({ err: error }, 'insights: case event not recorded');
    }
  };
  desk.on('case', listener);
  return () => desk.off('case', listener);
}
