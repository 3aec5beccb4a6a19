/**
 * What the state stores let the privacy tools and the retention sweeper do beside Bot
 * Framework's key-by-key `Storage`: find items by key shape or by a text they mention, delete
 * a list of keys counting what went, and delete old items of a key shape.
 */

/** Keys that start with `prefix`, contain `contains` after it and end with `suffix` (each may be empty). */
export interface KeyShape {
  prefix: string;
  contains?: string;
  suffix?: string;
}

/** Items whose key has one of `keys`' shapes or whose value mentions one of `mentions` (any case). */
export interface StateQuery {
  keys?: readonly KeyShape[];
  mentions?: readonly string[];
}

/** One stored item as the privacy tools see it. */
export interface StateRecord {
  key: string;
  value: unknown;
  updatedAt: number;
}

export interface StateRecords {
  /** The items that match `query`, by key. */
  recordsOf(query: StateQuery): Promise<StateRecord[]>;
  /** Deletes `keys`; resolves with how many existed. */
  erase(keys: readonly string[]): Promise<number>;
  /** Deletes items of `shape` last written before `before` (ms), except `keep`; resolves with how many. */
  expire(shape: KeyShape, before: number, keep?: ReadonlySet<string>): Promise<number>;
}

/** Whether a storage offers {@link StateRecords} (SQLite and the shared database do; memory does not). */
export function hasStateRecords(storage: object): storage is StateRecords {
  const candidate = storage as Partial<StateRecords>;
  return (
    typeof candidate.recordsOf === 'function' &&
    typeof candidate.erase === 'function' &&
    typeof candidate.expire === 'function'
  );
}

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A `LIKE … ESCAPE '\'` pattern of a key shape. */
export function shapePattern(shape: KeyShape): string {
  const middle = shape.contains ? `${escapeLike(shape.contains)}%` : '';
  return `${escapeLike(shape.prefix)}%${middle}${escapeLike(shape.suffix ?? '')}`;
}

/** A `LIKE … ESCAPE '\'` pattern for a lower-cased value that contains `text`. */
export function mentionPattern(text: string): string {
  return `%${escapeLike(text.toLowerCase())}%`;
}

/** Whether `key` has `shape` exactly (LIKE in SQLite ignores case; keys do not). */
export function hasShape(key: string, shape: KeyShape): boolean {
  const suffix = shape.suffix ?? '';
  if (key.length < shape.prefix.length + suffix.length) return false;
  if (!key.startsWith(shape.prefix) || !key.endsWith(suffix)) return false;
  return (
    shape.contains === undefined ||
    key.slice(shape.prefix.length, key.length - suffix.length).includes(shape.contains)
  );
}

/** Whether a stored item answers `query`, checked exactly after the database's coarser LIKE. */
export function answersQuery(key: string, value: string, query: StateQuery): boolean {
  const lower = value.toLowerCase();
  return (
    (query.keys ?? []).some((shape) => hasShape(key, shape)) ||
    (query.mentions ?? []).some((text) => lower.includes(text.toLowerCase()))
  );
}
