// @ts-check
/** Tickets customers left when nobody was there: open or closed, closed with one click. */
import { api, messageOf, statusOf } from './api.js';
import { byId, button, clear, el, fact, say } from './dom.js';
import { dateTime, t } from './i18n.js';
import { showPanel } from './panels.js';

/** @typedef {import('./types.js').Ticket} Ticket */

/**
 * Lists the tickets of the chosen status; `focusId` highlights and focuses one.
 * @param {number} [focusId]
 */
export async function refreshTickets(focusId) {
  try {
    const status = byId('ticket-status', HTMLSelectElement).value;
    const data = /** @type {{ tickets: Ticket[] }} */ (
      await api('GET', `tickets?status=${encodeURIComponent(status)}`)
    );
    const list = byId('ticket-list');
    clear(list);
    byId('tickets-empty').hidden = data.tickets.length > 0;
    for (const ticket of data.tickets) list.appendChild(ticketItem(ticket));
    const focused = focusId ? document.getElementById(`ticket-${focusId}`) : null;
    if (focused) {
      focused.classList.add('linked');
      focused.focus();
    }
  } catch (error) {
    if (statusOf(error) !== 401) say(messageOf(error));
  }
}

/** @param {Ticket} ticket */
function ticketItem(ticket) {
  const li = el('li', null, 'ticket');
  li.id = `ticket-${ticket.id}`;
  li.tabIndex = -1;
  li.appendChild(
    el(
      'h3',
      t('tickets.heading', {
        id: ticket.id,
        team: ticket.team,
        channel: ticket.channel,
        locale: ticket.locale,
      }),
    ),
  );
  li.appendChild(el('p', ticket.text, 'ticket-text'));
  const facts = el('dl');
  fact(facts, t('tickets.created'), dateTime(ticket.createdAt));
  for (const [key, value] of Object.entries(ticket.collected ?? {})) fact(facts, key, value);
  li.appendChild(facts);
  if (ticket.status === 'open') {
    li.appendChild(
      button(t('tickets.close', { id: ticket.id }), () => {
        api('POST', `tickets/${ticket.id}/close`)
          .then(() => say(t('tickets.closedOne', { id: ticket.id })))
          .catch((error) => say(messageOf(error)))
          .finally(() => void refreshTickets());
      }),
    );
  } else {
    li.appendChild(el('p', t('tickets.closed'), 'ticket-closed'));
  }
  return li;
}

/**
 * Opens the tickets view at one open ticket (a link from the history).
 * @param {number} id
 */
export function openTicket(id) {
  byId('ticket-status', HTMLSelectElement).value = 'open';
  showPanel('tickets', { quiet: true });
  void refreshTickets(id);
}

export function startTickets() {
  byId('ticket-status').addEventListener('change', () => void refreshTickets());
}
