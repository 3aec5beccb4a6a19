import { replaceIbans } from './iban';
import { redactPersonalDetails, type KnownPii } from './personalDetails';

export type { KnownPii } from './personalDetails';

/** Hides personal data in text before it is logged or stored in a transcript. */
export interface PiiRedactor {
  /** `known`: names and addresses this customer gave already (profile name, earlier messages). */
  redact(text: string, locale: string, known?: KnownPii): Promise<string>;
}

/**
 * An e-mail address. NOTE: every quantifier is bounded (RFC 5321's 64-character local part and
 * 63-character labels): unbounded ones made a long run of letters or digits without an `@`
 * take quadratic time, and one 100 KB message stalled every channel for seconds.
 */
const EMAIL = /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,8}\.\p{L}{2,63}/gu;
/** 13 to 19 digits, optionally grouped by spaces or dashes. */
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
/** A phone number: 7 or more digits with the usual separators, optionally international. */
const PHONE = /(?:\+|\(\s*)?\b\d(?:[\s().-]{0,2}\d){6,14}\b/g;
/** The same in full-width digits, as Chinese keyboards type them (＋86 １３８ ００１３ ８０００). */
const WIDE_PHONE = /[＋+]?[０-９](?:[\s（）().\-－]{0,2}[０-９]){6,14}/gu;

/**
 * What the patterns above need to find anything, tested first because it costs a fraction of
 * running them (this runs on every customer message and every log line): `@`, an ASCII digit
 * (`\d`, with or without the `u` flag), a full-width digit.
 */
const ASCII_DIGIT = /\d/;
const WIDE_DIGIT = /[０-９]/u;

/** Luhn checksum, so order numbers and other long digit runs are not taken for cards. */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Offline redaction of the personal data customers most often type: e-mail addresses, IBANs,
 * payment card numbers and phone numbers (international and the local forms of the five
 * countries) become `[email]`, `[iban]`, `[card]` and `[phone]`; stated or known names and
 * street addresses `[name]` and `[address]`. Azure AI Language's entity recognition runs before
 * it when configured; this one always runs too.
 */
export class LocalPiiRedactor implements PiiRedactor {
  redact(text: string, _locale?: string, known?: KnownPii): Promise<string> {
    return Promise.resolve(redactPii(text, known));
  }
}

/**
 * `text` with payment card numbers (those passing the Luhn check) replaced by `[card]` and
 * nothing else changed: what may be kept, sealed, for an agent to reveal. NOTE: card numbers
 * are never kept in any form (PCI DSS), so not even a sealed original holds one.
 */
export function withoutCardNumbers(text: string): string {
  if (!ASCII_DIGIT.test(text)) return text;
  return text.replace(CARD, (match) => (passesLuhn(match.replace(/\D/g, '')) ? '[card]' : match));
}

/**
 * The synchronous redaction {@link LocalPiiRedactor} applies, also used on every log line.
 * NOTE: the order matters: IBANs and cards are replaced before phone numbers are looked for,
 * so the digit groups of an IBAN or a card never come out as `[phone]`; e-mail addresses before
 * names, so "ana.perez@…" is one `[email]`, not `[name].perez@…`.
 */
export function redactPii(text: string, known?: KnownPii): string {
  const withoutEmail = text.includes('@') ? text.replace(EMAIL, '[email]') : text;
  let digitsDone = withoutCardNumbers(replaceIbans(withoutEmail, '[iban]'));
  if (ASCII_DIGIT.test(digitsDone)) digitsDone = digitsDone.replace(PHONE, '[phone]');
  if (WIDE_DIGIT.test(digitsDone)) digitsDone = digitsDone.replace(WIDE_PHONE, '[phone]');
  return redactPersonalDetails(digitsDone, known);
}
