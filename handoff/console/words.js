// @ts-check
/**
 * The codes cases carry (topic, why the bot handed over, how it ended, who wrote a line) in the
 * console's language. The server sends English words too (consoleWords.ts); they are the
 * fallback for a code this bundle does not know yet.
 */
import { has, t } from './i18n.js';

/**
 * @param {string | null | undefined} topic
 */
export function topicName(topic) {
  if (!topic) return '';
  return has(`topic.${topic}`) ? t(`topic.${topic}`) : topic;
}

/**
 * @param {string | null | undefined} reason
 * @param {string | null | undefined} serverWords
 */
export function reasonWords(reason, serverWords) {
  if (!reason) return serverWords ?? '';
  return has(`reason.${reason}`) ? t(`reason.${reason}`) : (serverWords ?? reason);
}

/**
 * @param {string | null | undefined} disposition
 * @param {string | null | undefined} serverWords
 */
export function outcomeWords(disposition, serverWords) {
  if (!disposition) return serverWords ?? '';
  if (has(`outcome.${disposition}`)) return t(`outcome.${disposition}`);
  if (disposition.startsWith('customerUnreachable:')) {
    return t('outcome.customerUnreachable', { why: disposition.slice('customerUnreachable:'.length) });
  }
  return serverWords ?? disposition;
}

/** @param {string} role */
export function lineRole(role) {
  return has(`role.${role}`) ? t(`role.${role}`) : role;
}

/**
 * How long someone has waited.
 * @param {number} seconds
 */
export function waited(seconds) {
  const minutes = Math.floor(seconds / 60);
  return minutes < 1 ? t('time.underOneMinute') : t('time.minutes', { minutes });
}
