/**
 * The codes a case carries (why the bot handed over, how the case ended) as English words, so
 * agents never read `notUnderstood`. The console page translates the codes itself from its own
 * bundles (`handoff/console/i18n/`); these words are what API clients read and the page's
 * fallback for a code its bundle does not know yet.
 */

/** Why the bot handed over (`HandoffCase.reason`). */
const REASON_WORDS: Record<string, string> = {
  customerAsked: 'Customer asked for a person',
  notUnderstood: 'Bot did not understand the customer',
  backendDown: "Shop's systems unreachable",
  verificationLocked: 'Too many failed verifications',
  notEligible: 'Nothing returnable under the policy',
  returnRefused: 'Shop refused the return',
  noSlots: 'No free appointment slot',
  negativeSentiment: 'Customer seemed upset',
};

/** How a case ended (`HandoffCase.disposition`). */
const OUTCOME_WORDS: Record<string, string> = {
  resolved: 'Resolved',
  notResolved: 'Not resolved',
  spam: 'Spam',
  other: 'Other',
  cancelledByCustomer: 'Customer left the queue',
  completed: 'Completed by the agent hub',
  failed: 'Agent hub failed',
};

/** Splits `camelCase` into words, for a code this file does not know yet. */
const spelledOut = (code: string): string => {
  const words = code.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Why the bot handed over, in words. */
export function reasonWords(reason: string): string {
  return REASON_WORDS[reason] ?? spelledOut(reason);
}

/** How a case ended, in words; `customerUnreachable:<why>` names the why. */
export function outcomeWords(disposition: string): string {
  const unreachable = /^customerUnreachable:(.+)$/.exec(disposition);
  if (unreachable) return `Customer unreachable (${spelledOut(unreachable[1] ?? '').toLowerCase()})`;
  return OUTCOME_WORDS[disposition] ?? spelledOut(disposition);
}
