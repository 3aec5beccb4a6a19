// @ts-check
/**
 * The console's own texts in the five console languages: bundles in `i18n/<locale>.json`, the
 * language picked from the browser and changed with the picker in the header (remembered in
 * localStorage). Missing texts fall back to English.
 */

/** The languages the console speaks, in the order the picker lists them. */
export const LOCALES = /** @type {const} */ (['en', 'es', 'zh-CN', 'zh-TW', 'lv']);
/** @typedef {(typeof LOCALES)[number]} ConsoleLocale */

/** Each language by its own name, as pickers show it. */
export const LOCALE_NAMES = /** @type {Record<ConsoleLocale, string>} */ ({
  en: 'English',
  es: 'Español',
  'zh-CN': '简体中文',
  'zh-TW': '繁體中文',
  lv: 'Latviešu',
});

const STORAGE_KEY = 'switchboard.console.locale';

/** @type {ConsoleLocale} */
let current = 'en';
/** @type {Record<string, string>} */
let texts = {};
/** @type {Record<string, string>} */
let english = {};
/** @type {(() => void)[]} */
const listeners = [];

/**
 * @param {string} value
 * @returns {value is ConsoleLocale}
 */
export function isLocale(value) {
  return /** @type {readonly string[]} */ (LOCALES).includes(value);
}

/**
 * The console language for a browser language tag (`es-MX` → es, `zh-HK` → zh-TW), if any.
 * @param {string} tag
 * @returns {ConsoleLocale | undefined}
 */
export function localeForTag(tag) {
  const lower = tag.toLowerCase();
  if (lower.startsWith('zh')) return /-(tw|hk|mo|hant)/.test(lower) ? 'zh-TW' : 'zh-CN';
  const language = lower.split('-')[0] ?? '';
  return isLocale(language) ? language : undefined;
}

/** The remembered choice, else the first browser language the console speaks, else English. */
function pickLocale() {
  let stored = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be switched off; the browser language still applies.
  }
  if (stored && isLocale(stored)) return stored;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const locale = localeForTag(tag);
    if (locale) return locale;
  }
  return 'en';
}

/**
 * @param {ConsoleLocale} locale
 * @returns {Promise<Record<string, string>>}
 */
async function fetchBundle(locale) {
  const response = await fetch(`/console/assets/i18n/${locale}.json`, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`console: the ${locale} texts did not load (${response.status})`);
  return /** @type {Record<string, string>} */ (await response.json());
}

/** Loads English and the picked language, and puts the texts in the page. */
export async function startI18n() {
  english = await fetchBundle('en');
  await setLocale(pickLocale(), false);
}

/**
 * Switches the console to another language; the views re-render through `onLocaleChange`.
 * @param {ConsoleLocale} locale
 * @param {boolean} remember
 */
export async function setLocale(locale, remember) {
  texts = locale === 'en' ? english : await fetchBundle(locale);
  current = locale;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      // Not remembered; the choice still holds for this page.
    }
  }
  document.documentElement.lang = locale;
  applyTexts(document);
  for (const listener of listeners) listener();
}

/** @returns {ConsoleLocale} */
export function currentLocale() {
  return current;
}

/** @param {() => void} listener called after the language changed */
export function onLocaleChange(listener) {
  listeners.push(listener);
}

/** @param {string} key */
export function has(key) {
  return key in texts || key in english;
}

/**
 * The text of `key` with `{name}` placeholders filled.
 * @param {string} key
 * @param {Record<string, string | number>} [values]
 */
export function t(key, values) {
  const text = texts[key] || english[key] || key;
  return values
    ? text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole))
    : text;
}

/**
 * The plural form of `key` for `count` (`key.one`, `key.other`, … by the language's rules).
 * @param {string} key
 * @param {number} count
 * @param {Record<string, string | number>} [values]
 */
export function tn(key, count, values) {
  const form = new Intl.PluralRules(current).select(count);
  const chosen = has(`${key}.${form}`) ? `${key}.${form}` : `${key}.other`;
  return t(chosen, { count, ...values });
}

/**
 * Puts the texts in static markup: `data-i18n` (text), `data-i18n-label` (aria-label),
 * `data-i18n-placeholder`, `data-i18n-title` (document title).
 * @param {ParentNode} root
 */
export function applyTexts(root) {
  for (const node of root.querySelectorAll('[data-i18n]'))
    node.textContent = t(node.getAttribute('data-i18n') ?? '');
  for (const node of root.querySelectorAll('[data-i18n-label]')) {
    node.setAttribute('aria-label', t(node.getAttribute('data-i18n-label') ?? ''));
  }
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) {
    node.setAttribute('placeholder', t(node.getAttribute('data-i18n-placeholder') ?? ''));
  }
  document.title = t('page.title');
}

/**
 * A time of day in the console's language.
 * @param {string} iso
 */
export function shortTime(iso) {
  return new Date(iso).toLocaleTimeString(current, { hour: '2-digit', minute: '2-digit' });
}

/**
 * A date and time in the console's language.
 * @param {string} iso
 */
export function dateTime(iso) {
  return new Date(iso).toLocaleString(current);
}
