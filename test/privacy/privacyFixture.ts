import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { runCli, type CliResult } from '../support/cli';

/** Runs `npm run cli` (tsx) with extra environment; the exit code and output. */
export function cli(env: Record<string, string | undefined>, ...args: string[]): Promise<CliResult> {
  return runCli({ env: { LOG_LEVEL: 'silent', ...env } }, ...args);
}

/** One row of some table of some database, as JSON, for searching. */
export interface DumpedRow {
  where: string;
  json: string;
}

/**
 * Every row of every table of Switchboard's SQLite files in `dataDir`, read directly; not the
 * demo shop's own database (`shop.sqlite`): the shop's records are the shop's, not Switchboard's.
 */
export function dumpSqliteFiles(dataDir: string): DumpedRow[] {
  const rows: DumpedRow[] = [];
  const files = fs.readdirSync(dataDir).filter((name) => name.endsWith('.sqlite') && name !== 'shop.sqlite');
  for (const file of files) {
    const db = new Database(path.join(dataDir, file), { readonly: true, fileMustExist: true });
    try {
      const tables = db
        .prepare<[], { name: string }>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .all();
      for (const { name } of tables) {
        for (const row of db.prepare(`SELECT * FROM "${name}"`).all()) {
          rows.push({ where: `${file}/${name}`, json: JSON.stringify(row, bufferAsText) });
        }
      }
    } finally {
      db.close();
    }
  }
  return rows;
}

/**
 * Every row of every table of a PostgreSQL database, read directly; not the demo shop's tables
 * (`shop_*`, there with `STORAGE=postgres`), for the reason `dumpSqliteFiles` leaves out `shop.sqlite`.
 */
export async function dumpPostgres(url: string): Promise<DumpedRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name NOT LIKE 'shop\\_%'",
    );
    const rows: DumpedRow[] = [];
    for (const { table_name: name } of tables.rows) {
      const result = await client.query(`SELECT * FROM "${name}"`);
      for (const row of result.rows)
        rows.push({ where: `postgres/${name}`, json: JSON.stringify(row, bufferAsText) });
    }
    return rows;
  } finally {
    await client.end();
  }
}

/** Buffers (uploads) searched as the text they hold. */
function bufferAsText(_key: string, value: unknown): unknown {
  if (value instanceof Buffer) return value.toString('latin1');
  if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer') {
    return Buffer.from((value as { data: number[] }).data).toString('latin1');
  }
  return value;
}

/** The rows that mention any of `needles` (any case), as `where: needle`. */
export function mentions(rows: readonly DumpedRow[], needles: readonly string[]): string[] {
  return rows.flatMap((row) => {
    const text = row.json.toLowerCase();
    return needles
      .filter((needle) => text.includes(needle.toLowerCase()))
      .map((needle) => `${row.where}: ${needle}`);
  });
}
