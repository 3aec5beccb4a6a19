import assert from 'node:assert/strict';
import { passesIbanChecksum } from '../../bot/language/iban';
import { redactPii } from '../../bot/language/pii';
import { IBANS, PLANTED_IBANS, spaced } from '../support/plantedPii';

describe('redactPii()', () => {
  const cases: [string, string][] = [
    ['my email is ana.garcia+shop@example.co.uk thanks', 'my email is [email] thanks'],
    ['call me on +34 612 345 678', 'call me on [phone]'],
    ['tel. (0151) 496-0999 after 5', 'tel. [phone] after 5'],
    ['card 4111 1111 1111 1111 please', 'card [card] please'],
    ['order SB-10004, postcode 28013', 'order SB-10004, postcode 28013'],
    ['it costs 1299 euros', 'it costs 1299 euros'],
    [`refund to ${IBANS.DE} please`, 'refund to [iban] please'],
    [`IBAN: ${spaced(IBANS.ES)}, thanks`, 'IBAN: [iban], thanks'],
    ['es91 2100 0418 4502 0005 1332', '[iban]'],
    ['ES91-2100-0418-4502-0005-1332.', '[iban].'],
    [`${spaced(IBANS.GB)} or call +44 20 7946 0958`, '[iban] or call [phone]'],
    [`iban ${IBANS.NL} card 4111111111111111`, 'iban [iban] card [card]'],
    ['ES91 / 2100 / 0418 / 4502 / 0005 / 1332', '[iban]'],
    ['DE89 - 3704 - 0044 - 0532 - 0130 - 00', '[iban]'],
    ['GB29\tNWBK\t6016\t1331\t9268\t19', '[iban]'],
    ['GB29\u202fNWBK\u202f6016\u202f1331\u202f9268\u202f19', '[iban]'],
    ['FR14.2004.1010.0505.0001.3M02.606', '[iban]'],
    ['ES91 2100 0418 4502 0005 1332 5 items', '[iban] 5 items'],
  ];
  for (const [text, expected] of cases) {
    it(`redacts "${text}"`, () => {
      assert.equal(redactPii(text), expected);
    });
  }

  for (const iban of PLANTED_IBANS) {
    it(`redacts the IBAN "${iban}" whole, with no digits left and no [phone] inside`, () => {
      assert.equal(redactPii(`pay back to ${iban} thanks`), 'pay back to [iban] thanks');
    });
  }

  // NOTE: a guard against a hang, not a timing: with unbounded quantifiers these took about a
  // minute (quadratic backtracking) and ran into mocha's timeout; now they take milliseconds.
  for (const [name, text] of [
    ['letters without an @', 'a'.repeat(200_000)],
    ['digits without an @', '1'.repeat(200_000)],
    ['many @ signs', `${'x'.repeat(60)}@`.repeat(3000)],
  ] as const) {
    it(`finishes on 200 KB of ${name} and still redacts what follows`, () => {
      assert.equal(redactPii(`${text} ana@example.com`).endsWith(' [email]'), true);
    });
  }

  it('keeps a 16-digit reference that fails the card checksum (a tracking number, say)', () => {
    assert.equal(redactPii('tracking 1234567812345678'), 'tracking 1234567812345678');
  });

  it('does not take an IBAN-shaped text with a wrong check digit for an IBAN', () => {
    assert.doesNotMatch(redactPii('DE88370400440532013000'), /\[iban\]/);
  });

  it('does not take an IBAN glued to more letters or digits for an IBAN', () => {
    assert.doesNotMatch(redactPii(`${IBANS.NL}X`), /\[iban\]/);
    assert.doesNotMatch(redactPii(`X${IBANS.NL}`), /\[iban\]/);
  });
});

describe('passesIbanChecksum()', () => {
  it('accepts the registry examples and refuses a transposed pair of digits', () => {
    for (const iban of Object.values(IBANS)) assert.equal(passesIbanChecksum(iban), true, iban);
    assert.equal(passesIbanChecksum('DE89370400440532031000'), false);
  });
});
