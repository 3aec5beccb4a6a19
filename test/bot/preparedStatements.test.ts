import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import sinon from 'sinon';
import { withPreparedStatements } from '../../bot/database/preparedStatements';

interface Tables {
  item: { id: number; name: string; note?: string | null };
}

describe('withPreparedStatements() (Kysely on better-sqlite3)', () => {
  let raw: Database.Database;
  let prepare: sinon.SinonSpy;
  let db: Kysely<Tables>;

  const open = (max?: number): void => {
    raw = new Database(':memory:');
    prepare = sinon.spy(raw, 'prepare');
    db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withPreparedStatements(raw, max) }) });
  };

  afterEach(async () => {
    await db.destroy();
    sinon.restore();
  });

  const byId = (id: number) => db.selectFrom('item').select('name').where('id', '=', id).executeTakeFirst();

  it('prepares a query once however often it runs, with each run its own parameters', async () => {
    open();
    await sql`create table item (id integer primary key, name text not null, note text)`.execute(db);
    await db.insertInto('item').values({ id: 1, name: 'one' }).execute();
    await db.insertInto('item').values({ id: 2, name: 'two' }).execute();
    const before = prepare.callCount;
    assert.deepEqual(await Promise.all([byId(1), byId(2), byId(1), byId(3)]), [
      { name: 'one' },
      { name: 'two' },
      { name: 'one' },
      undefined,
    ]);
    assert.equal(prepare.callCount - before, 1);
    // Writes with RETURNING read rows back from a kept statement too.
    const inserted = await Promise.all(
      [3, 4].map((id) =>
        db
          .insertInto('item')
          .values({ id, name: `n${id}` })
          .returning('id')
          .executeTakeFirst(),
      ),
    );
    assert.deepEqual(inserted, [{ id: 3 }, { id: 4 }]);
  });

  it('lets the least recently used statement go beyond its bound, and prepares it again when needed', async () => {
    open(2);
    await sql`create table item (id integer primary key, name text not null, note text)`.execute(db);
    await db.insertInto('item').values({ id: 1, name: 'one' }).execute();
    const count = () =>
      db
        .selectFrom('item')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
    await byId(1);
    await count();
    const before = prepare.callCount;
    await byId(1); // kept: most recent now
    await db.selectFrom('item').select('id').execute(); // a third text: `count` goes
    assert.equal(prepare.callCount - before, 1);
    await byId(1);
    assert.equal(prepare.callCount - before, 1, 'still kept');
    await count();
    assert.equal(prepare.callCount - before, 2, 'prepared again');
  });

  it('a kept statement still runs after a migration changed its table', async () => {
    open();
    await sql`create table item (id integer primary key, name text not null)`.execute(db);
    await db.insertInto('item').values({ id: 1, name: 'one' }).execute();
    const all = () => db.selectFrom('item').selectAll().execute();
    assert.deepEqual(await all(), [{ id: 1, name: 'one' }]);
    await sql`alter table item add column note text`.execute(db);
    assert.deepEqual(await all(), [{ id: 1, name: 'one', note: null }]);
  });
});
