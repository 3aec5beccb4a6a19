// @ts-check
/**
 * Studio · Unrecognized: what customers wrote that the bot did not understand (PII-redacted,
 * grouped), each turned into an example of an intent or an FAQ answer in one click, or dismissed.
 */
import { api, messageOf, statusOf } from './api.js';
import { byId, button, clear, el, say } from './dom.js';
import { dateTime, t, tn } from './i18n.js';
import { onStudioForgotten, onStudioLoaded, reloadStudio, studio, studioError } from './studioState.js';

/** @typedef {import('./types.js').Unrecognized} Unrecognized */

/** How many messages get a suggestion from the recognizer (one request each). */
const SUGGESTIONS = 25;

/** @type {Unrecognized[]} */
let items = [];
/** What the recognizer reads in each message now, by id (the preselected target). */
const suggestions = new Map();

export async function refreshInbox() {
  const locale = studio.locale;
  try {
    const data = /** @type {{ items: Unrecognized[] }} */ (
      await api('GET', `unrecognized?locale=${encodeURIComponent(locale)}`)
    );
    if (studio.locale !== locale) return;
    items = data.items;
    // Suggestions are kept for the messages still waiting only.
    const waiting = new Set(items.map((item) => item.id));
    for (const id of suggestions.keys()) if (!waiting.has(id)) suggestions.delete(id);
  } catch (error) {
    if (statusOf(error) !== 401) studioError(messageOf(error));
    return;
  }
  renderInbox();
  await Promise.all(
    items.slice(0, SUGGESTIONS).map(async (item) => {
      try {
        const answer = /** @type {import('./types.js').Recognition} */ (
          await api('POST', 'recognize', { text: item.text, locale: item.locale })
        );
        if (answer.intent && answer.intent !== 'None') suggestions.set(item.id, `intent:${answer.intent}`);
      } catch {
        // No suggestion; the lead picks the target.
      }
    }),
  );
  if (studio.locale === locale) renderInbox();
}

function renderInbox() {
  const list = byId('studio-inbox-list');
  const focused = document.activeElement?.closest('[data-unrecognized]')?.getAttribute('data-unrecognized');
  clear(list);
  byId('studio-inbox-empty').hidden = items.length > 0;
  for (const item of items) list.appendChild(inboxItem(item));
  if (focused) {
    // The keyboard stays in the inbox: on the same message, or the next one when it left.
    const again =
      list.querySelector(`[data-unrecognized="${CSS.escape(focused)}"] select`) ??
      list.querySelector('select');
    if (again instanceof HTMLElement) again.focus();
    else byId('studio-inbox-title').focus();
  }
}

/**
 * The intents and FAQ answers a message can be taught as, with the suggestion chosen.
 * @param {Unrecognized} item
 */
function targetPicker(item) {
  const select = el('select');
  select.id = `unrecognized-target-${item.id}`;
  const intents = el('optgroup');
  intents.label = t('studio.inbox.intents');
  for (const intent of Object.keys(studio.content?.intents ?? {}).sort()) {
    if (intent === 'None') continue;
    const option = el('option', intent);
    option.value = `intent:${intent}`;
    intents.appendChild(option);
  }
  select.appendChild(intents);
  const faq = el('optgroup');
  faq.label = t('studio.inbox.faq');
  for (const entry of studio.content?.faq ?? []) {
    const option = el('option', entry.id);
    option.value = `faq:${entry.id}`;
    faq.appendChild(option);
  }
  if (faq.childElementCount) select.appendChild(faq);
  const suggested = suggestions.get(item.id);
  if (suggested && [...select.options].some((option) => option.value === suggested)) select.value = suggested;
  return select;
}

/** @param {Unrecognized} item */
function inboxItem(item) {
  const li = el('li', null, 'ticket');
  li.setAttribute('data-unrecognized', String(item.id));
  const said = el('p', item.text, 'ticket-text');
  said.lang = item.locale;
  li.appendChild(said);
  li.appendChild(
    el(
      'p',
      `${tn('studio.inbox.count', item.count)} · ${t('studio.inbox.lastSeen', { at: dateTime(item.lastSeen) })}`,
      'muted',
    ),
  );
  const row = el('div', null, 'inline');
  const field = el('div');
  const select = targetPicker(item);
  const label = el('label', t('studio.inbox.teachAs'));
  label.htmlFor = select.id;
  field.appendChild(label);
  field.appendChild(select);
  row.appendChild(field);
  const assign = button(t('studio.inbox.assign'), () => void assignItem(item, select.value));
  assign.setAttribute('aria-label', t('studio.inbox.assignLabel', { text: item.text }));
  const dismiss = button(t('studio.inbox.dismiss'), () => void dismissItem(item));
  dismiss.setAttribute('aria-label', t('studio.inbox.dismissLabel', { text: item.text }));
  row.appendChild(assign);
  row.appendChild(dismiss);
  li.appendChild(row);
  return li;
}

/**
 * @param {Unrecognized} item
 * @param {string} target `intent:<name>` or `faq:<id>`
 */
async function assignItem(item, target) {
  studioError('');
  const [kind, name] = [target.slice(0, target.indexOf(':')), target.slice(target.indexOf(':') + 1)];
  if (!name) return;
  try {
    await api('POST', `unrecognized/${item.id}/assign`, kind === 'faq' ? { faq: name } : { intent: name });
    await Promise.all([refreshInbox(), reloadStudio()]);
    say(t('studio.inbox.assigned', { text: item.text, target: name }));
  } catch (error) {
    studioError(messageOf(error));
  }
}

/** @param {Unrecognized} item */
async function dismissItem(item) {
  studioError('');
  try {
    await api('POST', `unrecognized/${item.id}/dismiss`);
    say(t('studio.inbox.dismissed', { text: item.text }));
    await refreshInbox();
  } catch (error) {
    studioError(messageOf(error));
  }
}

export function startStudioInbox() {
  // The targets are the locale's intents and FAQ answers: drawn again when they change.
  onStudioLoaded(renderInbox);
  onStudioForgotten(() => {
    items = [];
    suggestions.clear();
    clear(byId('studio-inbox-list'));
  });
}
