/** Real-shaped IBANs (the registry's own examples) of five countries, each passing mod 97. */
export const IBANS = {
  DE: 'DE89370400440532013000',
  ES: 'ES9121000418450200051332',
  GB: 'GB29NWBK60161331926819',
  FR: 'FR1420041010050500013M02606',
  NL: 'NL91ABNA0417164300',
} as const;

/** An IBAN as it is printed: groups of four separated by spaces. */
export function spaced(iban: string): string {
  return iban.replace(/(.{4})(?=.)/g, '$1 ');
}

/** Every planted IBAN, written compact and spaced. */
export const PLANTED_IBANS: string[] = Object.values(IBANS).flatMap((iban) => [iban, spaced(iban)]);

/**
 * Pieces of the planted IBANs that must never appear where only redacted text belongs: the
 * account part (after the check digits) of each, compact, and every two neighbouring printed
 * groups ("3704 0044"). Long enough that timestamps and ids in a log line do not match by chance.
 */
export function ibanFragments(): string[] {
  return Object.values(IBANS).flatMap((iban) => {
    const groups = spaced(iban).split(' ');
    return [
      iban.slice(4),
      ...groups.slice(1, -1).map((group, index) => `${group} ${groups[index + 2] ?? ''}`),
    ];
  });
}
