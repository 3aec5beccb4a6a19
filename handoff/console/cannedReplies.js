// @ts-check
/**
 * Canned replies: the `/name` picker in the reply box (agents), and the list leads and admins
 * keep (add, edit, delete).
 */
import { api, messageOf, statusOf } from './api.js';
import { byId, button, clear, el, say } from './dom.js';
import { t } from './i18n.js';

/** @typedef {import('./types.js').CannedReply} CannedReply */

/** The replies of the case in the reply box, filled with its data. */
/** @type {CannedReply[]} */
let replies = [];
/** @type {number | null} */
let repliesCaseId = null;
/** @type {CannedReply[]} */
let matches = [];
let active = 0;
/** @type {number | null} */
let editing = null;

function replyBox() {
  return byId('reply-text', HTMLTextAreaElement);
}

/** Shows the reply hint, naming the canned replies there are. */
function renderHint() {
  byId('reply-hint').textContent = replies.length
    ? t('reply.hintCanned', { names: replies.map((reply) => `/${reply.name}`).join(', ') })
    : t('reply.hint');
}

/**
 * Loads the canned replies of the case the agent holds (once per case).
 * @param {number} caseId
 */
export function loadCannedReplies(caseId) {
  if (repliesCaseId === caseId) return;
  repliesCaseId = caseId;
  api('GET', `cases/${caseId}/canned-replies`)
    .then((/** @type {{ cannedReplies: CannedReply[] }} */ data) => {
      if (repliesCaseId !== caseId) return;
      replies = data.cannedReplies;
      renderHint();
    })
    .catch(() => {
      replies = [];
    });
}

/** The agent no longer holds the case on screen. */
export function forgetCannedReplies() {
  replies = [];
  repliesCaseId = null;
  closeCannedPicker();
}

/** Draws the hint and the form's button again in the console's new language. */
export function renderCannedTexts() {
  renderHint();
  byId('canned-save').textContent = editing ? t('canned.saveChanges') : t('canned.add');
}

/** The /name being typed just before the cursor (at the start or after a space), if any. */
function cannedToken() {
  const box = replyBox();
  const before = box.value.slice(0, box.selectionStart);
  const match = /(^|\s)\/([a-z0-9_-]*)$/.exec(before);
  const name = match?.[2];
  return name !== undefined
    ? { start: before.length - name.length - 1, end: box.selectionStart, name }
    : null;
}

export function updateCannedPicker() {
  const token = cannedToken();
  matches = token ? replies.filter((reply) => reply.name.startsWith(token.name)) : [];
  active = 0;
  if (!matches.length) {
    closeCannedPicker();
    return;
  }
  renderPicker();
}

function renderPicker() {
  const picker = byId('canned-picker');
  const box = replyBox();
  clear(picker);
  matches.forEach((reply, index) => {
    const option = el('li', null, 'canned-option');
    option.id = `canned-option-${reply.id}`;
    option.setAttribute('role', 'option');
    option.setAttribute('aria-selected', String(index === active));
    option.appendChild(el('strong', `/${reply.name}`));
    option.appendChild(el('span', ` ${reply.text}`, 'muted'));
    option.addEventListener('mousedown', (event) => {
      event.preventDefault();
      insertCannedReply(reply);
    });
    picker.appendChild(option);
  });
  picker.hidden = false;
  const chosen = matches[active];
  box.setAttribute('aria-expanded', 'true');
  if (chosen) box.setAttribute('aria-activedescendant', `canned-option-${chosen.id}`);
}

export function closeCannedPicker() {
  const box = replyBox();
  byId('canned-picker').hidden = true;
  matches = [];
  box.setAttribute('aria-expanded', 'false');
  box.removeAttribute('aria-activedescendant');
}

/**
 * Arrow keys move in the open picker, Enter or Tab take the reply, Escape closes it.
 * @param {KeyboardEvent} event
 * @returns {boolean} whether the picker used the key
 */
export function handlePickerKey(event) {
  if (byId('canned-picker').hidden || !matches.length) return false;
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    const step = event.key === 'ArrowDown' ? 1 : -1;
    active = (active + step + matches.length) % matches.length;
    renderPicker();
    return true;
  }
  if (event.key === 'Enter' || event.key === 'Tab') {
    event.preventDefault();
    insertCannedReply(matches[active]);
    return true;
  }
  if (event.key === 'Escape') {
    event.preventDefault();
    closeCannedPicker();
    return true;
  }
  return false;
}

/**
 * Puts a canned reply (already filled with the case's data) in place of the typed /name.
 * @param {CannedReply | undefined} reply
 */
function insertCannedReply(reply) {
  const token = cannedToken();
  const box = replyBox();
  if (!reply || !token) {
    closeCannedPicker();
    return;
  }
  box.value = box.value.slice(0, token.start) + reply.text + box.value.slice(token.end);
  const cursor = token.start + reply.text.length;
  box.setSelectionRange(cursor, cursor);
  closeCannedPicker();
  if (reply.missing && reply.missing.length) say(t('canned.fillIn', { names: reply.missing.join(', ') }));
  box.focus();
}

// --- the list leads and admins keep ----------------------------------------------------------

/** @param {string} text */
function cannedError(text) {
  byId('canned-error').textContent = text;
}

export async function refreshCannedList() {
  try {
    const data = /** @type {{ placeholders: string[], cannedReplies: CannedReply[] }} */ (
      await api('GET', 'canned-replies')
    );
    byId('canned-placeholders').textContent = t('canned.placeholders', {
      names: data.placeholders.map((name) => `{{${name}}}`).join(' '),
    });
    const list = byId('canned-list');
    clear(list);
    byId('canned-empty').hidden = data.cannedReplies.length > 0;
    for (const reply of data.cannedReplies) list.appendChild(cannedItem(reply));
  } catch (error) {
    if (statusOf(error) !== 401) cannedError(messageOf(error));
  }
}

/** @param {CannedReply} reply */
function cannedItem(reply) {
  const li = el('li', null, 'ticket');
  li.appendChild(el('h3', `/${reply.name} · ${reply.locale} · ${reply.team}`));
  li.appendChild(el('p', reply.text, 'ticket-text'));
  const which = { name: reply.name, locale: reply.locale, team: reply.team };
  li.appendChild(
    button(t('canned.edit', which), () => {
      editing = reply.id;
      byId('canned-name', HTMLInputElement).value = reply.name;
      byId('canned-locale', HTMLSelectElement).value = reply.locale;
      byId('canned-team', HTMLSelectElement).value = reply.team;
      byId('canned-text', HTMLTextAreaElement).value = reply.text;
      byId('canned-save').textContent = t('canned.saveChanges');
      byId('canned-name').focus();
    }),
  );
  li.appendChild(document.createTextNode(' '));
  li.appendChild(
    button(t('canned.delete', which), () => {
      api('DELETE', `canned-replies/${reply.id}`)
        .then(() => {
          say(t('canned.deleted', { name: reply.name }));
          return refreshCannedList();
        })
        .catch((error) => cannedError(messageOf(error)));
    }),
  );
  return li;
}

function resetCannedForm() {
  editing = null;
  byId('canned-name', HTMLInputElement).value = '';
  byId('canned-text', HTMLTextAreaElement).value = '';
  byId('canned-save').textContent = t('canned.add');
}

/** Wires the canned reply form (once, at start). */
export function startCannedReplies() {
  byId('canned-form').addEventListener('submit', (event) => {
    event.preventDefault();
    cannedError('');
    const id = editing;
    const body = {
      name: byId('canned-name', HTMLInputElement).value.trim(),
      locale: byId('canned-locale', HTMLSelectElement).value,
      team: byId('canned-team', HTMLSelectElement).value,
      text: byId('canned-text', HTMLTextAreaElement).value,
    };
    api(id ? 'PUT' : 'POST', id ? `canned-replies/${id}` : 'canned-replies', body)
      .then(() => {
        say(t('canned.saved', { name: body.name }));
        resetCannedForm();
        // The reply box loads the case's replies again, with this one.
        repliesCaseId = null;
        return refreshCannedList();
      })
      .catch((error) => cannedError(messageOf(error)));
  });
  byId('canned-cancel').addEventListener('click', resetCannedForm);
}
