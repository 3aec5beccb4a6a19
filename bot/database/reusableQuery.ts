import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/** Marks a parameter in the query as built; never a value a store would bind. */
const SENTINEL = '\u0000switchboard.param:';

/** Where each bound value of the compiled query comes from: a named parameter or the built query's own value. */
type Slot = { param: string } | { value: unknown };

interface Compiled {
  sql: string;
  slots: Slot[];
}

/**
 * A query of the turn path that Kysely builds and compiles once per database, then runs with
 * new values. Building and compiling a query is most of what Kysely costs per call (operation
 * nodes frozen one by one, then visited into SQL): for the one query every turn runs (the
 * handoff store's open case) more than running it on SQLite.
 *
 * `build` gets a `param(name)` to use where a run's value goes. It stands for the value while
 * the query is compiled (a marker string the compiled query's parameters are searched for), so
 * it may only be used where Kysely binds a value as a parameter (`where(column, '=', value)`,
 * `values(...)`, `set(...)`); used anywhere else, or not at all, the first run throws.
 *
 * NOTE: compiled per Kysely instance (each has its dialect: `?` on SQLite, `$1` on PostgreSQL).
 */
export class ReusableQuery<DB, Row, Params extends Record<string, unknown>> {
  private readonly compiled = new WeakMap<Kysely<DB>, Compiled>();

  constructor(
    private readonly build: (
      db: Kysely<DB>,
      param: <K extends keyof Params & string>(name: K) => Params[K],
    ) => Compilable<Row>,
  ) {}

  /** Runs the query on `db` with `params`; resolves with its rows. */
  async execute(db: Kysely<DB>, params: Params): Promise<Row[]> {
    const compiled = this.compiledFor(db);
    const values = compiled.slots.map((slot) => ('param' in slot ? params[slot.param] : slot.value));
    const result = await db.executeQuery<Row>(CompiledQuery.raw(compiled.sql, values));
    return result.rows;
  }

  /** The first row, or undefined. */
  async executeTakeFirst(db: Kysely<DB>, params: Params): Promise<Row | undefined> {
    const [row] = await this.execute(db, params);
    return row;
  }

  private compiledFor(db: Kysely<DB>): Compiled {
    let compiled = this.compiled.get(db);
    if (compiled) return compiled;
    const names: string[] = [];
    const param = <K extends keyof Params & string>(name: K): Params[K] => {
      names.push(name);
      return `${SENTINEL}${name}` as Params[K];
    };
    const { sql, parameters } = this.build(db, param).compile();
    if (sql.includes(SENTINEL))
      throw new Error(`ReusableQuery: a parameter was written into the SQL text, not bound: ${sql}`);
    const slots = parameters.map((value): Slot =>
      typeof value === 'string' && value.startsWith(SENTINEL)
        ? { param: value.slice(SENTINEL.length) }
        : { value },
    );
    for (const name of names)
      if (!slots.some((slot) => 'param' in slot && slot.param === name))
        throw new Error(`ReusableQuery: parameter "${name}" is not bound in the compiled query`);
    compiled = { sql, slots };
    this.compiled.set(db, compiled);
    return compiled;
  }
}
