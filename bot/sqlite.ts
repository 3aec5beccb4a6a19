import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Opens (creating when missing, folder included) a SQLite file the way every Switchboard store
 * uses it: WAL journal, so readers never block the writer; `synchronous = NORMAL`, durable across
 * process crashes in WAL mode (only an OS crash can lose the last commits); and a busy timeout
 * for a second process on the same file. `':memory:'` opens a private in-memory database.
 */
export function openSqlite(file: string): Database.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  return db;
}
