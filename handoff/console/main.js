// @ts-check
/**
 * The agent console: login, the views and the live events. Loaded as an ES module; the server
 * lists each file's hash in the Content-Security-Policy and in the page's import map.
 */
import { api, messageOf, onSessionLost, setCsrfToken } from './api.js';
import { renderCannedTexts, refreshCannedList, startCannedReplies } from './cannedReplies.js';
import { loadCase, renderCaseTexts, selectedCaseId, showCase, startCaseView } from './caseView.js';
import { forgetChannels, refreshChannels, renderChannels } from './channels.js';
import { byId, el, say } from './dom.js';
import { connect, disconnect } from './events.js';
import { searchHistory, startHistory } from './history.js';
import {
  LOCALES,
  LOCALE_NAMES,
  currentLocale,
  isLocale,
  onLocaleChange,
  setLocale,
  startI18n,
  t,
} from './i18n.js';
import { canReadInsights, leaveInsights, showInsights, startInsights } from './insights.js';
import { registerPanel, showPanel, shownPanel } from './panels.js';
import { clearQueue, markUnread, refreshQueue, renderQueue } from './queue.js';
import { canEditContent, session } from './session.js';
import { leaveStudio, showStudio, startStudio } from './studio.js';
import { loadTeams, renderTeams } from './teams.js';
import { refreshTickets, startTickets } from './tickets.js';

/** @typedef {import('./types.js').Session} Session */

/** @type {ReturnType<typeof setInterval> | null} */
let queueTimer = null;
/** @type {ReturnType<typeof setInterval> | null} */
let channelsTimer = null;

function stopTimers() {
  if (queueTimer) clearInterval(queueTimer);
  if (channelsTimer) clearInterval(channelsTimer);
  queueTimer = null;
  channelsTimer = null;
}

/** @param {string} message why the login form shows (empty at first) */
function showLogin(message) {
  session.loggedIn = false;
  session.me = null;
  setCsrfToken(null);
  disconnect();
  stopTimers();
  clearQueue();
  forgetChannels();
  leaveStudio();
  leaveInsights();
  byId('channels-panel').hidden = true;
  byId('app-view').hidden = true;
  byId('whoami').hidden = true;
  byId('login-view').hidden = false;
  byId('login-error').textContent = message;
  byId('login-username').focus();
}

function renderWhoami() {
  const agent = session.me;
  if (agent)
    byId('agent-name').textContent = t('header.whoami', { name: agent.name, role: t(`roles.${agent.role}`) });
}

function listen() {
  connect({
    onOpen: () => {
      say('');
      void refreshQueue();
      const id = selectedCaseId();
      if (id !== null) void loadCase(id);
    },
    onMessage: (message) => {
      const id = selectedCaseId();
      if (message.type === 'changed') {
        void refreshQueue();
        if (id !== null && id === message.caseId) void loadCase(id);
      } else if (message.type === 'customerMessage' && message.caseId !== undefined) {
        if (id === message.caseId) void loadCase(id);
        else {
          markUnread(message.caseId);
          void refreshQueue();
        }
      } else if (message.type === 'ticket') {
        if (!byId('tickets-panel').hidden) void refreshTickets();
        else say(t('events.ticket'));
      }
    },
    onSessionEnded: () => showLogin(t('login.sessionEnded')),
    onLost: () => say(t('events.lost')),
  });
}

/** @param {Session} data */
function showApp(data) {
  session.me = data.agent;
  session.loggedIn = true;
  setCsrfToken(data.csrfToken);
  byId('login-view').hidden = true;
  byId('app-view').hidden = false;
  byId('whoami').hidden = false;
  renderWhoami();
  void loadTeams();
  void refreshQueue();
  listen();
  if (!queueTimer) queueTimer = setInterval(() => void refreshQueue(), 30000);
  const admin = data.agent.role === 'admin';
  byId('channels-panel').hidden = !admin;
  byId('tab-canned').hidden = !canEditContent();
  byId('tab-studio').hidden = !canEditContent();
  byId('tab-insights').hidden = !canReadInsights();
  if (admin) {
    void refreshChannels();
    // While a channel waits to be linked its code changes every few seconds.
    if (!channelsTimer) channelsTimer = setInterval(() => void refreshChannels(), 5000);
  }
}

function startLogin() {
  byId('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    byId('login-error').textContent = '';
    const submit = byId('login-submit', HTMLButtonElement);
    const password = byId('login-password', HTMLInputElement);
    submit.disabled = true;
    api('POST', 'login', {
      username: byId('login-username', HTMLInputElement).value,
      password: password.value,
    })
      .then((/** @type {Session} */ data) => {
        password.value = '';
        showPanel('queue', { quiet: true });
        showApp(data);
        byId('queue-title').focus();
      })
      .catch((error) => {
        byId('login-error').textContent = messageOf(error);
      })
      .finally(() => {
        submit.disabled = false;
      });
  });

  byId('logout').addEventListener('click', () => {
    disconnect();
    api('POST', 'logout')
      .catch(() => undefined)
      .then(() => {
        showCase(null);
        showLogin(t('login.loggedOut'));
      });
  });
  onSessionLost(() => {
    if (session.loggedIn) showLogin(t('login.sessionEnded'));
  });
}

/** The header's language picker: the console's own texts, not the content being edited. */
function startLanguagePicker() {
  const picker = byId('console-locale', HTMLSelectElement);
  for (const locale of LOCALES) {
    const option = el('option', LOCALE_NAMES[locale]);
    option.value = locale;
    option.lang = locale;
    picker.appendChild(option);
  }
  picker.value = currentLocale();
  picker.addEventListener('change', () => {
    if (isLocale(picker.value)) setLocale(picker.value, true).catch((error) => say(messageOf(error)));
  });
  onLocaleChange(() => {
    picker.value = currentLocale();
    if (!session.loggedIn) return;
    renderWhoami();
    renderQueue();
    renderCaseTexts();
    renderCannedTexts();
    renderTeams();
    renderChannels();
    // The view showing reloads its lists in the new language.
    const view = shownPanel();
    if (view !== 'queue') showPanel(view);
  });
}

async function start() {
  registerPanel('queue', { panelId: 'work-panel', tabId: 'tab-queue' });
  registerPanel('tickets', {
    panelId: 'tickets-panel',
    tabId: 'tab-tickets',
    onShow: () => void refreshTickets(),
  });
  registerPanel('history', {
    panelId: 'history-panel',
    tabId: 'tab-history',
    onShow: () => void searchHistory(),
  });
  registerPanel('canned', {
    panelId: 'canned-panel',
    tabId: 'tab-canned',
    onShow: () => void refreshCannedList(),
  });
  registerPanel('studio', { panelId: 'studio-panel', tabId: 'tab-studio', onShow: showStudio });
  registerPanel('insights', { panelId: 'insights-panel', tabId: 'tab-insights', onShow: showInsights });
  startLogin();
  startCaseView();
  startTickets();
  startHistory();
  startCannedReplies();
  startStudio();
  startInsights();
  try {
    await startI18n();
  } catch (error) {
    // The English in the page itself still reads; say why the language did not apply.
    say(messageOf(error));
  }
  startLanguagePicker();
  try {
    showApp(/** @type {Session} */ (await api('GET', 'me')));
  } catch {
    showLogin('');
  }
}

void start();
