import { createHash } from 'node:crypto';
import type { Storage } from 'botbuilder';

/** Telegram's limit on a button's `callback_data`, in bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;

/** A value carried in the button itself: `v:` and the value. */
const INLINE = 'v:';
/** A value kept in storage under a short id: `h:` and the id. */
const STORED = 'h:';

/** Storage key of a long value's id; slashes keep it clear of translation-key-like strings. */
const storageKey = (id: string): string => `telegram/callbackData/${id}`;

interface StoredValue {
  value: string;
}

/**
 * `callback_data` for inline-keyboard buttons. A value that fits travels in the button; a longer
 * one (an order label, a time slot in a long language) gets a short id kept in the bot's
 * storage, so a button pressed after a restart still works.
 *
 * NOTE: the id is a hash of the value, not a random one: the same value always gets the same id,
 * so writes are idempotent and need no lock, and the storage holds one entry per distinct long
 * value (choice labels repeat) instead of one per button sent. Entries are not expired: a
 * button may be pressed days later.
 */
export class CallbackData {
  constructor(private readonly storage: Storage) {}

  /** The `callback_data` for `value`; pure, so the mapper can call it. */
  static encode(value: string): string {
    const inline = INLINE + value;
    if (Buffer.byteLength(inline, 'utf8') <= MAX_CALLBACK_DATA_BYTES) return inline;
    return STORED + CallbackData.idOf(value);
  }

  /** 128 bits of SHA-256 in base64url: 22 characters. */
  private static idOf(value: string): string {
    return createHash('sha256').update(value).digest().subarray(0, 16).toString('base64url');
  }

  /** Keeps every value among `values` that {@link encode} gives a stored id. */
  async remember(values: readonly string[]): Promise<void> {
    const changes: Record<string, StoredValue & { eTag: string }> = {};
    for (const value of values) {
      const data = CallbackData.encode(value);
      if (data.startsWith(STORED)) changes[storageKey(data.slice(STORED.length))] = { value, eTag: '*' };
    }
    if (Object.keys(changes).length > 0) await this.storage.write(changes);
  }

  /** The value a button's `callback_data` stands for, or undefined when it is not known (any more). */
  async decode(data: string): Promise<string | undefined> {
    if (data.startsWith(INLINE)) return data.slice(INLINE.length);
    if (!data.startsWith(STORED)) return undefined;
    const key = storageKey(data.slice(STORED.length));
    const items = await this.storage.read([key]);
    const stored = items[key] as Partial<StoredValue> | undefined;
    return typeof stored?.value === 'string' ? stored.value : undefined;
  }
}
