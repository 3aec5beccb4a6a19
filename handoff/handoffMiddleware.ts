import {
  ActivityTypes,
  HandoffEventNames,
  type Activity,
  type Middleware,
  type TurnContext,
} from 'botbuilder';
import { z } from 'zod';
import type { Recognizer } from '../bot/language/recognizer';
import { withoutCardNumbers, type PiiRedactor } from '../bot/language/pii';
import type { KnownPiiMemory } from '../bot/language/knownPiiMemory';
import type { Logger } from '../bot/logger';
import { conversationKey, localize, turnLanguage } from '../bot/middleware';
import { outgoingSender } from '../channels/messageParts';
import { AGENT_SENDER_PREFIX, setHandoffSignal, type HandoffDesk } from './handoffDesk';
import type { NewTranscriptLine } from './handoffStore';
import { flushPendingTranscript, startPendingTranscript } from './pendingTranscript';

/** A message counts as "cancel" while waiting only when the keyword is most of it. */
const CANCEL_MIN_SCORE = 0.5;

/** What a Bot Framework channel's agent hub reports with a `handoff.status` event. */
/**
 * The `value` of Bot Framework's `handoff.status` event, as an agent hub sends it. NOTE: it
 * comes from outside, so it is checked: an unknown state or a long message is refused.
 */
const handoffStatusValue = z.looseObject({
  state: z.enum(['accepted', 'failed', 'completed']),
  message: z.string().max(1000).optional(),
});
type HandoffStatusValue = z.infer<typeof handoffStatusValue>;

export interface HandoffMiddlewareDeps {
  desk: HandoffDesk;
  recognizer: Recognizer;
  redactor: PiiRedactor;
  logger: Logger;
  /** Names and addresses each customer gave, redacted again wherever they reappear; none by default. */
  knownPii?: KnownPiiMemory;
}

function transcriptText(activity: Partial<Activity>): string {
  const names = (activity.attachments ?? []).map(
    (attachment) => `[${attachment.name ?? attachment.contentType}]`,
  );
  return [activity.text ?? '', ...names].filter(Boolean).join(' ');
}

/**
 * The handoff state machine in the shared turn path, so no channel can bypass it
 * (`bot → queued → withAgent → bot`):
 * - records every customer message and every reply, redacted, in the transcript agents see
 *   (with the original of a redacted customer message for the store to seal, for reveal);
 * - while the conversation is queued or with an agent, customer messages go to the queue and
 *   the agent, not to the dialogs; "cancel" while queued leaves the queue;
 * - turns the Bot Framework `handoff.status` event (accepted, failed, completed) into the same
 *   transitions.
 */
export class HandoffMiddleware implements Middleware {
  constructor(private readonly deps: HandoffMiddlewareDeps) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const key = conversationKey(context);
    const locale = turnLanguage(context).locale;
    // NOTE: a turn's lines are written together at its end: one commit instead of one per line.
    const lines = startPendingTranscript(context, key);
    context.onSendActivities(async (_context, activities, sendNext) => {
      for (const sent of activities) {
        if (sent.type !== ActivityTypes.Message) continue;
        const sender = outgoingSender(sent);
        const agentId = sender?.id.startsWith(AGENT_SENDER_PREFIX)
          ? sender.id.slice(AGENT_SENDER_PREFIX.length)
          : undefined;
        const text = await this.deps.redactor.redact(
          transcriptText(sent),
          locale,
          this.deps.knownPii?.known(key),
        );
        if (text) lines.push({ role: agentId ? 'agent' : 'bot', text, agentId });
      }
      return sendNext();
    });
    try {
      await this.route(context, next, key, locale, lines);
    } finally {
      flushPendingTranscript(context, this.deps.desk);
    }
  }

  private async route(
    context: TurnContext,
    next: () => Promise<void>,
    key: string,
    locale: string,
    lines: NewTranscriptLine[],
  ): Promise<void> {
    const { activity } = context;
    const { desk } = this.deps;
    if (activity.type === ActivityTypes.Event && activity.name === HandoffEventNames.HandoffStatus) {
      // NOTE: only an agent hub on a Bot Framework channel speaks this protocol; from a web or
      // Telegram customer it would let them end or take over their own case.
      if (!this.deps.desk.acceptsHandoffEvents(activity.channelId)) {
        this.deps.logger.warn(
          { conversationKey: key },
          'handoff.status from a channel without agent hubs ignored',
        );
        return;
      }
      const value = handoffStatusValue.safeParse(activity.value);
      if (!value.success) {
        this.deps.logger.warn({ conversationKey: key }, 'handoff.status with an unusable value ignored');
        return;
      }
      // A signal means the customer is back with the bot: let the waiting dialog react.
      if (await this.onHandoffStatus(context, key, locale, value.data)) await next();
      return;
    }
    if (activity.type !== ActivityTypes.Message) return next();

    const text = transcriptText(activity);
    const known = this.deps.knownPii?.learn(key, text, activity.from?.name);
    const redacted = text ? await this.deps.redactor.redact(text, locale, known) : '';
    // The original is kept (sealed by the store) only when redaction changed something.
    if (redacted)
      lines.push({
        role: 'customer',
        text: redacted,
        ...(redacted !== text ? { original: withoutCardNumbers(text) } : {}),
      });

    const active = await desk.records.activeCase(key);
    if (!active) return next();
    // The agent is told of the message right away, so it must be in the transcript already.
    flushPendingTranscript(context, desk);

    if (active.state === 'queued' && activity.text) {
      const { intent, score } = await this.deps.recognizer.recognize(activity.text, locale);
      if (
        intent === 'cancel' &&
        score >= CANCEL_MIN_SCORE &&
        (await this.deps.desk.cancelByCustomer(active))
      ) {
        // The waiting handoff dialog says so and the interrupted task resumes.
        setHandoffSignal(context, 'cancelled');
        return next();
      }
    }
    this.deps.desk.customerWrote(active, redacted);
    if (active.state === 'queued') {
      const position = await desk.records.position(active);
      await context.sendActivity(
        localize(context)('handoff.stillWaiting', {
          position,
          minutes: await this.deps.desk.etaMinutes(position),
        }),
      );
    }
  }

  /** Applies a `handoff.status` event; true when the customer returns to the bot. */
  private async onHandoffStatus(
    context: TurnContext,
    key: string,
    locale: string,
    value: HandoffStatusValue,
  ): Promise<boolean> {
    const { desk } = this.deps;
    const active = await desk.records.activeCase(key);
    if (!active) {
      this.deps.logger.warn(
        { conversationKey: key, state: value.state },
        'handoff.status for a conversation not handed off',
      );
      return false;
    }
    switch (value.state) {
      case 'accepted':
        await desk.acceptedByHub(active);
        return false;
      case 'failed':
        await desk.endedByHub(
          active,
          'failed',
          value.message === undefined ? undefined : await this.deps.redactor.redact(value.message, locale),
        );
        setHandoffSignal(context, 'failed');
        return true;
      case 'completed':
        await desk.endedByHub(active, 'completed');
        setHandoffSignal(context, 'ended');
        return true;
    }
  }
}
