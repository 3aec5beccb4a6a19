import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a secret someone sent with the one expected, in constant time. Both are hashed
 * first, so the lengths match: `timingSafeEqual` then never throws and leaks no length.
 */
export function secretsEqual(given: string, expected: string): boolean {
  const left = createHash('sha256').update(given).digest();
  const right = createHash('sha256').update(expected).digest();
  return timingSafeEqual(left, right);
}
