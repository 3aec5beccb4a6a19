import assert from 'node:assert/strict';
import { sql } from 'kysely';
import pg from 'pg';
import { SharedDatabase } from '../../bot/database';
import { eventually } from '../support/polling';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

describe('SharedDatabase on PostgreSQL when the server ends its connections', function () {
  let database: TestDatabase;
  before(async function () {
    database = await createTestDatabase(this);
  });
  after(async () => {
    await database?.drop();
  });

  it('an idle connection ended by the server neither ends the process nor breaks the next query', async () => {
    const shared = new SharedDatabase({ dialect: 'postgres', url: database.url, poolSize: 2 });
    const uncaught: unknown[] = [];
    const listener = (error: unknown): void => void uncaught.push(error);
    // Mocha's own handler would report it as a failure too; this one also lets the test say so.
    process.prependListener('uncaughtException', listener);
    try {
      await shared.ready;
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(shared.db);
      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      try {
        // As a restart or a failover would: the server ends the pool's idle connection.
        await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      } finally {
        await admin.end();
      }
      await eventually(() => !shared.isOpen, 'the database is reported unreachable');
      assert.deepEqual(uncaught, []);
      assert.equal(await shared.ping(), true);
      assert.equal(shared.isOpen, true);
    } finally {
      process.removeListener('uncaughtException', listener);
      await shared.close();
    }
  });
});
