// @ts-check
/** Studio · FAQ: the answers the bot gives to common questions in a locale (list, add, edit, delete). */
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

/** @typedef {import('./types.js').FaqEntry} FaqEntry */

function fields() {
  return {
    id: byId('studio-faq-id', HTMLInputElement),
    questions: byId('studio-faq-questions', HTMLTextAreaElement),
    answer: byId('studio-faq-answer', HTMLTextAreaElement),
  };
}

function renderFaq() {
  const content = studio.content;
  if (!content) return;
  const list = byId('studio-faq-list');
  clear(list);
  byId('studio-faq-empty').hidden = content.faq.length > 0;
  for (const entry of content.faq) list.appendChild(faqItem(entry));
}

/** @param {FaqEntry} entry */
function faqItem(entry) {
  const li = el('li', null, 'ticket');
  li.setAttribute('data-faq', entry.id);
  const heading = el('h3', entry.id);
  if (studio.content?.changed?.faq.includes(entry.id))
    heading.appendChild(el('span', t('studio.texts.changed'), 'badge badge-changed'));
  li.appendChild(heading);
  const questions = el('ul', null, 'examples');
  for (const question of entry.questions) questions.appendChild(el('li', question, 'example'));
  li.appendChild(questions);
  li.appendChild(el('p', entry.answer, 'ticket-text'));
  const edit = button(t('studio.faq.edit'), () => {
    const form = fields();
    form.id.value = entry.id;
    form.id.readOnly = true;
    form.questions.value = entry.questions.join('\n');
    form.answer.value = entry.answer;
    form.questions.focus();
  });
  edit.setAttribute('aria-label', t('studio.faq.editLabel', { id: entry.id }));
  const remove = button(t('studio.faq.delete'), () => void deleteFaq(entry.id));
  remove.setAttribute('aria-label', t('studio.faq.deleteLabel', { id: entry.id }));
  li.appendChild(edit);
  li.appendChild(document.createTextNode(' '));
  li.appendChild(remove);
  return li;
}

function resetFaqForm() {
  const form = fields();
  form.id.value = '';
  form.id.readOnly = false;
  form.questions.value = '';
  form.answer.value = '';
  showProblems(byId('studio-faq-problems'), []);
}

/**
 * Deleting is undone from the history (revert), so it asks nothing.
 * @param {string} id
 */
async function deleteFaq(id) {
  studioError('');
  try {
    await api('DELETE', `content/${encodeURIComponent(studio.locale)}/faq/${encodeURIComponent(id)}`);
    if (fields().id.value === id) resetFaqForm();
    await reloadStudio();
    say(t('studio.faq.deleted', { id }));
  } catch (error) {
    studioError(messageOf(error));
  }
}

async function saveFaq() {
  studioError('');
  const form = fields();
  const problems = byId('studio-faq-problems');
  showProblems(problems, []);
  const id = form.id.value.trim();
  const body = {
    questions: form.questions.value
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
    answer: form.answer.value.trim(),
  };
  try {
    await api('PUT', `content/${encodeURIComponent(studio.locale)}/faq/${encodeURIComponent(id)}`, body);
    resetFaqForm();
    await reloadStudio();
    say(t('studio.faq.saved', { id }));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 422 || error.status === 400)) {
      showProblems(problems, error.problems.length ? error.problems : [error.message]);
    } else studioError(messageOf(error));
  }
}

export function startStudioFaq() {
  byId('studio-faq-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void saveFaq();
  });
  byId('studio-faq-new').addEventListener('click', () => {
    resetFaqForm();
    fields().id.focus();
  });
  onStudioLoaded(renderFaq);
  onStudioForgotten(() => {
    resetFaqForm();
    clear(byId('studio-faq-list'));
  });
}
