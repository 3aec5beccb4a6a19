import type { Entity, IntentResult } from '../bot/language/recognizer';

/**
 * What MainDialog hands a task dialog it starts: the message that asked for the task and what
 * the recognizer found in it, so the task can skip the questions the message already answers
 * ("book a boot fitting next Tuesday"). Each task reads what it needs into its own typed request.
 */
export interface TaskRequest {
  /** The customer's message, as typed. */
  text: string;
  entities: Entity[];
}

/** The request of a message and its recognition result. */
export function taskRequestOf(text: string, result: IntentResult): TaskRequest {
  return { text, entities: result.entities ?? [] };
}

/** True when a dialog's options are a {@link TaskRequest}. */
export function isTaskRequest(options: unknown): options is TaskRequest {
  return (
    typeof options === 'object' &&
    options !== null &&
    typeof (options as TaskRequest).text === 'string' &&
    Array.isArray((options as TaskRequest).entities)
  );
}
