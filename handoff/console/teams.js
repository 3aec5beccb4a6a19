// @ts-check
/** The teams, for the transfer form and the canned reply form. */
import { api } from './api.js';
import { byId, clear, el } from './dom.js';
import { t } from './i18n.js';

/** @type {import('./types.js').Team[]} */
let teams = [];

export async function loadTeams() {
  try {
    teams = /** @type {{ teams: import('./types.js').Team[] }} */ (await api('GET', 'teams')).teams;
  } catch {
    return;
  }
  renderTeams();
}

/** Fills the team pickers (again after the language changed, for "(closed)"). */
export function renderTeams() {
  const transfer = byId('transfer-team', HTMLSelectElement);
  const canned = byId('canned-team', HTMLSelectElement);
  const chosen = [transfer.value, canned.value];
  clear(transfer);
  clear(canned);
  for (const team of teams) {
    const option = el('option', team.open ? team.name : t('teams.closed', { name: team.name }));
    option.value = team.id;
    transfer.appendChild(option);
    const cannedOption = el('option', team.name);
    cannedOption.value = team.id;
    canned.appendChild(cannedOption);
  }
  if (chosen[0]) transfer.value = chosen[0];
  if (chosen[1]) canned.value = chosen[1];
}
