import { AsyncLocalStorage } from 'node:async_hooks';

/** The values one turn carries implicitly, and the turn (its TurnContext) they were set for. */
interface Scope {
  readonly turn: object;
  readonly values: Map<symbol, unknown>;
}

/**
 * NOTE: one AsyncLocalStorage for everything a turn carries implicitly (the log fields, the
 * turn insights record), not one each: in Node 20 every AsyncLocalStorage in use adds its own
 * step to a hook that runs for every promise the process creates, and a turn creates thousands.
 */
const scopes = new AsyncLocalStorage<Scope>();

/**
 * A value that code running inside a turn can find without being given the turn, such as a
 * logger line or a telemetry event botbuilder reports without a TurnContext.
 */
export class TurnSlot<T> {
  private readonly key: symbol;

  constructor(name: string) {
    this.key = Symbol(name);
  }

  /** The value of the turn running now, if one set it. */
  get(): T | undefined {
    return scopes.getStore()?.values.get(this.key) as T | undefined;
  }

  /**
   * Runs `work` (the rest of the turn `turn`) with the slot set to `value`. The scope already
   * open for the same turn takes the value when its slot is free; otherwise (no scope, another
   * turn's, or the slot set already) a new scope opens, with the other values it had.
   */
  run<R>(turn: object, value: T, work: () => Promise<R>): Promise<R> {
    const open = scopes.getStore();
    if (open?.turn === turn && !open.values.has(this.key)) {
      open.values.set(this.key, value);
      return work();
    }
    const values = new Map(open?.values);
    values.set(this.key, value);
    return scopes.run({ turn, values }, work);
  }
}
