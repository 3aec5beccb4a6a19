import assert from 'node:assert/strict';
import { identityMatches, matchContact, samePhone } from '../../services/customerMatch';

const onRecord = { email: 'Ana.Garcia@example.com', phone: '+34600111222', postcode: 'SW1A 1AA' };

describe('matchContact()', () => {
  const cases: [answer: string, expected: string | undefined][] = [
    ['ana.garcia@EXAMPLE.com ', 'email'],
    ['+34 600 111 222', 'phone'],
    ['0034-600-111-222', 'phone'],
    ['600111222', 'phone'],
    ['sw1a1aa', 'postcode'],
    ['SW1A 1AA', 'postcode'],
    ['111222', undefined],
    ['ana@example.com', undefined],
    ['SW1A', undefined],
    ['', undefined],
  ];
  for (const [answer, expected] of cases) {
    it(`${JSON.stringify(answer)} → ${String(expected)}`, () => {
      assert.equal(matchContact(onRecord, answer), expected);
    });
  }
});

describe('samePhone() and identityMatches()', () => {
  it('compares phone numbers by their digits, one ending the other, with at least 7 digits', () => {
    assert.equal(samePhone('+34 600 111 222', '600111222'), true);
    assert.equal(samePhone('+34 600 111 222', '+34 600 111 223'), false);
    assert.equal(samePhone('222', '+34600111222'), false);
  });

  it('accepts a channel identity whose phone or email matches, and nothing else', () => {
    assert.equal(identityMatches(onRecord, { phone: '34600111222' }), true);
    assert.equal(identityMatches(onRecord, { email: 'ANA.GARCIA@example.com' }), true);
    assert.equal(identityMatches(onRecord, { phone: '+34611222333' }), false);
    assert.equal(identityMatches(onRecord, undefined), false);
    assert.equal(identityMatches(onRecord, {}), false);
  });
});
