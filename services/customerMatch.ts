import type { CustomerContact } from './types';

/** Which contact detail proved who the customer is. */
export type VerifiedBy = 'email' | 'phone' | 'postcode' | 'channel';

/** Fewest digits a phone number must have to be compared at all. */
const MIN_PHONE_DIGITS = 7;

export function normalizeEmail(text: string): string {
  return text.trim().toLowerCase();
}

export function phoneDigits(text: string): string {
  return text.replace(/\D/g, '');
}

export function normalizePostcode(text: string): string {
  return text.replace(/[\s-]/g, '').toUpperCase();
}

/** True for something shaped like an email address. */
export function looksLikeEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text.trim());
}

/** True for something shaped like a phone number (7 to 15 digits, optional +, spaces, dashes). */
export function looksLikePhone(text: string): boolean {
  const digits = phoneDigits(text);
  return /^\+?[\d\s().-]+$/.test(text.trim()) && digits.length >= MIN_PHONE_DIGITS && digits.length <= 15;
}

/**
 * Two phone numbers match when one ends with the other, so `+34 600 111 222`, `0034600111222`
 * and `600111222` are the same line; both need at least 7 digits.
 */
export function samePhone(a: string, b: string): boolean {
  const x = phoneDigits(a);
  const y = phoneDigits(b);
  if (x.length < MIN_PHONE_DIGITS || y.length < MIN_PHONE_DIGITS) return false;
  return x.endsWith(y) || y.endsWith(x);
}

/**
 * What in `answer` matches the contact on record: the email (case-insensitive), the phone
 * (digits only, see {@link samePhone}) or the postcode (no spaces, any case). Undefined when
 * nothing matches.
 */
export function matchContact(onRecord: CustomerContact, answer: string): VerifiedBy | undefined {
  const text = answer.trim();
  if (!text) return undefined;
  if (onRecord.email && normalizeEmail(text) === normalizeEmail(onRecord.email)) return 'email';
  if (onRecord.postcode && normalizePostcode(text) === normalizePostcode(onRecord.postcode))
    return 'postcode';
  if (onRecord.phone && looksLikePhone(text) && samePhone(text, onRecord.phone)) return 'phone';
  return undefined;
}

/** True when a contact proven by the channel (or earlier in the conversation) matches the record. */
export function identityMatches(
  onRecord: CustomerContact,
  identity: Pick<CustomerContact, 'email' | 'phone'> | undefined,
): boolean {
  if (!identity) return false;
  if (identity.phone && onRecord.phone && samePhone(identity.phone, onRecord.phone)) return true;
  return Boolean(
    identity.email && onRecord.email && normalizeEmail(identity.email) === normalizeEmail(onRecord.email),
  );
}
