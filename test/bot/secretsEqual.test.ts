import assert from 'node:assert/strict';
import { secretsEqual } from '../../bot/secretsEqual';

describe('secretsEqual()', () => {
  const cases: [given: string, expected: string, equal: boolean][] = [
    ['s3cret-value', 's3cret-value', true],
    ['s3cret-valuE', 's3cret-value', false],
    ['s3cret', 's3cret-value', false],
    ['', 's3cret-value', false],
    ['', '', true],
    ['ünïcode-✓', 'ünïcode-✓', true],
  ];
  for (const [given, expected, equal] of cases) {
    it(`is ${String(equal)} for ${JSON.stringify(given)} against ${JSON.stringify(expected)}, never throwing on lengths`, () => {
      assert.equal(secretsEqual(given, expected), equal);
    });
  }
});
