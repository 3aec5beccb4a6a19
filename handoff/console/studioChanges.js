// @ts-check
/** Studio · Changes: who changed what in a locale and when, newest first, each one revertible. */
import { api, messageOf } from './api.js';
import { byId, button, clear, el, say } from './dom.js';
import { dateTime, has, t } from './i18n.js';
import {
  onStudioForgotten,
  onStudioLoaded,
  reloadStudio,
  studio,
  studioError,
  valueText,
} from './studioState.js';

/** @typedef {import('./types.js').ContentChange} ContentChange */

/** @param {string} kind */
function kindWords(kind) {
  return has(`studio.kind.${kind}`) ? t(`studio.kind.${kind}`) : kind;
}

function renderChanges() {
  const list = byId('studio-change-list');
  clear(list);
  byId('studio-change-empty').hidden = studio.changes.length > 0;
  for (const change of studio.changes) list.appendChild(changeItem(change));
}

/** @param {ContentChange} change */
function changeItem(change) {
  const li = el('li', null, 'ticket');
  li.setAttribute('data-change', String(change.id));
  li.appendChild(el('h3', `${kindWords(change.kind)} · ${change.key}`));
  li.appendChild(
    el(
      'p',
      t('studio.changes.who', { actor: change.actor, at: dateTime(change.at), locale: change.locale }),
      'muted',
    ),
  );
  const values = el('dl');
  values.appendChild(el('dt', t('studio.changes.before')));
  values.appendChild(el('dd', valueText(change.before) || t('studio.changes.nothing')));
  values.appendChild(el('dt', t('studio.changes.after')));
  values.appendChild(el('dd', valueText(change.after) || t('studio.changes.nothing')));
  li.appendChild(values);
  const revert = button(t('studio.changes.revert'), () => void revertChange(change));
  revert.setAttribute(
    'aria-label',
    t('studio.changes.revertLabel', { kind: kindWords(change.kind), key: change.key }),
  );
  li.appendChild(revert);
  return li;
}

/** @param {ContentChange} change */
async function revertChange(change) {
  studioError('');
  try {
    await api('POST', `content/history/${change.id}/revert`);
    await reloadStudio();
    say(t('studio.changes.reverted', { kind: kindWords(change.kind), key: change.key }));
    byId('studio-changes-title').focus();
  } catch (error) {
    studioError(messageOf(error));
  }
}

export function startStudioChanges() {
  onStudioLoaded(renderChanges);
  onStudioForgotten(() => clear(byId('studio-change-list')));
}
