// @ts-check
/** The queue: the cases an agent may see, refreshed on events and every 30 s. */
import { api, messageOf, statusOf } from './api.js';
import { loadCase, selectedCaseId } from './caseView.js';
import { byId, clear, el, say } from './dom.js';
import { t } from './i18n.js';
import { me, session } from './session.js';
import { topicName, waited } from './words.js';

/** @typedef {import('./types.js').CaseItem} CaseItem */

/** Cases with a customer message the agent has not opened yet. */
const unread = new Set();
/** @type {CaseItem[]} */
let lastCases = [];

/** @param {number} caseId */
export function markUnread(caseId) {
  unread.add(caseId);
}

export async function refreshQueue() {
  if (!session.loggedIn) return;
  try {
    const data = /** @type {{ cases: CaseItem[] }} */ (await api('GET', 'queue'));
    lastCases = data.cases;
    renderQueue();
  } catch (error) {
    if (statusOf(error) !== 401) say(messageOf(error));
  }
}

/**
 * Who holds a case, as the queue says it.
 * @param {CaseItem} item
 */
function holder(item) {
  if (item.agentId === me().id) return t('queue.withYou');
  return item.agentName ? t('queue.withAgent', { name: item.agentName }) : t('queue.withSomeAgent');
}

/** Draws the last queue again (also after the language changed). */
export function renderQueue() {
  const list = byId('queue-list');
  clear(list);
  byId('queue-empty').hidden = lastCases.length > 0;
  for (const item of lastCases) {
    const li = el('li');
    const entry = el('button', null, 'case-item');
    entry.type = 'button';
    entry.setAttribute('data-case-id', String(item.id));
    if (selectedCaseId() === item.id) entry.setAttribute('aria-current', 'true');
    entry.appendChild(
      el('span', `${item.customerName || t('case.customer')} · ${topicName(item.topic)}`, 'case-title'),
    );
    const detail =
      item.state === 'queued'
        ? t('queue.waiting', {
            waited: waited(item.waitingSeconds),
            position: item.position ?? '',
            team: item.team,
          })
        : item.state === 'withAgent'
          ? holder(item)
          : t('queue.ended');
    entry.appendChild(
      el('span', `${item.channelName || item.channel} · ${item.locale} · ${detail}`, 'case-meta'),
    );
    if (unread.has(item.id)) entry.appendChild(el('span', t('queue.newMessage'), 'badge'));
    entry.addEventListener('click', () => {
      unread.delete(item.id);
      void loadCase(item.id, true);
    });
    li.appendChild(entry);
    list.appendChild(li);
  }
}

/** Forgets the queue (logging out). */
export function clearQueue() {
  lastCases = [];
  unread.clear();
  clear(byId('queue-list'));
}
