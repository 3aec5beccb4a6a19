/**
 * What every channel adapter does the same way: activities the bot sends that are not for the
 * customer (a pause, an invoke response, a trace), and the activity a proactive turn runs on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ActivityTypes, TurnContext, type Activity, type ConversationReference } from 'botbuilder';

/**
 * Handles an outgoing activity that never reaches the customer's channel: waits out a `delay`
 * (botbuilder's pause between replies; ActivityTypes has no member for it) and drops invoke
 * responses and traces. `true` when it was one of those and the adapter sends nothing.
 */
export async function handledInProcess(activity: Partial<Activity>): Promise<boolean> {
  if (activity.type === 'delay') {
    await sleep(typeof activity.value === 'number' ? activity.value : 1000);
    return true;
  }
  return activity.type === ActivityTypes.InvokeResponse || activity.type === ActivityTypes.Trace;
}

/** The event activity a proactive turn (an agent's reply, a queue update) runs on. */
export function continuationActivity(reference: Partial<ConversationReference>): Activity {
  return TurnContext.applyConversationReference(
    { type: ActivityTypes.Event, name: 'continueConversation' },
    reference,
    true,
  ) as Activity;
}
