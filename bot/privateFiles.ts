import fs from 'node:fs';
import path from 'node:path';

/**
 * Everything in `DATA_DIR` is private to the user running Switchboard: conversations,
 * transcripts, agent accounts, generated secrets and channel sessions. Folders are `0700`,
 * files `0600`, whatever the process umask. Stores and channels that write there use these
 * helpers (a channel keeping session files, as WhatsApp Web will, calls
 * {@link makePrivateTree} on its folder after writing).
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

function chmodPrivate(target: string, mode: number, caller: string): void {
  try {
    fs.chmodSync(target, mode);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A file can vanish in between (SQLite removes its -wal and -shm files on close).
    if (code === 'ENOENT') return;
    throw new Error(
      `${caller}: cannot set mode ${mode.toString(8)} on ${target} (${code ?? String(error)}); ` +
        'DATA_DIR and its files must belong to the user running Switchboard',
    );
  }
}

/** Creates `dir` (and missing parents) with mode 0700; an existing folder is set to 0700 too. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodPrivate(dir, PRIVATE_DIR_MODE, 'ensurePrivateDir()');
}

/** Sets mode 0600 on `file` when it exists. */
export function makeFilePrivate(file: string): void {
  chmodPrivate(file, PRIVATE_FILE_MODE, 'makeFilePrivate()');
}

/** Creates `file` empty with mode 0600 unless it exists, and sets 0600 on it either way. */
export function touchPrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  makeFilePrivate(file);
}

/**
 * Writes `data` to `file` (mode 0600) through a temporary file renamed over it, so a crash never
 * leaves it half-written; the folder is created private when missing.
 */
export function writePrivateFile(file: string, data: string | Buffer): void {
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) ensurePrivateDir(dir);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, data, { mode: PRIVATE_FILE_MODE });
  makeFilePrivate(temporary);
  fs.renameSync(temporary, file);
}

/**
 * Makes `dir` and everything under it private: folders 0700, files 0600. Symbolic links are
 * left alone (chmod would change what they point to, which may be outside).
 */
export function makePrivateTree(dir: string): void {
  ensurePrivateDir(dir);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const target = path.join(dir, entry.name);
    if (entry.isDirectory()) makePrivateTree(target);
    else if (entry.isFile()) chmodPrivate(target, PRIVATE_FILE_MODE, 'makePrivateTree()');
  }
}
