/**
 * Canned replies: texts leads write once per locale and team, which agents insert into their
 * reply with `/name` and which are filled with the case's data before the agent sends them.
 */
import type { HandoffCase } from './handoffStore';

/** The placeholders a canned reply may use, each filled from the case or the agent. */
export const CANNED_REPLY_PLACEHOLDERS = [
  'customerName',
  'orderNumber',
  'rma',
  'bookingReference',
  'agentName',
] as const;
export type CannedReplyPlaceholder = (typeof CANNED_REPLY_PLACEHOLDERS)[number];

/** A name typed after `/`: a letter or digit, then letters, digits, `-` or `_`, at most 40. */
export const CANNED_REPLY_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** Longest canned reply, as the longest agent reply. */
export const MAX_CANNED_REPLY_CHARS = 4000;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders of `text` that are not in {@link CANNED_REPLY_PLACEHOLDERS}, each once. */
export function unknownPlaceholders(text: string): string[] {
  const known = new Set<string>(CANNED_REPLY_PLACEHOLDERS);
  const unknown = [...text.matchAll(PLACEHOLDER)]
    .map((match) => match[1] ?? '')
    .filter((name) => !known.has(name));
  return [...new Set(unknown)];
}

/** What the placeholders stand for in one case, for one agent; a value the case lacks is absent. */
export function placeholderValues(
  handoffCase: HandoffCase,
  agentName: string,
): Partial<Record<CannedReplyPlaceholder, string>> {
  const collected = (key: string): string | undefined => {
    const value = handoffCase.collected[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const values: Partial<Record<CannedReplyPlaceholder, string>> = { agentName };
  if (handoffCase.customerName) values.customerName = handoffCase.customerName;
  for (const key of ['orderNumber', 'rma', 'bookingReference'] as const) {
    const value = collected(key);
    if (value !== undefined) values[key] = value;
  }
  return values;
}

/**
 * `text` with its placeholders filled. A placeholder whose value the case lacks stays as it is
 * (and is listed in `missing`), so the agent sees what to fill in before sending.
 */
export function fillCannedReply(
  text: string,
  values: Partial<Record<CannedReplyPlaceholder, string>>,
): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const filled = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name as CannedReplyPlaceholder];
    if (value === undefined) missing.add(name);
    return value ?? whole;
  });
  return { text: filled, missing: [...missing] };
}
