/**
 * IBAN lengths by country (ISO 13616 registry): a candidate is only an IBAN when it has its
 * country's exact length, so the text after it is never swallowed into it.
 */
// prettier-ignore
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/** Where an IBAN may start: a country code and two check digits. */
const IBAN_START = /[A-Za-z]{2}\d{2}/g;
const ALPHANUMERIC = /[A-Za-z0-9]/;
/**
 * What may stand between two groups of an IBAN as people type or paste it ("ES91 2100 …",
 * "ES91-2100-…", "DE89 / 3704 …", tabs, no-break and narrow no-break spaces, dots).
 */
const SEPARATOR = /[\s\u00a0\u2007\u202f./-]/u;
/** At most this many separator characters in a row ("DE89 - 3704"). */
const MAX_SEPARATOR_RUN = 3;
const WORD_CHARACTER = /[\p{L}\p{N}_]/u;

/** ISO 7064 mod 97-10 over an IBAN without separators (uppercase): valid when the remainder is 1. */
export function passesIbanChecksum(compact: string): boolean {
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const value = Number.parseInt(character, 36);
    if (Number.isNaN(value)) return false;
    // Letters count as two digits (A = 10 … Z = 35); the remainder is folded in as we go.
    remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

/** The end (exclusive) of a valid IBAN starting at `start`, or undefined when there is none. */
function ibanEnd(text: string, start: number): number | undefined {
  const length = IBAN_LENGTHS[text.slice(start, start + 2).toUpperCase()];
  if (length === undefined) return undefined;
  let compact = '';
  let index = start;
  while (compact.length < length && index < text.length) {
    const character = text[index] ?? '';
    if (ALPHANUMERIC.test(character)) {
      compact += character;
      index += 1;
    } else if (compact.length >= 4 && SEPARATOR.test(character)) {
      let run = 1;
      while (run < MAX_SEPARATOR_RUN && SEPARATOR.test(text[index + run] ?? '')) run += 1;
      if (!ALPHANUMERIC.test(text[index + run] ?? '')) return undefined;
      index += run;
    } else {
      return undefined;
    }
  }
  if (compact.length < length || WORD_CHARACTER.test(text[index] ?? '')) return undefined;
  return passesIbanChecksum(compact.toUpperCase()) ? index : undefined;
}

/**
 * Replaces every IBAN in `text` (any registered country, upper or lower case, written with or
 * without spaces or dashes) that passes its mod-97 checksum with `replacement`.
 */
export function replaceIbans(text: string, replacement: string): string {
  let result = '';
  let copiedUntil = 0;
  IBAN_START.lastIndex = 0;
  for (let match = IBAN_START.exec(text); match; match = IBAN_START.exec(text)) {
    const start = match.index;
    if (start > 0 && WORD_CHARACTER.test(text[start - 1] ?? '')) continue;
    const end = ibanEnd(text, start);
    if (end === undefined) continue;
    result += text.slice(copiedUntil, start) + replacement;
    copiedUntil = end;
    IBAN_START.lastIndex = end;
  }
  return result + text.slice(copiedUntil);
}
