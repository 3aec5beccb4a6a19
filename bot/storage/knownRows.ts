/** A state row as SQLite holds it: the item's JSON (without its eTag) and its eTag. */
export interface StoredRow {
  value: string;
  etag: string;
}

/** Rows remembered at most; beyond, the oldest remembered is forgotten first. */
const DEFAULT_LIMIT = 4096;

/**
 * The rows one SQLite connection last read or wrote, by key (`null`: the key is absent), so a
 * read of a row this process already knows needs no read transaction: the conversation state a
 * turn wrote is what its next turn reads, and the user state and the verification lock are read
 * every turn and rarely written. NOTE: a read transaction (taking the WAL read lock) is most of
 * the cost of reading one small row, so the saving is the SQLite call, not the JSON parse; the
 * JSON is kept, not the object, so every read still returns a fresh object the turn may change.
 *
 * Another connection (another process on the same file, such as the CLI erasing a customer, or
 * another store of this process on the same file) may commit at any time: SQLite's
 * `data_version` tells, and everything is forgotten when it moved. It is asked at most once per
 * event-loop turn, so a read answers as of the start of the event-loop turn it runs in: the same
 * as a read a moment earlier, which a turn's read followed by its write never excluded anyway.
 */
export class KnownRows {
  private readonly rows = new Map<string, StoredRow | null>();
  private version: number | undefined;
  private checked = false;
  private readonly uncheck = (): void => {
    this.checked = false;
  };

  constructor(
    /** `PRAGMA data_version` of the connection: changes when another connection commits. */
    private readonly dataVersion: () => number,
    private readonly limit = DEFAULT_LIMIT,
  ) {}

  /** The row of `key` as last seen (`null`: absent), or undefined when it is not known. */
  get(key: string): StoredRow | null | undefined {
    this.validate();
    return this.rows.get(key);
  }

  /** Remembers what the connection just read or committed for `key`. */
  set(key: string, row: StoredRow | null): void {
    this.validate();
    // Re-inserted, so a row in use stays among the newest and the oldest are forgotten first.
    this.rows.delete(key);
    this.rows.set(key, row);
    if (this.rows.size > this.limit) {
      const oldest = this.rows.keys().next();
      if (!oldest.done) this.rows.delete(oldest.value);
    }
  }

  forget(key: string): void {
    this.rows.delete(key);
  }

  clear(): void {
    this.rows.clear();
  }

  /** Number of rows remembered (for tests). */
  get size(): number {
    return this.rows.size;
  }

  private validate(): void {
    if (this.checked) return;
    this.checked = true;
    setImmediate(this.uncheck);
    const version = this.dataVersion();
    if (version !== this.version) {
      this.rows.clear();
      this.version = version;
    }
  }
}
