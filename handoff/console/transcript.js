// @ts-check
/** One transcript line as the case view and the history show it (text only, never HTML). */
import { el } from './dom.js';
import { shortTime } from './i18n.js';
import { lineRole } from './words.js';

/**
 * @param {import('./types.js').TranscriptLine} line
 * @param {string | null | undefined} customerName
 */
export function transcriptLine(line, customerName) {
  const li = el('li', null, `line line-${line.role}`);
  const who =
    line.role === 'agent' && line.agentName
      ? line.agentName
      : line.role === 'customer' && customerName
        ? customerName
        : lineRole(line.role);
  li.appendChild(el('span', `${who} · ${shortTime(line.at)}`, 'line-meta'));
  li.appendChild(el('span', line.text, 'line-text'));
  return li;
}
