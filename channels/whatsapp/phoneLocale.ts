/**
 * A language hint from a WhatsApp number's country calling code, for customers who have not
 * chosen a language: a number from Spain or Mexico most likely reads Spanish. Only locales the
 * bot speaks are hinted; anything else falls back to `DEFAULT_LOCALE`.
 */

/** Calling codes (longest first when they share a prefix) → language. */
const CALLING_CODES: readonly (readonly [string, string])[] = [
  // NANP numbers whose country speaks Spanish: Dominican Republic, Puerto Rico.
  ['1809', 'es'],
  ['1829', 'es'],
  ['1849', 'es'],
  ['1787', 'es'],
  ['1939', 'es'],
  ['240', 'es'],
  ['502', 'es'],
  ['503', 'es'],
  ['504', 'es'],
  ['505', 'es'],
  ['506', 'es'],
  ['507', 'es'],
  ['591', 'es'],
  ['593', 'es'],
  ['595', 'es'],
  ['598', 'es'],
  ['353', 'en'],
  ['34', 'es'],
  ['51', 'es'],
  ['52', 'es'],
  ['53', 'es'],
  ['54', 'es'],
  ['56', 'es'],
  ['57', 'es'],
  ['58', 'es'],
  ['44', 'en'],
  ['61', 'en'],
  ['64', 'en'],
  ['27', 'en'],
  ['1', 'en'],
];

/**
 * The language a number's country suggests (`34600111222` → `es`), or undefined.
 * @param phone digits of an international number, with or without a leading `+`.
 */
export function localeForPhone(phone: string): string | undefined {
  const digits = phone.replace(/\D/g, '');
  return CALLING_CODES.find(([code]) => digits.startsWith(code))?.[1];
}
