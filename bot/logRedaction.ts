import { stdSerializers } from 'pino';
import { redactPii, withoutCardNumbers } from './language/pii';

/** Deeper than any log object Switchboard writes; beyond it a value is replaced, not walked. */
const MAX_DEPTH = 6;

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A copy of a value about to be logged in which every string went through {@link redactPii}:
 * customer text can reach a log line in many ways (a field, an error message quoting the input,
 * a stack, a library's own log object), so the logger redacts all of them rather than trusting
 * each call site. Errors become pino's plain error objects first (type, message, stack, cause).
 */
export function redactLogValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactPii(value);
  // A card number sent as a JSON number is still one (times and counts are not touched).
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1e12) {
    return withoutCardNumbers(String(value)) === '[card]' ? '[card]' : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (value instanceof Date) return value;
  if (depth >= MAX_DEPTH || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) return redactLogValue(stdSerializers.err(value), depth, new WeakSet());
  if (Array.isArray(value)) return value.map((item) => redactLogValue(item, depth + 1, seen));
  const source =
    !isPlainObject(value) && typeof (value as { toJSON?: unknown }).toJSON === 'function'
      ? (value as { toJSON: () => unknown }).toJSON()
      : value;
  if (typeof source !== 'object' || source === null) return redactLogValue(source, depth + 1, seen);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(source))
    copy[redactPii(key)] = redactLogValue(item, depth + 1, seen);
  return copy;
}

/** {@link redactLogValue} for pino's `formatters.log`: the merged object of one log call. */
export function redactLogObject(object: Record<string, unknown>): Record<string, unknown> {
  return redactLogValue(object) as Record<string, unknown>;
}
