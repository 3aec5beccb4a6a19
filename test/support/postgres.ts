import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The machine's PostgreSQL server (`.ci/run` starts it); override with `TEST_POSTGRES_URL`.
 * Each test run works in a database of its own, created here and dropped after.
 */
const SERVER_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, empty database for one suite, with its URL. */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

function databaseUrl(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates a new database for a suite (call from `before`). Without a reachable server the
 * suite is skipped with the reason printed, except under `CI`, where it fails.
 */
export async function createTestDatabase(suite: Mocha.Context): Promise<TestDatabase> {
  const admin = new pg.Client({ connectionString: SERVER_URL, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.CI)
      throw new Error(`PostgreSQL at ${SERVER_URL} is not reachable (${reason}): .ci/run must start it`);
    console.log(`    (skipped: PostgreSQL at ${SERVER_URL} is not reachable: ${reason})`);
    suite.skip();
  }
  const name = `switchboard_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(name),
    async drop(): Promise<void> {
      const client = new pg.Client({ connectionString: SERVER_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
