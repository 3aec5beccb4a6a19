import { SharedDatabase } from '../../bot/database';
import { INSIGHTS_MIGRATIONS } from '../../bot/insights';
import type { InsightTables } from '../../bot/insights/events';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

/** Both dialects the insights store runs on. */
export const DIALECTS = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof DIALECTS)[number];

/**
 * A database for one suite: none for SQLite (insights open their own, in memory), a fresh
 * PostgreSQL database otherwise (failing, not skipping, under CI when the server is missing).
 * `database()` gives the current one; `reset()` empties it between tests.
 */
export function insightsDatabase(dialect: TestDialect): {
  database: () => SharedDatabase | undefined;
  before: (suite: Mocha.Context) => Promise<void>;
  reset: () => Promise<void>;
  after: () => Promise<void>;
} {
  let server: TestDatabase | undefined;
  let database: SharedDatabase | undefined;
  return {
    database: () => database,
    async before(suite) {
      if (dialect === 'sqlite') return;
      server = await createTestDatabase(suite);
      database = new SharedDatabase({ dialect: 'postgres', url: server.url, poolSize: 4 }, [
        INSIGHTS_MIGRATIONS,
      ]);
      await database.ready;
    },
    async reset() {
      if (!database) return;
      const db = database.db.withTables<InsightTables>();
      for (const table of ['insight_events', 'insight_open_tasks'] as const)
        await db.deleteFrom(table).execute();
    },
    async after() {
      await database?.close();
      await server?.drop();
    },
  };
}
