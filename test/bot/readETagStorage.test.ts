import assert from 'node:assert/strict';
import { MemoryStorage } from 'botbuilder';
import { ETagConflictError, SqliteStorage } from '../../bot/storage';
import { ReadETagStorage } from '../../bot/storage/readETagStorage';
import { item } from '../support/storageContract';

describe('ReadETagStorage', () => {
  let inner: SqliteStorage;
  beforeEach(() => {
    inner = new SqliteStorage(':memory:');
  });
  afterEach(() => inner.close());

  it("write() of a key it read carries the read eTag: another instance's newer write is not overwritten", async () => {
    const mine = new ReadETagStorage(inner);
    await inner.write({ k: { n: 1 } });
    await mine.read(['k']);
    await inner.write({ k: { n: 2 } }); // the instance that took the conversation over
    await assert.rejects(mine.write({ k: { n: 3, eTag: '*' } }), ETagConflictError);
    assert.equal(item(await inner.read(['k']), 'k')?.n, 2);
  });

  it('write() of a key it read, unchanged by anyone else, succeeds; a second write of the turn is blind', async () => {
    const mine = new ReadETagStorage(inner);
    await inner.write({ k: { n: 1 } });
    await mine.read(['k']);
    await mine.write({ k: { n: 2, eTag: '*' } });
    await mine.write({ k: { n: 3, eTag: '*' } });
    assert.equal(item(await inner.read(['k']), 'k')?.n, 3);
  });

  it('write() of a key it never read (a new conversation) is blind, as Bot Framework writes it', async () => {
    const mine = new ReadETagStorage(inner);
    await mine.read(['absent']);
    await inner.write({ absent: { n: 9 } });
    await mine.write({ absent: { n: 1, eTag: '*' } });
    assert.equal(item(await inner.read(['absent']), 'absent')?.n, 1);
  });

  it('forgets eTags older than five minutes once many keys are remembered', async () => {
    let now = 0;
    const keys = Array.from({ length: 1001 }, (_, i) => `k${i}`);
    const storage = new MemoryStorage();
    const wrapped = new ReadETagStorage(storage, () => now);
    await storage.write(Object.fromEntries(keys.map((key) => [key, { n: 1 }])));
    await wrapped.read(keys);
    assert.equal(wrapped.remembered, 1001);
    now = 5 * 60_000 + 1;
    await wrapped.read(['k0']);
    assert.equal(wrapped.remembered, 1, 'only the key just read is remembered');
  });
});
