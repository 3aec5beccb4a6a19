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

export interface RelayOptions {
  /**
   * Commits what this instance queued for the database (the store's batched transcript lines):
   * the others read the case as soon as they hear of it. Never rejects.
   */
  flush?: () => Promise<void>;
  /** Hears of a message on the topic that is not a desk event (another version). */
  onBadMessage?: (message: string) => void;
}

/**
 * Carries the desk's console events to every other instance, which emits them on its own desk,
 * so an agent whose event socket is on instance A hears of a case claimed, a customer message
 * or a ticket handled on instance B. The cases themselves are read from the shared database,
 * so each event goes out once what it announces is committed, in the order they happened.
 */
export function relayDeskEvents(desk: EventEmitter, fanOut: FanOut, options: RelayOptions = {}): void {
  const { flush = () => Promise.resolve(), onBadMessage = () => undefined } = options;
  // NOTE: an event received from another instance is emitted on this desk synchronously; this
  // flag keeps the listener below from sending it back out.
  let replaying = false;
  let sent = Promise.resolve();
  for (const event of CONSOLE_EVENTS) {
    desk.on(event, (payload: unknown) => {
      if (replaying) return;
      const message = JSON.stringify({ event, payload } satisfies RelayedEvent);
      sent = sent.then(flush).then(
        () => fanOut.send(message),
        () => fanOut.send(message),
      );
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
