// @ts-check
/** One case: its facts, summary and live transcript, and what the agent can do with it. */
import { api, messageOf, statusOf } from './api.js';
import {
  forgetCannedReplies,
  handlePickerKey,
  loadCannedReplies,
  updateCannedPicker,
} from './cannedReplies.js';
import { byId, clear, el, fact, say } from './dom.js';
import { shortTime, t } from './i18n.js';
import { refreshQueue } from './queue.js';
import { me } from './session.js';
import { transcriptLine } from './transcript.js';
import { outcomeWords, reasonWords, topicName, waited } from './words.js';

/** @typedef {import('./types.js').CaseDetail} CaseDetail */
/** @typedef {import('./types.js').CaseItem} CaseItem */

/** Typing indicators go out at most this often while the agent types. */
const TYPING_EVERY_MS = 3000;
/** How close (px) to the end of the transcript still counts as reading the newest message. */
const AT_END_PX = 32;

/** @type {CaseDetail | null} */
let selected = null;
let lastLineId = 0;
let lastTyping = 0;

/** @param {string} text */
function caseError(text) {
  byId('case-error').textContent = text;
}

/** The id of the case on screen, if any. */
export function selectedCaseId() {
  return selected ? selected.case.id : null;
}

/**
 * Loads a case and shows it; `focus` moves the keyboard to its title.
 * @param {number} id
 * @param {boolean} [focus]
 */
export async function loadCase(id, focus) {
  try {
    const data = /** @type {CaseDetail} */ (await api('GET', `cases/${id}`));
    showCase(data);
    if (focus) byId('case-title').focus();
  } catch (error) {
    const status = statusOf(error);
    if (status === 403 || status === 404) {
      showCase(null);
      say(messageOf(error));
      void refreshQueue();
    } else if (status !== 401) caseError(messageOf(error));
  }
}

/** @param {CaseItem} item */
function stateWords(item) {
  if (item.state === 'withAgent') {
    if (item.agentId === me().id) return t('state.withYou');
    return item.agentName ? t('state.withAgent', { name: item.agentName }) : t('state.withSomeAgent');
  }
  return t(`state.${item.state}`);
}

/** @param {number | undefined} sentiment */
function sentimentWords(sentiment) {
  if (sentiment === undefined) return t('sentiment.unknown');
  const mood = sentiment >= 0.5 ? t('sentiment.negative') : t('sentiment.neutral');
  return `${mood} (${Number(sentiment).toFixed(2)})`;
}

/** @param {string} status a delivery status from the customer's channel */
function deliveryWords(status) {
  const words = t(`delivery.${status}`);
  return words === `delivery.${status}` ? status : words;
}

/** @param {CaseDetail} data */
function renderFacts(data) {
  const item = data.case;
  const facts = byId('case-facts');
  clear(facts);
  fact(facts, t('fact.state'), stateWords(item));
  fact(facts, t('fact.channel'), item.channelName || item.channel);
  fact(facts, t('fact.language'), item.locale);
  fact(facts, t('fact.intent'), topicName(item.topic));
  fact(facts, t('fact.team'), item.team);
  fact(facts, t('fact.reason'), reasonWords(item.reason, item.reasonText));
  fact(facts, t('fact.sentiment'), sentimentWords(data.sentiment));
  fact(facts, t('fact.waiting'), waited(item.waitingSeconds));
  if (item.tags && item.tags.length) fact(facts, t('fact.tags'), item.tags.join(', '));
  if (item.disposition) fact(facts, t('fact.outcome'), outcomeWords(item.disposition, item.dispositionText));
  const reports = data.delivery ?? [];
  const lastReport = reports[reports.length - 1];
  if (lastReport) {
    // What the customer's channel last said about our messages; a failure stays visible.
    fact(
      facts,
      t('fact.delivery'),
      t('case.deliveryAt', { status: deliveryWords(lastReport.status), time: shortTime(lastReport.at) }),
    );
    const failure = reports.filter((report) => report.status === 'failed').pop();
    if (failure)
      fact(
        facts,
        t('fact.notDelivered'),
        shortTime(failure.at) + (failure.problem ? `: ${failure.problem}` : ''),
      );
  }
}

/**
 * Shows a case (null: none). Called again with fresh data on every event for it.
 * @param {CaseDetail | null} data
 */
export function showCase(data) {
  const previous = selected;
  selected = data;
  caseError('');
  if (!data) {
    byId('case-title').textContent = t('case.select');
    byId('case-body').hidden = true;
    lastLineId = 0;
    return;
  }
  const item = data.case;
  byId('case-title').textContent = t('case.title', {
    name: item.customerName || t('case.customer'),
    id: item.id,
  });
  byId('case-body').hidden = false;
  renderFacts(data);
  byId('case-summary').textContent = data.summary;
  const collected = byId('case-collected');
  clear(collected);
  for (const [key, value] of Object.entries(data.collected ?? {})) fact(collected, key, value);
  byId('collected-empty').hidden = collected.childNodes.length > 0;

  const transcript = byId('transcript');
  const sameCase = previous !== null && previous.case.id === item.id;
  // NOTE: measured before the new lines go in: an agent who scrolled up to read stays where
  // they are; one reading the newest message keeps following the conversation.
  const following =
    !sameCase || transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight <= AT_END_PX;
  // Only new lines are appended, so the live region announces new messages, not the history.
  if (!sameCase) {
    clear(transcript);
    lastLineId = 0;
  }
  let added = 0;
  for (const line of data.transcript) {
    if (line.id <= lastLineId) continue;
    lastLineId = line.id;
    added += 1;
    const li = transcriptLine(line, item.customerName);
    if (line.redacted && line.role === 'customer') {
      const text = /** @type {HTMLElement} */ (li.querySelector('.line-text'));
      const reveal = el('button', t('case.reveal'), 'reveal');
      reveal.type = 'button';
      reveal.setAttribute('aria-label', t('case.revealLabel', { id: line.id }));
      reveal.addEventListener('click', () => void revealLine(item.id, line, text, reveal));
      li.appendChild(reveal);
    }
    transcript.appendChild(li);
  }
  if (following) {
    transcript.scrollTop = transcript.scrollHeight;
    byId('newer-lines').hidden = true;
  } else if (added > 0) byId('newer-lines').hidden = false;
  byId('transcript-empty').hidden = data.transcript.length > 0;

  const mine = item.state === 'withAgent' && item.agentId === me().id;
  // Only the agent holding the case may reveal; the server checks it too.
  for (const reveal of transcript.querySelectorAll('button.reveal')) {
    if (reveal instanceof HTMLElement) reveal.hidden = !mine || reveal.getAttribute('data-shown') === 'true';
  }
  byId('claim').hidden = item.state !== 'queued';
  if (mine) loadCannedReplies(item.id);
  else forgetCannedReplies();
  byId('reply-form').hidden = !mine;
  byId('transfer-form').hidden = !mine;
  byId('end-form').hidden = item.state === 'ended' || !(mine || me().role !== 'agent');
  for (const entry of document.querySelectorAll('.case-item[data-case-id]')) {
    if (entry.getAttribute('data-case-id') === String(item.id)) entry.setAttribute('aria-current', 'true');
    else entry.removeAttribute('aria-current');
  }
}

/** Draws the case again in the console's new language. */
export function renderCaseTexts() {
  if (!selected) {
    byId('case-title').textContent = t('case.select');
    return;
  }
  const item = selected.case;
  byId('case-title').textContent = t('case.title', {
    name: item.customerName || t('case.customer'),
    id: item.id,
  });
  renderFacts(selected);
}

/**
 * Shows the original of one redacted message until the server's expiry, then the redacted
 * text again. Each reveal is audited by the server.
 * @param {number} caseId
 * @param {import('./types.js').TranscriptLine} line
 * @param {HTMLElement} node
 * @param {HTMLButtonElement} reveal
 */
async function revealLine(caseId, line, node, reveal) {
  caseError('');
  try {
    const data = /** @type {{ text: string, expiresAt: string }} */ (
      await api('POST', `cases/${caseId}/messages/${line.id}/reveal`)
    );
    node.textContent = data.text;
    node.classList.add('revealed');
    reveal.hidden = true;
    reveal.setAttribute('data-shown', 'true');
    const until = new Date(data.expiresAt);
    say(t('case.revealedUntil', { time: until.toLocaleTimeString() }));
    setTimeout(
      () => {
        node.textContent = line.text;
        node.classList.remove('revealed');
        reveal.removeAttribute('data-shown');
        const now = selected;
        reveal.hidden = !(
          now &&
          now.case.id === caseId &&
          now.case.state === 'withAgent' &&
          now.case.agentId === me().id
        );
      },
      Math.max(0, until.getTime() - Date.now()),
    );
  } catch (error) {
    if (statusOf(error) !== 401) caseError(messageOf(error));
  }
}

/**
 * Claim, transfer or end: posts, reports how the customer was reached, reloads.
 * @param {string} path
 * @param {unknown} body
 * @param {string} done what to say when it worked
 */
async function caseAction(path, body, done) {
  if (!selected) return;
  const id = selected.case.id;
  caseError('');
  try {
    const data = /** @type {{ held?: boolean, delivered?: boolean } | undefined} */ (
      await api('POST', `cases/${id}/${path}`, body)
    );
    if (data && data.held) say(t('case.actionHeld'));
    else if (data && data.delivered === false) say(t('case.actionUnreachable'));
    else say(done);
    void refreshQueue();
    await loadCase(id);
  } catch (error) {
    caseError(messageOf(error));
    void refreshQueue();
    void loadCase(id);
  }
}

/** Wires the case view's buttons and forms (once, at start). */
export function startCaseView() {
  const transcript = byId('transcript');
  const newer = byId('newer-lines');
  transcript.addEventListener('scroll', () => {
    if (transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight <= AT_END_PX)
      newer.hidden = true;
  });
  newer.addEventListener('click', () => {
    transcript.scrollTop = transcript.scrollHeight;
    newer.hidden = true;
  });

  const box = byId('reply-text', HTMLTextAreaElement);
  const replyForm = byId('reply-form', HTMLFormElement);
  byId('claim').addEventListener('click', () => {
    void caseAction('claim', undefined, t('case.claimed')).then(() => box.focus());
  });

  replyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = box.value.trim();
    if (!text || !selected) return;
    const send = byId('reply-send', HTMLButtonElement);
    const id = selected.case.id;
    send.disabled = true;
    api('POST', `cases/${id}/messages`, { text })
      .then(async (/** @type {{ held?: boolean } | undefined} */ data) => {
        box.value = '';
        say(data && data.held ? t('reply.held') : t('reply.sent'));
        lastTyping = 0;
        await loadCase(id);
      })
      .catch((error) => caseError(messageOf(error)))
      .finally(() => {
        send.disabled = false;
        box.focus();
      });
  });

  // Enter sends; Shift+Enter starts a new line.
  box.addEventListener('keydown', (event) => {
    if (handlePickerKey(event)) return;
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      replyForm.requestSubmit();
    }
  });

  box.addEventListener('input', () => {
    updateCannedPicker();
    const now = Date.now();
    if (!selected || now - lastTyping < TYPING_EVERY_MS || !box.value) return;
    lastTyping = now;
    api('POST', `cases/${selected.case.id}/typing`).catch(() => undefined);
  });

  byId('transfer-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const agent = byId('transfer-agent', HTMLInputElement);
    const username = agent.value.trim();
    const body = username ? { agent: username } : { team: byId('transfer-team', HTMLSelectElement).value };
    void caseAction('transfer', body, t('case.transferred')).then(() => {
      agent.value = '';
    });
  });

  byId('end-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void caseAction(
      'end',
      { disposition: byId('end-disposition', HTMLSelectElement).value },
      t('case.ended'),
    );
  });
}
