// @ts-check
/** Studio · Texts: every text of a locale beside English, searched, marked, edited and saved. */
import { ApiError, api, messageOf } from './api.js';
import { byId, button, clear, el, say } from './dom.js';
import { LOCALE_NAMES, t, tn } from './i18n.js';
import {
  onStudioForgotten,
  onStudioLoaded,
  reloadStudio,
  showProblems,
  studio,
  studioError,
} from './studioState.js';

/** Unsaved edits, by locale and key, kept while the list is searched or redrawn. */
const drafts = new Map();

/** @param {string} key */
const draftKey = (key) => `${studio.locale}\u0000${key}`;

/** @param {string} text */
function placeholdersOf(text) {
  return [...new Set(text.match(/\{\{\s*[\w.-]+\s*\}\}/g) ?? [])];
}

/** Keys whose text differs from the shipped file (changed in the studio or imported). */
function changedKeys() {
  return new Set(studio.content?.changed?.texts ?? []);
}

function renderTexts() {
  const content = studio.content;
  const english = studio.english;
  if (!content || !english) return;
  const query = byId('studio-text-search', HTMLInputElement).value.trim().toLowerCase();
  const filter = byId('studio-text-filter', HTMLSelectElement).value;
  const changed = changedKeys();
  const keys = [...new Set([...Object.keys(english.texts), ...Object.keys(content.texts)])].sort();
  const list = byId('studio-text-list');
  clear(list);
  let shown = 0;
  for (const key of keys) {
    const reference = english.texts[key] ?? '';
    const text = content.texts[key] ?? '';
    const missing = text.trim() === '';
    const isChanged = changed.has(key);
    if (filter === 'missing' && !missing) continue;
    if (filter === 'changed' && !isChanged) continue;
    if (query && ![key, reference, text].some((value) => value.toLowerCase().includes(query))) continue;
    list.appendChild(textRow(key, reference, text, missing, isChanged));
    shown += 1;
  }
  byId('studio-text-count').textContent = tn('studio.texts.count', shown, { total: keys.length });
}

/**
 * @param {string} key
 * @param {string} reference the English text
 * @param {string} text this locale's text
 * @param {boolean} missing
 * @param {boolean} changed
 */
function textRow(key, reference, text, missing, changed) {
  const li = el('li', null, 'text-row');
  li.setAttribute('data-key', key);
  const head = el('div', null, 'text-key');
  head.appendChild(el('code', key));
  if (missing) head.appendChild(el('span', t('studio.texts.missing'), 'badge'));
  if (changed) head.appendChild(el('span', t('studio.texts.changed'), 'badge badge-changed'));
  li.appendChild(head);
  const englishText = el('p', reference, 'text-english');
  englishText.lang = 'en';
  li.appendChild(englishText);

  const editor = el('div', null, 'text-editor');
  const box = el('textarea');
  box.rows = Math.min(6, Math.max(2, Math.ceil(Math.max(reference.length, text.length) / 60)));
  box.lang = studio.locale;
  box.value = drafts.get(draftKey(key)) ?? text;
  box.setAttribute('aria-label', t('studio.texts.editLabel', { language: LOCALE_NAMES[studio.locale], key }));
  box.addEventListener('input', () => {
    if (box.value === text) drafts.delete(draftKey(key));
    else drafts.set(draftKey(key), box.value);
  });
  editor.appendChild(box);
  const placeholders = placeholdersOf(reference);
  if (placeholders.length) {
    editor.appendChild(el('p', t('studio.texts.placeholders', { names: placeholders.join(' ') }), 'muted'));
  }
  const problems = el('ul', null, 'problems');
  problems.setAttribute('role', 'alert');
  problems.hidden = true;
  const save = button(t('studio.save'), () => void saveText(key, box, problems, save));
  save.setAttribute('aria-label', t('studio.texts.saveLabel', { key }));
  editor.appendChild(save);
  editor.appendChild(problems);
  li.appendChild(editor);
  return li;
}

/**
 * @param {string} key
 * @param {HTMLTextAreaElement} box
 * @param {HTMLElement} problems
 * @param {HTMLButtonElement} save
 */
async function saveText(key, box, problems, save) {
  studioError('');
  showProblems(problems, []);
  save.disabled = true;
  try {
    await api('PUT', `content/${encodeURIComponent(studio.locale)}/texts/${encodeURIComponent(key)}`, {
      text: box.value,
    });
    drafts.delete(draftKey(key));
    await reloadStudio();
    say(t('studio.texts.saved', { key }));
    // The row was drawn again: the keyboard stays where it was.
    const again = document.querySelector(`#studio-text-list [data-key="${CSS.escape(key)}"] textarea`);
    if (again instanceof HTMLTextAreaElement) again.focus();
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) {
      showProblems(problems, error.problems.length ? error.problems : [error.message]);
      box.focus();
    } else studioError(messageOf(error));
  } finally {
    save.disabled = false;
  }
}

export function startStudioTexts() {
  byId('studio-text-search').addEventListener('input', renderTexts);
  byId('studio-text-filter').addEventListener('change', renderTexts);
  onStudioLoaded(renderTexts);
  onStudioForgotten(() => {
    drafts.clear();
    clear(byId('studio-text-list'));
  });
}
