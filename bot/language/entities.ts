/** Something the customer named in a message that a dialog can use without asking for it. */
export interface Entity {
  type: 'orderNumber' | 'bookingReference' | 'email' | 'phone' | 'date' | 'appointmentAction';
  /**
   * Normalized: order numbers `SB-10001`, references `BK-7Q4M2X`, emails lower-cased, phones as
   * typed; a date as the words that name it ("next Tuesday", read in the shop's calendar by the
   * dialog that uses it); an appointment action `book`, `reschedule` or `cancel`.
   */
  value: string;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
/** 7 to 15 digits with the usual separators, optionally international. */
const PHONE = /(?:\+|\(\s*)?(?<![\p{L}\p{N}-])\d(?:[\s().-]{0,2}\d){6,14}(?![\p{L}\p{N}])/gu;

/**
 * A letter or digit that belongs to the same word as a reference beside it. NOTE: Chinese (and
 * Japanese, Korean) is written without spaces, so a reference touching those characters
 * ("我的订单是sb10001谢谢") still stands alone: they are letters to Unicode but not to a reference.
 */
const WORD_CHAR =
  '(?:(?![\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}])[\\p{L}\\p{N}])';
const BEFORE = `(?:^|(?!${WORD_CHAR})[\\s\\S])`;
const AFTER = `(?!${WORD_CHAR})`;
const ORDER_JOINED = new RegExp(`${BEFORE}#?([A-Za-z]{1,4})-?(\\d{4,12})${AFTER}`, 'u');
const ORDER_SPACED = new RegExp(`${BEFORE}([A-Z]{1,4})\\s(\\d{4,12})${AFTER}`, 'u');
const ORDER_BARE = new RegExp(`(?:^|(?!${WORD_CHAR}|-)[\\s\\S])#?(\\d{5,12})${AFTER}`, 'u');
const BOOKING_REFERENCE = new RegExp(`${BEFORE}BK[-\\s]?([A-Z0-9]{6})${AFTER}`, 'iu');

/**
 * Order numbers as shops print them: a letter prefix and digits (`SB-10001`, `sb10001`, `SB 10001`),
 * or a bare number of 5 digits or more. Returns the number upper-cased with a dash, or undefined.
 */
export function parseOrderNumber(text: string): string | undefined {
  const joined = ORDER_JOINED.exec(text);
  // A space between prefix and digits only counts for an upper-case prefix, so "is 10001" isn't "IS-10001".
  const spaced = ORDER_SPACED.exec(text);
  const prefixed = joined ?? spaced;
  if (prefixed?.[1] && prefixed[2]) return `${prefixed[1].toUpperCase()}-${prefixed[2]}`;
  return ORDER_BARE.exec(text)?.[1];
}

/** A booking reference such as `BK-7Q4M2X` (also `bk7q4m2x`, `BK 7Q4M2X`), upper-cased with a dash. */
export function parseBookingReference(text: string): string | undefined {
  const match = BOOKING_REFERENCE.exec(text);
  return match?.[1] ? `BK-${match[1].toUpperCase()}` : undefined;
}

/**
 * NOTE: Chinese is written without spaces, and Han characters are letters to the patterns'
 * boundaries, so "订单SB-10001" would hide its number; a space between Han and Latin or digits
 * restores the boundary.
 */
function spaceHan(text: string): string {
  return text.replace(/(\p{Script=Han})(?=[A-Za-z0-9+#])|([A-Za-z0-9])(?=\p{Script=Han})/gu, '$1$2 ');
}

/**
 * The order numbers, booking references, emails and phone numbers in `text`, in that order, each
 * once. The same in every locale: these are written the same way in all five languages.
 */
export function extractEntities(text: string): Entity[] {
  const spaced = spaceHan(text);
  const entities: Entity[] = [];
  const emails = [...spaced.matchAll(EMAIL)].map((match) => match[0]);
  // What an email or reference contains is not looked at again as a number.
  let rest = spaced.replace(EMAIL, ' ');
  const reference = parseBookingReference(rest);
  if (reference) {
    rest = rest.replace(/BK[-\s]?[A-Z0-9]{6}/i, ' ');
  }
  const order = parseOrderNumber(rest);
  if (order) entities.push({ type: 'orderNumber', value: order });
  if (reference) entities.push({ type: 'bookingReference', value: reference });
  for (const email of new Set(emails)) entities.push({ type: 'email', value: email.toLowerCase() });
  const digitsOfOrder = order?.replace(/\D/g, '');
  for (const match of rest.matchAll(PHONE)) {
    const phone = match[0].trim();
    const digits = phone.replace(/\D/g, '');
    if (digits === digitsOfOrder) continue;
    if (!entities.some((entity) => entity.type === 'phone' && entity.value === phone)) {
      entities.push({ type: 'phone', value: phone });
    }
  }
  return entities;
}

/**
 * The text with every entity replaced by a word naming its kind, so "SB-10001" and "SB-20417"
 * count as the same thing to a classifier, and other digits become `number`.
 */
export function maskEntities(text: string): string {
  return spaceHan(text)
    .replace(EMAIL, ' emailaddress ')
    .replace(/(?:^|(?<=[^\p{L}\p{N}]))BK[-\s]?[A-Z0-9]{6}(?![\p{L}\p{N}])/giu, ' bookingref ')
    .replace(/(?:^|(?<=[^\p{L}\p{N}]))#?[A-Za-z]{1,4}-?\d{4,12}(?![\p{L}\p{N}])/gu, ' ordernumber ')
    .replace(PHONE, ' phonenumber ')
    .replace(/\d{5,12}/g, ' ordernumber ')
    .replace(/\d+/g, ' number ');
}
