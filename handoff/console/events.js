// @ts-check
/** The live event socket: queue and case changes, new customer messages, tickets. */
import { api, eventsUrl } from './api.js';

/**
 * @typedef {object} EventHandlers
 * @property {() => void} onOpen the socket is (re)connected: reload what may have changed
 * @property {(message: { type: string, caseId?: number }) => void} onMessage
 * @property {() => void} onSessionEnded the server closed the socket for an ended session
 * @property {(text: string) => void} onLost the socket dropped; it reconnects by itself
 */

/** @type {WebSocket | null} */
let socket = null;
let reconnectMs = 1000;
/** @type {ReturnType<typeof setTimeout> | null} */
let retry = null;

/**
 * Opens the socket (if not open) and keeps it open until `disconnect`.
 * @param {EventHandlers} handlers
 */
export function connect(handlers) {
  if (socket) return;
  const opened = new WebSocket(eventsUrl());
  socket = opened;
  opened.onopen = () => {
    reconnectMs = 1000;
    handlers.onOpen();
  };
  opened.onmessage = (event) => {
    /** @type {unknown} */
    let message;
    try {
      message = JSON.parse(String(event.data));
    } catch {
      return;
    }
    if (message && typeof message === 'object' && 'type' in message && typeof message.type === 'string') {
      handlers.onMessage(/** @type {{ type: string, caseId?: number }} */ (message));
    }
  };
  opened.onclose = (event) => {
    if (socket !== opened) return;
    socket = null;
    if (event.code === 4401) {
      handlers.onSessionEnded();
      return;
    }
    handlers.onLost('');
    const delay = reconnectMs;
    reconnectMs = Math.min(reconnectMs * 2, 30000);
    retry = setTimeout(() => {
      retry = null;
      // A refused upgrade looks like any other drop: ask whether the session still stands.
      api('GET', 'me')
        .then(() => connect(handlers))
        .catch(() => undefined);
    }, delay);
  };
}

/** Closes the socket for good (logging out). */
export function disconnect() {
  const open = socket;
  socket = null;
  if (retry) clearTimeout(retry);
  retry = null;
  if (open) open.close();
}
