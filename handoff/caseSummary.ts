/**
 * The summary an agent reads before answering a case: a few plain-English lines built from the
 * case and its transcript. English only: the console is for staff.
 */
import type { CaseDigest } from './caseDigest';
import type { HandoffCase, TranscriptLine } from './handoffStore';

/** Why the bot handed over (`HandoffCase.reason`), as the agent reads it. */
const REASONS: Record<string, string> = {
  customerAsked: 'the customer asked for a person',
  notUnderstood: 'the bot did not understand the customer after several tries',
  backendDown: "the shop's systems could not be reached",
  verificationLocked: 'the customer failed order verification too many times',
  notEligible: 'nothing the customer chose can be returned under the policy',
  returnRefused: 'the shop refused to create the return',
  noSlots: 'no appointment slot was free',
  negativeSentiment: 'the customer seemed upset',
};

/** The task the customer was in (`HandoffCase.topic`), as the agent reads it. */
const TOPICS: Record<string, string> = {
  orderStatus: 'order status',
  returnItem: 'a return',
  appointment: 'an appointment',
  humanAgent: 'talking to a person',
  none: 'no task in progress',
};

/** Collected facts worth a line of their own, in the order agents look for them. */
const KEY_FACTS: [key: string, label: string][] = [
  ['orderNumber', 'Order'],
  ['rma', 'Return (RMA)'],
  ['bookingReference', 'Booking'],
];
/** Internal bookkeeping of the dialogs, not facts about the customer's problem. */
const SKIPPED_FACTS = new Set(['orderVerified', 'verifiedBy', 'verifiedOrders', 'handoffReason']);
const MAX_QUOTE_CHARS = 300;

const minutes = (ms: number): string => {
  const whole = Math.floor(ms / 60_000);
  return whole < 1 ? 'less than a minute' : whole === 1 ? '1 minute' : `${whole} minutes`;
};

function factText(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) {
    return value.length === 0 ? undefined : value.join(', ');
  }
  return undefined;
}

const quoted = (text: string): string =>
  `"${text.length > MAX_QUOTE_CHARS ? `${text.slice(0, MAX_QUOTE_CHARS)}…` : text}"`;

/** The digest's lines: the reason in the customer's words, the key sentences, the mood's trend. */
function digestLines(digest: CaseDigest): string[] {
  const lines: string[] = [];
  if (digest.contactReason)
    lines.push(`Reason for contact, in the customer's words: ${quoted(digest.contactReason)}`);
  if (digest.azure && digest.azure.length > 0)
    lines.push(`Summary (Azure AI Language): ${digest.azure.map(quoted).join(' ')}`);
  else if (digest.keySentences.length > 0)
    lines.push(`Also said: ${digest.keySentences.map(quoted).join(' ')}`);
  const { trend } = digest;
  if (trend)
    lines.push(
      `Mood: ${trend.direction} (negative sentiment ${trend.first.toFixed(2)} at first, ${trend.last.toFixed(2)} last, ${trend.peak.toFixed(2)} at worst).`,
    );
  return lines;
}

/**
 * A few plain-English lines for the agent who opens a case: who, how long, why the bot handed
 * over, the task, the key facts the bot collected (order, RMA, booking), mood and the last
 * thing the customer said; with a `digest`, also the reason for contact in the customer's
 * words, the key sentences (or Azure AI Language's summary) and the trend of their mood.
 * English only: the console is for staff.
 */
export function summarizeCase(
  handoffCase: HandoffCase,
  transcript: readonly TranscriptLine[],
  now: number,
  digest?: CaseDigest,
): string {
  const lines: string[] = [];
  const who = handoffCase.customerName ?? 'The customer';
  const where = `${handoffCase.channelId}, ${handoffCase.locale}`;
  if (handoffCase.state === 'queued') {
    lines.push(
      `${who} (${where}) has waited ${minutes(now - handoffCase.queuedAt)} in the ${handoffCase.team} queue.`,
    );
  } else if (handoffCase.state === 'withAgent') {
    lines.push(`${who} (${where}) is talking to an agent of ${handoffCase.team}.`);
  } else {
    lines.push(`${who} (${where}): the case ended (${handoffCase.disposition ?? 'no disposition'}).`);
  }
  lines.push(`Handed over because ${REASONS[handoffCase.reason] ?? `of "${handoffCase.reason}"`}.`);
  lines.push(`Topic: ${TOPICS[handoffCase.topic] ?? handoffCase.topic}.`);

  const collected = handoffCase.collected;
  for (const [key, label] of KEY_FACTS) {
    const text = factText(collected[key]);
    if (text === undefined) continue;
    const verified =
      key === 'orderNumber' && collected.orderVerified === true
        ? ` (ownership verified${typeof collected.verifiedBy === 'string' ? ` by ${collected.verifiedBy}` : ''})`
        : key === 'orderNumber'
          ? ' (ownership not verified)'
          : '';
    lines.push(`${label}: ${text}${verified}.`);
  }
  const others = Object.entries(collected)
    .filter(([key]) => !SKIPPED_FACTS.has(key) && !KEY_FACTS.some(([known]) => known === key))
    .map(([key, value]) => [key, factText(value)] as const)
    .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
    .slice(0, 5);
  if (others.length > 0)
    lines.push(`Also collected: ${others.map(([key, text]) => `${key} ${text}`).join('; ')}.`);

  if (handoffCase.sentiment !== undefined && handoffCase.sentiment >= 0.5) {
    lines.push(`The customer seems upset (negative sentiment ${handoffCase.sentiment.toFixed(2)}).`);
  }
  if (handoffCase.tags.length > 0) lines.push(`Tags: ${handoffCase.tags.join(', ')}.`);
  if (digest) lines.push(...digestLines(digest));
  const last = [...transcript].reverse().find((line) => line.role === 'customer');
  if (last) {
    const quote = last.text.length > MAX_QUOTE_CHARS ? `${last.text.slice(0, MAX_QUOTE_CHARS)}…` : last.text;
    lines.push(`Last customer message: "${quote}"`);
  } else {
    lines.push('The customer has not written anything yet.');
  }
  return lines.join('\n');
}
