import assert from 'node:assert/strict';
import { Kysely, sql, type SqlBool } from 'kysely';
import { SharedDatabase } from '../../bot/database';
import { ReusableQuery } from '../../bot/database/reusableQuery';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

interface Pets {
  pets: { id: number; name: string; kind: string; adopted: number };
}

const isAvailable = sql<SqlBool>`adopted in (0, 2)`;

/** Builds the query as a store would, counting how often it is built. */
function petsOfKind(): {
  query: ReusableQuery<Pets, Pets['pets'], { kind: string; minId: number }>;
  builds: () => number;
} {
  let builds = 0;
  const query = new ReusableQuery<Pets, Pets['pets'], { kind: string; minId: number }>((db, param) => {
    builds += 1;
    return db
      .selectFrom('pets')
      .selectAll()
      .where('kind', '=', param('kind'))
      .where('id', '>=', param('minId'))
      .where(isAvailable)
      .where('name', '!=', 'Nobody')
      .orderBy('id');
  });
  return { query, builds: () => builds };
}

async function seed(db: Kysely<Pets>): Promise<void> {
  await db.schema
    .createTable('pets')
    .addColumn('id', 'integer', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('adopted', 'integer', (column) => column.notNull())
    .execute();
  await db
    .insertInto('pets')
    .values([
      { id: 1, name: 'Rex', kind: 'dog', adopted: 0 },
      { id: 2, name: 'Tom', kind: 'cat', adopted: 0 },
      { id: 3, name: 'Fido', kind: 'dog', adopted: 1 },
      { id: 4, name: 'Nobody', kind: 'dog', adopted: 0 },
      { id: 5, name: 'Bella', kind: 'dog', adopted: 2 },
      { id: 6, name: "O'Malley", kind: "cat's", adopted: 0 },
    ])
    .execute();
}

function contract(open: () => Promise<{ db: Kysely<Pets>; close: () => Promise<void> }>): void {
  let db: Kysely<Pets>;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ db, close } = await open());
    await seed(db);
  });
  afterEach(async () => {
    await db.schema.dropTable('pets').ifExists().execute();
    await close();
  });

  it('answers as the query built anew each time does, for every set of values', async () => {
    const { query } = petsOfKind();
    for (const [kind, minId] of [
      ['dog', 0],
      ['dog', 2],
      ['cat', 0],
      ["cat's", 1],
      ['bird', 0],
    ] as const) {
      const direct = await db
        .selectFrom('pets')
        .selectAll()
        .where('kind', '=', kind)
        .where('id', '>=', minId)
        .where(isAvailable)
        .where('name', '!=', 'Nobody')
        .orderBy('id')
        .execute();
      assert.deepEqual(await query.execute(db, { kind, minId }), direct, `${kind}, ${minId}`);
    }
    assert.deepEqual(
      (await query.execute(db, { kind: 'dog', minId: 0 })).map((pet) => pet.name),
      ['Rex', 'Bella'],
    );
    assert.equal((await query.executeTakeFirst(db, { kind: "cat's", minId: 0 }))?.name, "O'Malley");
    assert.equal(await query.executeTakeFirst(db, { kind: 'bird', minId: 0 }), undefined);
  });

  it('builds and compiles the query once per database', async () => {
    const { query, builds } = petsOfKind();
    for (let i = 0; i < 5; i += 1) await query.execute(db, { kind: 'dog', minId: i });
    assert.equal(builds(), 1);
  });

  it('refuses a parameter that is not bound as a value', async () => {
    const unbound = new ReusableQuery<Pets, Pets['pets'], { kind: string }>((db, param) => {
      param('kind');
      return db.selectFrom('pets').selectAll();
    });
    await assert.rejects(unbound.execute(db, { kind: 'dog' }), /parameter "kind" is not bound/);
    const inlined = new ReusableQuery<Pets, Pets['pets'], { kind: string }>((db, param) =>
      db
        .selectFrom('pets')
        .selectAll()
        .where('kind', '=', sql.lit(param('kind'))),
    );
    await assert.rejects(inlined.execute(db, { kind: 'dog' }), /written into the SQL text/);
  });
}

describe('ReusableQuery on SQLite', () => {
  contract(async () => {
    const shared = new SharedDatabase({ dialect: 'sqlite', file: ':memory:' }, []);
    return { db: shared.db as unknown as Kysely<Pets>, close: () => shared.close() };
  });
});

describe('ReusableQuery on PostgreSQL', function () {
  let database: TestDatabase;
  before(async function () {
    database = await createTestDatabase(this);
  });
  after(async () => {
    await database?.drop();
  });
  contract(async () => {
    const shared = new SharedDatabase({ dialect: 'postgres', url: database.url, poolSize: 2 }, []);
    return { db: shared.db as unknown as Kysely<Pets>, close: () => shared.close() };
  });
});
