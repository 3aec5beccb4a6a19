import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ensurePrivateDir, makeFilePrivate, touchPrivateFile } from './privateFiles';

/** The files SQLite keeps for one database in WAL mode: the database, its log and its index. */
const SQLITE_FILE_SUFFIXES = ['', '-wal', '-shm'];

/**
 * Opens (creating when missing, folder included) a SQLite file the way every Switchboard store
 * uses it: WAL journal, so readers never block the writer; `synchronous = NORMAL`, durable across
 * process crashes in WAL mode (only an OS crash can lose the last commits); and a busy timeout
 * for a second process on the same file. `':memory:'` opens a private in-memory database.
 *
 * The folder is created 0700 and the files are 0600: the database is created empty with that
 * mode before SQLite opens it, and SQLite gives its -wal and -shm files the database's mode;
 * the mode is set again after opening for files left by an earlier run.
 */
export function openSqlite(file: string): Database.Database {
  if (file !== ':memory:') {
    const dir = path.dirname(file);
    if (!fs.existsSync(dir)) ensurePrivateDir(dir);
    touchPrivateFile(file);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  if (file !== ':memory:') for (const suffix of SQLITE_FILE_SUFFIXES) makeFilePrivate(`${file}${suffix}`);
  return db;
}
