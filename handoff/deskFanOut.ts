import type { EventEmitter } from 'node:events';
import type { FanOut } from '../bot/coordination';

/**
 * The desk events the agents' consoles follow: a case moved (`changed`, its id), a customer
 * wrote while queued or with an agent (`customerMessage`), a ticket was created or closed
 * (`ticket`, its id). NOTE: `case` (what insights count) is not relayed: each instance records
 * the events of its own turns, and the figures are read from the shared database.
 */
const CONSOLE_EVENTS = ['changed', 'customerMessage', 'ticket'] as const;
type ConsoleEventName = (typeof CONSOLE_EVENTS)[number];

interface RelayedEvent {
  event: ConsoleEventName;
  payload: unknown;
}

function isRelayedEvent(value: unknown): value is RelayedEvent {
  if (typeof value !== 'object' || value === null) return false;
  const { event } = value as { event?: unknown };
  return typeof event === 'string' && (CONSOLE_EVENTS as readonly string[]).includes(event);
}

/**
 * Carries the desk's console events to every other instance, which emits them on its own desk,
 * so an agent whose event socket is on instance A hears of a case claimed, a customer message
 * or a ticket handled on instance B. The cases themselves are read from the shared database.
 * `onBadMessage` hears of a message on the topic that is not a desk event (another version).
 */
export function relayDeskEvents(
  desk: EventEmitter,
  fanOut: FanOut,
  onBadMessage: (message: string) => void = () => undefined,
): void {
  // NOTE: an event received from another instance is emitted on this desk synchronously; this
  // flag keeps the listener below from sending it back out.
  let replaying = false;
  for (const event of CONSOLE_EVENTS) {
    desk.on(event, (payload: unknown) => {
      if (!replaying) fanOut.send(JSON.stringify({ event, payload } satisfies RelayedEvent));
    });
  }
  fanOut.onMessage((message) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      parsed = undefined;
    }
    if (!isRelayedEvent(parsed)) {
      onBadMessage(message);
      return;
    }
    replaying = true;
    try {
      desk.emit(parsed.event, parsed.payload);
    } finally {
      replaying = false;
    }
  });
}
