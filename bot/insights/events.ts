/**
 * The conversation events insights are made of. An event says what happened, where (channel,
 * locale, team) and when; it never holds message text, names, user ids or the conversation's
 * own id: conversations are told apart by a keyed hash of their key (see {@link ConversationIds}
 * in recorder.ts), so figures survive the erasure of a customer's data.
 */

/** What happened. */
export type InsightKind =
  /** The first customer message of a conversation. */
  | 'conversationStarted'
  /** Any customer message (the denominator of "not understood"). */
  | 'message'
  /** The recognizer's reading of a message: `name` intent, `value` score. */
  | 'intentRecognized'
  /** A message the bot did not understand (fallback). */
  | 'notUnderstood'
  /** A task (`name`: orderStatus, returnItem, appointment) began. */
  | 'taskStarted'
  /** The task ran to its end without handing over. */
  | 'taskCompleted'
  /** The customer cancelled the task (`step`: where). */
  | 'taskCancelled'
  /** The task ended handing the customer to a person. */
  | 'taskHandedOff'
  /** The customer went silent in the middle of the task (`step`: the step they left at). */
  | 'taskAbandoned'
  /** An FAQ entry (`name`: its id) answered a message. */
  | 'faqAnswered'
  /** The customer rated an FAQ answer (`value` 1 helpful, 0 not). */
  | 'faqRated'
  /** The customer asked for (or accepted) a person: `name` reason, `step` queued | closed. */
  | 'handoffRequested'
  /** A case entered a team's queue (`name` reason). */
  | 'handoffQueued'
  /** An agent took the case (`value`: ms in the queue). */
  | 'handoffClaimed'
  /** An agent's first message in a case (`value`: ms since it was queued). */
  | 'agentFirstReply'
  /** The case ended (`name` disposition, `value` ms since queued, `step` withAgent | queued). */
  | 'handoffEnded'
  /** The customer's 1–5 answer to the satisfaction question (`value`). */
  | 'satisfaction'
  /** The conversation's language changed (`name`: from, `locale`: to). */
  | 'languageSwitched';

export const INSIGHT_KINDS: readonly InsightKind[] = [
  'conversationStarted',
  'message',
  'intentRecognized',
  'notUnderstood',
  'taskStarted',
  'taskCompleted',
  'taskCancelled',
  'taskHandedOff',
  'taskAbandoned',
  'faqAnswered',
  'faqRated',
  'handoffRequested',
  'handoffQueued',
  'handoffClaimed',
  'agentFirstReply',
  'handoffEnded',
  'satisfaction',
  'languageSwitched',
];

/** Where a conversation is: every event carries these. */
export interface InsightScope {
  channel: string;
  locale: string;
  /** The team that takes the case, or the team routing picks for the locale and topic. */
  team: string;
}

/** An event as it is recorded, before the conversation key is hashed. */
export interface InsightEvent extends InsightScope {
  kind: InsightKind;
  /** Milliseconds since the epoch. */
  at: number;
  /** `channelId/conversationId`; hashed before it is stored, never written as is. */
  conversationKey: string;
  name?: string;
  step?: string;
  value?: number;
}

/** The row of `insight_events`. */
export type InsightEventRow = {
  at: number;
  /** `YYYY-MM-DD` (UTC) of `at`, for grouping by period in either dialect. */
  day: string;
  kind: string;
  /** Keyed hash of the conversation key (32 hex characters). */
  conversation: string;
  channel: string;
  locale: string;
  team: string;
  name: string | null;
  step: string | null;
  value: number | null;
};

/**
 * A task that has begun and not ended, one per conversation: where the customer is in it and
 * when the conversation last moved. The abandonment sweep turns the idle ones into
 * `taskAbandoned` events.
 */
export type InsightOpenTaskRow = {
  conversation: string;
  task: string;
  started_at: number;
  /** `dialogId/stepName` of the innermost step the customer was last at. */
  step: string;
  /** The open waterfalls of the task, outermost first, each with its last step: JSON `[[instanceId, step], …]`. */
  steps: string;
  /** The conversation's last turn. */
  last_at: number;
  /** 1 while the customer is with the human team (queued or with an agent): not abandoned. */
  held: number;
  channel: string;
  locale: string;
  team: string;
};

export type InsightSettingRow = {
  name: string;
  value: string;
};

/** The insights tables, added to the shared database's with `db.withTables<InsightTables>()`. */
export type InsightTables = {
  insight_events: InsightEventRow;
  insight_open_tasks: InsightOpenTaskRow;
  insight_settings: InsightSettingRow;
};

/** `YYYY-MM-DD` of a time, in UTC. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}
