import type { Storage, StoreItems } from 'botbuilder';

/** Entries older than this are forgotten: a turn reads and writes its state within seconds. */
const REMEMBER_MS = 5 * 60_000;
/** Above this many remembered keys, the old ones are pruned on the next read. */
const PRUNE_ABOVE = 1_000;

/**
 * A {@link Storage} that turns Bot Framework's blind state writes (`eTag: '*'`, see
 * `BotState.saveChanges`) into checked ones: a write of a key this instance read carries the
 * eTag it read, so when another instance wrote the key in between (it took over the
 * conversation after this one lost its lock), the write is refused with the store's eTag
 * conflict instead of overwriting newer state.
 *
 * NOTE: the eTag is remembered per key, not per turn; that is right because turns of one
 * conversation run one at a time on an instance (TurnQueue) and across instances (the lock).
 */
export class ReadETagStorage implements Storage {
  private readonly readETags = new Map<string, { eTag: string; at: number }>();

  constructor(
    private readonly inner: Storage,
    private readonly now: () => number = Date.now,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items = await this.inner.read(keys);
    const at = this.now();
    if (this.readETags.size > PRUNE_ABOVE) this.prune(at);
    for (const key of keys) {
      const eTag = (items[key] as { eTag?: unknown } | undefined)?.eTag;
      if (typeof eTag === 'string' && eTag !== '*') this.readETags.set(key, { eTag, at });
      else this.readETags.delete(key);
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const checked: StoreItems = {};
    for (const [key, item] of Object.entries(changes) as [string, Record<string, unknown>][]) {
      const read = this.readETags.get(key);
      checked[key] = item.eTag === '*' && read !== undefined ? { ...item, eTag: read.eTag } : item;
    }
    try {
      await this.inner.write(checked);
    } finally {
      // The stored eTags changed (or the write was refused): later writes of this turn are blind
      // again, as Bot Framework's own are, rather than failing against our own new eTag.
      for (const key of Object.keys(changes)) this.readETags.delete(key);
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.readETags.delete(key);
    await this.inner.delete(keys);
  }

  /** Number of keys whose eTag is remembered (for tests). */
  get remembered(): number {
    return this.readETags.size;
  }

  private prune(now: number): void {
    for (const [key, { at }] of this.readETags) if (now - at > REMEMBER_MS) this.readETags.delete(key);
  }
}
