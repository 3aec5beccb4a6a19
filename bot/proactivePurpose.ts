import type { TurnContext } from 'botbuilder';

const PURPOSE_KEY = Symbol('switchboard.proactivePurpose');

/**
 * Why the bot writes to a customer who did not just write: channels with rules for unprompted
 * messages (WhatsApp's 24-hour window and its approved templates) pick how to send by it. The
 * handoff desk sets it on the turns it runs; dialogs never do, and channels never learn more.
 */
export const PROACTIVE_PURPOSES = ['agentReply', 'agentJoined', 'queueUpdate', 'survey', 'other'] as const;
export type ProactivePurpose = (typeof PROACTIVE_PURPOSES)[number];

/** Marks the turn's messages as sent for `purpose` (called inside a proactive turn). */
export function setProactivePurpose(context: TurnContext, purpose: ProactivePurpose): void {
  context.turnState.set(PURPOSE_KEY, purpose);
}

/** Why this turn's messages go out, when the turn is proactive and says so. */
export function proactivePurpose(context: TurnContext): ProactivePurpose | undefined {
  return context.turnState.get<ProactivePurpose | undefined>(PURPOSE_KEY);
}
