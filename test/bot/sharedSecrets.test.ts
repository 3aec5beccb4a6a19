import assert from 'node:assert/strict';
import { SharedDatabase } from '../../bot/database';
import { loadSharedSecrets } from '../../bot/database/sharedSecrets';
import { GENERATED_SECRETS, loadedSecrets } from '../../bot/secrets';
import { openSharedDeps } from '../../bot/sharedDeps';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

describe('shared secrets (PostgreSQL)', function () {
  let database: TestDatabase;
  before(async function () {
    database = await createTestDatabase(this);
  });
  after(async () => {
    await database?.drop();
  });

  it('loadSharedSecrets(): instances starting at once all get the one value the first generated', async () => {
    const instances = [1, 2, 3, 4].map(
      () => new SharedDatabase({ dialect: 'postgres', url: database.url, poolSize: 2 }),
    );
    try {
      const loaded = await Promise.all(
        instances.map((instance) => loadSharedSecrets(instance, GENERATED_SECRETS)),
      );
      for (const secrets of loaded) assert.deepEqual(secrets, loaded[0]);
      assert.deepEqual(Object.keys(loaded[0]!).sort(), [...GENERATED_SECRETS].sort());
      for (const value of Object.values(loaded[0]!)) assert.match(value, /^[\w-]{43}$/);
      // A later start reads them back unchanged.
      assert.deepEqual(await loadSharedSecrets(instances[0]!, GENERATED_SECRETS), loaded[0]);
    } finally {
      for (const instance of instances) await instance.close();
    }
  });

  it('openSharedDeps() names DATABASE_URL when the database cannot be reached', async () => {
    const url = new URL(database.url);
    url.port = '1';
    await assert.rejects(
      openSharedDeps({ storage: 'postgres', database: { url: url.toString(), poolSize: 1 } }),
      /could not open the database at DATABASE_URL/,
    );
  });

  it('openSharedDeps() opens nothing for the embedded defaults', async () => {
    assert.deepEqual(await openSharedDeps({ storage: 'sqlite', database: undefined }), {});
  });
});

describe('loadedSecrets()', () => {
  it('returns a configured value first, then the loaded one, and refuses a name never loaded', () => {
    const secrets = loadedSecrets({ links: 'loaded-links-secret' });
    assert.equal(secrets('links'), 'loaded-links-secret');
    assert.equal(secrets('links', 'configured'), 'configured');
    assert.throws(() => secrets('other'), /no secret "other" was loaded/);
  });
});
