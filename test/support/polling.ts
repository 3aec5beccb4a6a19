import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The one way tests wait for something the server does asynchronously: `read` is called again
 * every `everyMs` until it returns a value other than `undefined` or `false`, which is returned.
 * After `timeoutMs` the wait fails naming `what`. NOTE: a bound on waiting, never a timing claim:
 * on a loaded machine the value simply arrives later.
 */
export async function waitFor<T>(
  read: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  { timeoutMs = 20_000, everyMs = 10 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`waitFor(): never happened within ${timeoutMs} ms: ${what}`);
    await sleep(everyMs);
  }
}

/** {@link waitFor} for a condition: resolves once `condition()` is true. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  await waitFor(async () => (await condition()) || undefined, what);
}
