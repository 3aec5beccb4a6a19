import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateSecret } from '../../bot/secrets';

describe('loadOrCreateSecret()', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-secrets-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('generates a secret once and returns the same one later', () => {
    const first = loadOrCreateSecret(dataDir, 'directLine');
    assert.match(first, /^[A-Za-z0-9_-]{40,}$/);
    assert.equal(loadOrCreateSecret(dataDir, 'directLine'), first);
    assert.equal((fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toString(8), '600');
  });

  it('keeps different names apart', () => {
    assert.notEqual(loadOrCreateSecret(dataDir, 'a'), loadOrCreateSecret(dataDir, 'b'));
    assert.deepEqual(
      Object.keys(JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as object),
      ['a', 'b'],
    );
  });

  it('prefers a configured secret and writes nothing', () => {
    assert.equal(loadOrCreateSecret(dataDir, 'directLine', 'from-env'), 'from-env');
    assert.equal(fs.existsSync(path.join(dataDir, 'secrets.json')), false);
  });

  it('names the file when it is corrupt', () => {
    fs.writeFileSync(path.join(dataDir, 'secrets.json'), '{not json');
    assert.throws(
      () => loadOrCreateSecret(dataDir, 'x'),
      /secrets\.json is not valid JSON; fix or delete it/,
    );
  });
});
