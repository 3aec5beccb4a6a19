import type Database from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/** Statements kept per connection: more than the stores' distinct queries, fewer than a leak. */
const MAX_STATEMENTS = 1_000;

/**
 * A SQLite connection for Kysely that prepares each distinct SQL text once. Kysely's SQLite
 * driver prepares every query anew, and compiling the statement cost more than running it (the
 * largest single item of a turn's profile once the handoff store ran through Kysely). The
 * least recently used statements are let go beyond {@link MAX_STATEMENTS} (texts differ with
 * the length of an `in (…)` list).
 *
 * NOTE: sharing a statement is safe because Kysely runs one query at a time on its one SQLite
 * connection, a streamed query holding it until its iterator ends; a statement prepared before
 * a migration changed a table is prepared again by SQLite itself.
 */
export function withPreparedStatements(db: Database.Database, max = MAX_STATEMENTS): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    prepare(sql: string): Database.Statement {
      let statement = statements.get(sql);
      if (statement) {
        // Most recently used last: the Map's first key is the one to let go.
        statements.delete(sql);
      } else {
        statement = db.prepare(sql);
        if (statements.size >= max) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      statements.set(sql, statement);
      return statement;
    },
    close(): void {
      statements.clear();
      db.close();
    },
  };
}
