// @ts-check
/** The History view: ended cases, searched and paged, each shown read-only. */
import { api, messageOf, statusOf } from './api.js';
import { byId, clear, el, fact } from './dom.js';
import { dateTime, t, tn } from './i18n.js';
import { openTicket } from './tickets.js';
import { transcriptLine } from './transcript.js';
import { outcomeWords, reasonWords, topicName } from './words.js';

/** @typedef {import('./types.js').CaseItem} CaseItem */
/** @typedef {import('./types.js').CaseDetail} CaseDetail */

let page = 1;
const FIELDS = ['q', 'channel', 'agent', 'outcome', 'from', 'to'];

/** @param {string} text */
function historyError(text) {
  byId('history-error').textContent = text;
}

/** @param {number} wanted */
function historyQuery(wanted) {
  const parts = [];
  for (const name of FIELDS) {
    const control = /** @type {HTMLInputElement | HTMLSelectElement} */ (byId(`history-${name}`));
    const value = control.value.trim();
    if (value) parts.push(`${name}=${encodeURIComponent(value)}`);
  }
  parts.push(`page=${wanted}`);
  return parts.join('&');
}

/**
 * @param {number} [wanted] the page to show (the current one when left out)
 */
export async function searchHistory(wanted = page) {
  page = wanted;
  historyError('');
  try {
    const data = /** @type {{ cases: CaseItem[], total: number, page: number, pageSize: number }} */ (
      await api('GET', `cases/history?${historyQuery(wanted)}`)
    );
    const list = byId('history-list');
    clear(list);
    byId('history-empty').hidden = data.cases.length > 0;
    for (const item of data.cases) list.appendChild(historyItem(item));
    const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
    byId('history-page').textContent = tn('history.pageOf', data.total, { page: data.page, pages });
    byId('history-prev', HTMLButtonElement).disabled = data.page <= 1;
    byId('history-next', HTMLButtonElement).disabled = data.page >= pages;
  } catch (error) {
    if (statusOf(error) !== 401) historyError(messageOf(error));
  }
}

/** @param {CaseItem} item */
function historyItem(item) {
  const li = el('li');
  const entry = el('button', null, 'case-item');
  entry.type = 'button';
  entry.setAttribute('data-history-id', String(item.id));
  entry.appendChild(
    el('span', `${item.customerName || t('case.customer')} · ${topicName(item.topic)}`, 'case-title'),
  );
  const refs = ['orderNumber', 'rma', 'bookingReference'].map((key) => item.collected?.[key]).filter(Boolean);
  const meta = [
    item.channelName || item.channel,
    item.agentName || t('history.noAgent'),
    outcomeWords(item.disposition, item.dispositionText),
    item.endedAt ? dateTime(item.endedAt) : '',
  ];
  if (refs.length) meta.push(refs.join(', '));
  entry.appendChild(el('span', meta.join(' · '), 'case-meta'));
  const open = item.openTickets?.length ?? 0;
  if (open) entry.appendChild(el('span', tn('history.openTickets', open), 'badge'));
  entry.addEventListener('click', () => void showHistoryCase(item.id));
  li.appendChild(entry);
  return li;
}

/**
 * Shows one ended case read-only: its facts, its own transcript and its open tickets.
 * @param {number} id
 */
async function showHistoryCase(id) {
  try {
    const data = /** @type {CaseDetail} */ (await api('GET', `cases/${id}`));
    const item = data.case;
    byId('history-title').textContent = t('case.title', {
      name: item.customerName || t('case.customer'),
      id: item.id,
    });
    byId('history-detail').hidden = false;
    const facts = byId('history-facts');
    clear(facts);
    fact(facts, t('fact.channel'), item.channelName || item.channel);
    fact(facts, t('fact.language'), item.locale);
    fact(facts, t('fact.intent'), topicName(item.topic));
    fact(facts, t('fact.team'), item.team);
    fact(facts, t('fact.reason'), reasonWords(item.reason, item.reasonText));
    fact(facts, t('fact.agent'), item.agentName || t('history.nobody'));
    fact(facts, t('fact.outcome'), outcomeWords(item.disposition, item.dispositionText));
    fact(facts, t('fact.ended'), item.endedAt ? dateTime(item.endedAt) : undefined);
    for (const [key, value] of Object.entries(data.collected ?? {})) fact(facts, key, value);
    const transcript = byId('history-transcript');
    clear(transcript);
    for (const line of data.transcript) transcript.appendChild(transcriptLine(line, item.customerName));
    const tickets = byId('history-tickets');
    clear(tickets);
    for (const ticket of data.openTickets ?? []) {
      const li = el('li');
      const link = el('a', t('history.openTicket', { id: ticket.id, team: ticket.team }));
      link.href = `#ticket-${ticket.id}`;
      link.addEventListener('click', (event) => {
        event.preventDefault();
        openTicket(ticket.id);
      });
      li.appendChild(link);
      tickets.appendChild(li);
    }
    byId('history-tickets-empty').hidden = (data.openTickets ?? []).length > 0;
    byId('history-title').focus();
  } catch (error) {
    if (statusOf(error) !== 401) historyError(messageOf(error));
  }
}

export function startHistory() {
  byId('history-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void searchHistory(1);
  });
  byId('history-prev').addEventListener('click', () => void searchHistory(Math.max(1, page - 1)));
  byId('history-next').addEventListener('click', () => void searchHistory(page + 1));
}
