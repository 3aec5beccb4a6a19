import assert from 'node:assert/strict';
import type { Storage, StoreItems } from 'botbuilder';

/** A stored test value; StoreItems types every item as `any`. */
export interface Item {
  n?: number;
  eTag?: string;
  [field: string]: unknown;
}

/** One item of a read result, typed. */
export function item(items: StoreItems, key: string): Item | undefined {
  return items[key] as Item | undefined;
}

/** How a contract run gets a store, and (for persistent stores) the same store after a restart. */
export interface StorageUnderTest {
  open(): Storage | Promise<Storage>;
  /** Closes and opens the same store again; omitted for stores that do not persist. */
  reopen?(current: Storage): Storage | Promise<Storage>;
  close?(current: Storage): void | Promise<void>;
}

/**
 * The botbuilder Storage contract, run against every implementation (SQLite, memory, and
 * later PostgreSQL, Redis, Cosmos DB) so they all behave the same for the bot.
 */
export function storageContract(name: string, subject: StorageUnderTest): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;

    beforeEach(async () => {
      storage = await subject.open();
    });

    afterEach(async () => {
      await subject.close?.(storage);
    });

    it('read() returns only the keys it finds', async () => {
      await storage.write({ present: { n: 1 } });
      const items = await storage.read(['present', 'absent']);
      assert.deepEqual(Object.keys(items), ['present']);
      assert.equal(item(items, 'present')?.n, 1);
    });

    it('read() of no keys returns an empty object', async () => {
      assert.deepEqual(await storage.read([]), {});
    });

    it('values round-trip as JSON, with an eTag added', async () => {
      const value = { text: 'Grüße 你好', nested: { list: [1, 'two', null, true] }, empty: {}, zero: 0 };
      await storage.write({ 'conv/1': value });
      const { 'conv/1': stored } = await storage.read(['conv/1']);
      assert.equal(typeof (stored as Item | undefined)?.eTag, 'string');
      const { eTag: _eTag, ...rest } = stored as Record<string, unknown>;
      assert.deepEqual(rest, value);
    });

    it("write() does not change the caller's object", async () => {
      const value = { n: 1 };
      await storage.write({ k: value });
      assert.deepEqual(value, { n: 1 });
    });

    it('write() with the current eTag succeeds and changes the eTag', async () => {
      await storage.write({ k: { n: 1 } });
      const first = (await storage.read(['k'])).k as { eTag: string };
      await storage.write({ k: { n: 2, eTag: first.eTag } });
      const second = (await storage.read(['k'])).k as { eTag: string; n: number };
      assert.equal(second.n, 2);
      assert.notEqual(second.eTag, first.eTag);
    });

    it('write() with a stale eTag rejects with an eTag conflict and keeps the stored value', async () => {
      await storage.write({ k: { n: 1 } });
      const stale = ((await storage.read(['k'])).k as { eTag: string }).eTag;
      await storage.write({ k: { n: 2 } });
      await assert.rejects(storage.write({ k: { n: 3, eTag: stale } }), /eTag conflict/);
      assert.equal(item(await storage.read(['k']), 'k')?.n, 2);
    });

    it("write() with eTag '*' or none overwrites whatever is stored", async () => {
      await storage.write({ k: { n: 1 } });
      await storage.write({ k: { n: 2, eTag: '*' } });
      assert.equal(item(await storage.read(['k']), 'k')?.n, 2);
      await storage.write({ k: { n: 3 } });
      assert.equal(item(await storage.read(['k']), 'k')?.n, 3);
    });

    it('write() of a new key succeeds whatever eTag it carries', async () => {
      await storage.write({ fresh: { n: 1, eTag: 'made-up' } });
      assert.equal(item(await storage.read(['fresh']), 'fresh')?.n, 1);
    });

    it('delete() removes keys and ignores missing ones', async () => {
      await storage.write({ a: { n: 1 }, b: { n: 2 } });
      await storage.delete(['a', 'never-written']);
      assert.deepEqual(Object.keys(await storage.read(['a', 'b'])), ['b']);
    });

    it('keys are exact: no prefix or case matching', async () => {
      await storage.write({ 'webchat/conversations/abc': { n: 1 } });
      const items = await storage.read(['webchat/conversations/ab', 'WEBCHAT/conversations/abc']);
      assert.deepEqual(items, {});
    });

    if (subject.reopen) {
      it('keeps values and eTags across a close and reopen', async () => {
        await storage.write({ k: { n: 7, text: 'kept' } });
        const before = (await storage.read(['k'])).k as { eTag: string };
        storage = await subject.reopen!(storage);
        const after = (await storage.read(['k'])).k as { eTag: string; n: number; text: string };
        assert.deepEqual(after, { n: 7, text: 'kept', eTag: before.eTag });
        // Optimistic concurrency still holds for the reopened store.
        await storage.write({ k: { n: 8, eTag: before.eTag } });
        await assert.rejects(storage.write({ k: { n: 9, eTag: before.eTag } }), /eTag conflict/);
      });
    }
  });
}
