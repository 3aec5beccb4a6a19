// @ts-check
/**
 * Studio · Intents: the example phrases the recognizer learns for each intent of a locale,
 * added and removed, then saved; and a box to try a phrase before saving.
 */
import { ApiError, api, messageOf } from './api.js';
import { byId, button, clear, el, say } from './dom.js';
import { t } from './i18n.js';
import {
  onStudioForgotten,
  onStudioLoaded,
  reloadStudio,
  showProblems,
  studio,
  studioError,
} from './studioState.js';

/** Examples being edited, by locale and intent, until saved. */
const working = new Map();

/** @param {string} intent */
const workingKey = (intent) => `${studio.locale}\u0000${intent}`;

/** @param {string} intent */
function examplesOf(intent) {
  const saved = studio.content?.intents[intent] ?? [];
  return /** @type {string[]} */ (working.get(workingKey(intent)) ?? [...saved]);
}

function renderIntents() {
  const content = studio.content;
  if (!content) return;
  const list = byId('studio-intent-list');
  clear(list);
  for (const intent of Object.keys(content.intents).sort()) list.appendChild(intentItem(intent));
}

/** @param {string} intent */
function intentItem(intent) {
  const examples = examplesOf(intent);
  const saved = studio.content?.intents[intent] ?? [];
  const unsaved = working.has(workingKey(intent)) && JSON.stringify(examples) !== JSON.stringify(saved);
  const li = el('li', null, 'intent');
  li.setAttribute('data-intent', intent);
  const heading = el('h3', intent);
  heading.id = `intent-${intent}`;
  li.appendChild(heading);
  if (studio.content?.changed?.intents.includes(intent))
    heading.appendChild(el('span', t('studio.texts.changed'), 'badge badge-changed'));
  if (unsaved) li.appendChild(el('p', t('studio.intents.unsaved'), 'badge badge-changed'));
  const phrases = el('ul', null, 'examples');
  phrases.setAttribute('aria-labelledby', heading.id);
  examples.forEach((example, index) => {
    const item = el('li');
    item.appendChild(el('span', example, 'example'));
    item.appendChild(document.createTextNode(' '));
    const remove = button(
      '×',
      () => {
        working.set(
          workingKey(intent),
          examples.filter((_, other) => other !== index),
        );
        renderIntents();
        focusIn(intent, 'input');
      },
      'remove',
    );
    remove.setAttribute('aria-label', t('studio.intents.remove', { example, intent }));
    item.appendChild(remove);
    phrases.appendChild(item);
  });
  li.appendChild(phrases);

  const form = el('form', null, 'inline');
  const input = el('input');
  input.id = `intent-new-${intent}`;
  input.autocomplete = 'off';
  input.maxLength = 500;
  input.lang = studio.locale;
  const label = el('label', t('studio.intents.newExample', { intent }));
  label.htmlFor = input.id;
  const field = el('div');
  field.appendChild(label);
  field.appendChild(input);
  form.appendChild(field);
  const add = el('button', t('studio.intents.add'));
  add.type = 'submit';
  add.setAttribute('aria-label', t('studio.intents.addLabel', { intent }));
  form.appendChild(add);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const phrase = input.value.trim();
    if (!phrase) return;
    if (!examples.includes(phrase)) working.set(workingKey(intent), [...examples, phrase]);
    renderIntents();
    focusIn(intent, 'input');
  });
  li.appendChild(form);

  const problems = el('ul', null, 'problems');
  problems.setAttribute('role', 'alert');
  problems.hidden = true;
  const save = button(t('studio.intents.save', { intent }), () => void saveIntent(intent, problems, save));
  save.disabled = !unsaved;
  li.appendChild(save);
  li.appendChild(problems);
  return li;
}

/**
 * Puts the keyboard back in an intent's item after it was drawn again.
 * @param {string} intent
 * @param {string} selector
 */
function focusIn(intent, selector) {
  const node = document.querySelector(
    `#studio-intent-list [data-intent="${CSS.escape(intent)}"] ${selector}`,
  );
  if (node instanceof HTMLElement) node.focus();
}

/**
 * @param {string} intent
 * @param {HTMLElement} problems
 * @param {HTMLButtonElement} save
 */
async function saveIntent(intent, problems, save) {
  studioError('');
  save.disabled = true;
  try {
    await api('PUT', `content/${encodeURIComponent(studio.locale)}/intents/${encodeURIComponent(intent)}`, {
      examples: examplesOf(intent),
    });
    working.delete(workingKey(intent));
    await reloadStudio();
    say(t('studio.intents.saved', { intent }));
    focusIn(intent, 'input');
  } catch (error) {
    save.disabled = false;
    if (error instanceof ApiError && error.status === 422) {
      showProblems(problems, error.problems.length ? error.problems : [error.message]);
    } else studioError(messageOf(error));
  }
}

/** The "try a phrase" box: what the bot reads in a phrase, in the locale being edited. */
function startTryPhrase() {
  byId('studio-try-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = byId('studio-try-text', HTMLInputElement).value.trim();
    const result = byId('studio-try-result');
    if (!text) return;
    api('POST', 'recognize', { text, locale: studio.locale })
      .then((/** @type {import('./types.js').Recognition} */ answer) => {
        result.textContent = t('studio.intents.recognized', {
          intent: answer.intent,
          score: Number(answer.score).toFixed(2),
        });
        result.setAttribute('data-intent', answer.intent);
      })
      .catch((error) => {
        result.textContent = messageOf(error);
        result.removeAttribute('data-intent');
      });
  });
}

export function startStudioIntents() {
  startTryPhrase();
  onStudioLoaded(renderIntents);
  onStudioForgotten(() => {
    working.clear();
    clear(byId('studio-intent-list'));
    byId('studio-try-result').textContent = '';
  });
}
