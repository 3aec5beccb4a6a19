// @ts-check
/**
 * The content studio (leads and admins): the locale picker and the five studio views — texts,
 * intents, FAQ, the unrecognized inbox and the change history.
 */
import { byId, el } from './dom.js';
import { LOCALES, LOCALE_NAMES, isLocale } from './i18n.js';
import { startStudioChanges } from './studioChanges.js';
import { startStudioFaq } from './studioFaq.js';
import { refreshInbox, startStudioInbox } from './studioInbox.js';
import { startStudioIntents } from './studioIntents.js';
import { forgetStudio, initialStudioLocale, reloadStudio, studio } from './studioState.js';
import { startStudioTexts } from './studioTexts.js';

const VIEWS = ['texts', 'intents', 'faq', 'inbox', 'changes'];
let view = 'texts';
let started = false;

/** @param {string} name */
function showView(name) {
  view = name;
  for (const key of VIEWS) {
    byId(`studio-${key}`).hidden = key !== name;
    byId(`studio-tab-${key}`).setAttribute('aria-pressed', String(key === name));
  }
  if (name === 'inbox') void refreshInbox();
}

/** Shown from the nav: loads the picked locale (the console's language the first time). */
export function showStudio() {
  const picker = byId('studio-locale', HTMLSelectElement);
  if (!started) {
    started = true;
    studio.locale = initialStudioLocale();
    picker.value = studio.locale;
  }
  showView(view);
  void reloadStudio();
}

/** Logging out: forgets the content shown and the edits not saved; the next login starts afresh. */
export function leaveStudio() {
  started = false;
  view = 'texts';
  forgetStudio();
}

export function startStudio() {
  const picker = byId('studio-locale', HTMLSelectElement);
  for (const locale of LOCALES) {
    const option = el('option', `${LOCALE_NAMES[locale]} (${locale})`);
    option.value = locale;
    option.lang = locale;
    picker.appendChild(option);
  }
  picker.addEventListener('change', () => {
    if (!isLocale(picker.value)) return;
    studio.locale = picker.value;
    studio.content = null;
    void reloadStudio();
    if (view === 'inbox') void refreshInbox();
  });
  for (const key of VIEWS) byId(`studio-tab-${key}`).addEventListener('click', () => showView(key));
  startStudioTexts();
  startStudioIntents();
  startStudioFaq();
  startStudioInbox();
  startStudioChanges();
}
