import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { customerMessage, postActivity, startServer, type RunningServer } from '../support/testServer';

const mode = (target: string): string => (fs.statSync(target).mode & 0o777).toString(8);

/** Every folder and file under `dir` (the folder itself included) with its mode, e.g. `secrets.json 600`. */
function modesUnder(dir: string): string[] {
  const found = [`. ${mode(dir)}`];
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const target = path.join(folder, entry.name);
      found.push(`${path.relative(dir, target)} ${mode(target)}`);
      if (entry.isDirectory()) walk(target);
    }
  };
  walk(dir);
  return found;
}

describe('DATA_DIR file modes after a start', () => {
  let parent: string;
  let server: RunningServer | undefined;
  let previousUmask: number;

  beforeEach(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-modes-'));
    // A permissive umask, so files that rely on it would come out readable by others.
    previousUmask = process.umask(0o022);
  });

  afterEach(async () => {
    await server?.app.close();
    server = undefined;
    process.umask(previousUmask);
    fs.rmSync(parent, { recursive: true, force: true });
  });

  /** Starts the server on `dataDir` and runs one turn, so every store has written. */
  async function startAndTalk(dataDir: string): Promise<void> {
    server = await startServer({ DATA_DIR: dataDir });
    const { status } = await postActivity(server.url, customerMessage('modes', 'hello'));
    assert.equal(status, 200);
  }

  it('creates a fresh DATA_DIR 0700 with every file 0600, SQLite -wal and -shm files and secrets included', async () => {
    const dataDir = path.join(parent, 'fresh', 'data');
    await startAndTalk(dataDir);
    const modes = modesUnder(dataDir);
    for (const expected of [
      '. 700',
      'secrets.json 600',
      'handoff.sqlite 600',
      'handoff.sqlite-wal 600',
      'handoff.sqlite-shm 600',
      'state.sqlite 600',
      'state.sqlite-wal 600',
      'directline.sqlite 600',
      'shop.sqlite 600',
    ]) {
      assert.ok(modes.includes(expected), `${expected} not in:\n${modes.join('\n')}`);
    }
    assert.deepEqual(
      modes.filter((entry) => !/ (600|700)$/.test(entry)),
      [],
      'nothing is readable by others',
    );
  });

  it('makes an existing DATA_DIR with loose modes private: the folder, its files and its subfolders', async () => {
    const dataDir = path.join(parent, 'data');
    fs.mkdirSync(dataDir);
    fs.chmodSync(dataDir, 0o777);
    fs.writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify({ links: 'kept-from-before' }));
    fs.chmodSync(path.join(dataDir, 'secrets.json'), 0o644);
    const old = new Database(path.join(dataDir, 'handoff.sqlite'));
    old.pragma('journal_mode = WAL');
    old.close();
    fs.chmodSync(path.join(dataDir, 'handoff.sqlite'), 0o666);
    // A channel's session folder (as WhatsApp Web keeps one) left by an earlier run.
    fs.mkdirSync(path.join(dataDir, 'whatsapp-session'), { mode: 0o755 });
    fs.writeFileSync(path.join(dataDir, 'whatsapp-session', 'creds.json'), '{}', { mode: 0o644 });

    await startAndTalk(dataDir);
    const modes = modesUnder(dataDir);
    for (const expected of [
      '. 700',
      'secrets.json 600',
      'handoff.sqlite 600',
      'handoff.sqlite-wal 600',
      'whatsapp-session 700',
      'whatsapp-session/creds.json 600',
    ]) {
      assert.ok(modes.includes(expected), `${expected} not in:\n${modes.join('\n')}`);
    }
    assert.deepEqual(
      modes.filter((entry) => !/ (600|700)$/.test(entry)),
      [],
    );
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as Record<
      string,
      string
    >;
    assert.equal(secrets.links, 'kept-from-before', 'existing secrets are kept');
  });
});
