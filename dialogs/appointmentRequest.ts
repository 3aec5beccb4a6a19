import type { AppointmentAction } from '../bot/language/appointmentEntities';
import { isTaskRequest } from './taskRequest';

/** What the customer already said about the appointment, read by the appointment dialogs. */
export interface AppointmentRequest {
  /** Book, move or cancel, when the message said which. */
  action?: AppointmentAction;
  /** The words naming the day ("next Tuesday"), read in the shop's calendar when the day is due. */
  dayWords?: string;
  /** The message that started the task, where a service may be named ("a boot fitting"). */
  text?: string;
  /** A booking reference the customer gave ("move BK-7Q4M2X"). */
  bookingReference?: string;
}

const ACTIONS: readonly string[] = ['book', 'reschedule', 'cancel'] satisfies AppointmentAction[];

/** The appointment request in a dialog's options: a TaskRequest from MainDialog, or nothing. */
export function appointmentRequestOf(options: unknown): AppointmentRequest {
  if (!isTaskRequest(options)) return {};
  const request: AppointmentRequest = { text: options.text };
  for (const entity of options.entities) {
    if (entity.type === 'appointmentAction' && ACTIONS.includes(entity.value)) {
      request.action = entity.value as AppointmentAction;
    } else if (entity.type === 'date') request.dayWords ??= entity.value;
    else if (entity.type === 'bookingReference') request.bookingReference ??= entity.value;
  }
  return request;
}
