// @ts-check
/**
 * What the content studio shows: the content of one locale, the English reference beside it,
 * and its change history. Each studio view renders from here; a save reloads it.
 */
import { api, messageOf, statusOf } from './api.js';
import { byId, clear, el } from './dom.js';
import { currentLocale } from './i18n.js';

/** @typedef {import('./types.js').Content} Content */
/** @typedef {import('./types.js').ContentChange} ContentChange */

export const studio = {
  /** The locale being edited. */
  locale: /** @type {import('./i18n.js').ConsoleLocale} */ ('en'),
  /** @type {Content | null} */
  content: null,
  /** @type {Content | null} */
  english: null,
  /** Newest first. @type {ContentChange[]} */
  changes: [],
};

/** @type {(() => void)[]} */
const renderers = [];

/** @type {(() => void)[]} */
const forgetters = [];

/** @param {() => void} render draws a studio view from `studio` */
export function onStudioLoaded(render) {
  renderers.push(render);
}

/** @param {() => void} forget drops what a studio view keeps (unsaved edits, suggestions) */
export function onStudioForgotten(forget) {
  forgetters.push(forget);
}

/** Logging out: the next lead on this page starts from nothing another one left. */
export function forgetStudio() {
  studio.content = null;
  studio.english = null;
  studio.changes = [];
  for (const forget of forgetters) forget();
}

/** The studio edits the console's language at first; a lead picks another with the picker. */
export function initialStudioLocale() {
  return currentLocale();
}

/** @param {string} text */
export function studioError(text) {
  byId('studio-error').textContent = text;
}

/** Loads the locale's content, English and the history, then draws every studio view. */
export async function reloadStudio() {
  studioError('');
  const locale = studio.locale;
  try {
    const [content, english, history] = await Promise.all([
      api('GET', `content/${encodeURIComponent(locale)}`),
      locale === 'en' ? null : api('GET', 'content/en'),
      api('GET', `content/history?locale=${encodeURIComponent(locale)}`),
    ]);
    // A slower answer for a locale no longer picked is dropped.
    if (studio.locale !== locale) return;
    studio.content = /** @type {Content} */ (content);
    studio.english = /** @type {Content} */ (english ?? content);
    studio.changes = /** @type {{ entries: ContentChange[] }} */ (history).entries;
  } catch (error) {
    if (statusOf(error) !== 401) studioError(messageOf(error));
    return;
  }
  for (const render of renderers) render();
}

/**
 * Lists what validation refused, under the control it is about.
 * @param {HTMLElement} list
 * @param {unknown[]} problems
 */
export function showProblems(list, problems) {
  clear(list);
  for (const problem of problems) list.appendChild(el('li', problemText(problem)));
  list.hidden = problems.length === 0;
}

/** @param {unknown} problem a string, or an object with a message */
function problemText(problem) {
  if (typeof problem === 'string') return problem;
  if (problem && typeof problem === 'object' && 'message' in problem && typeof problem.message === 'string') {
    return 'key' in problem && typeof problem.key === 'string'
      ? `${problem.key}: ${problem.message}`
      : problem.message;
  }
  return JSON.stringify(problem);
}

/**
 * Shows a change's value in one line (texts as they are, lists and objects as JSON).
 * @param {unknown} value
 */
export function valueText(value) {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
