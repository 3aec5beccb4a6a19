import { randomBytes } from 'node:crypto';
import type { SharedDatabase } from './index';

/**
 * The secrets `names` from the shared database, each generated once by whichever instance asks
 * first: every instance inserts a random candidate and keeps what the table holds afterwards,
 * so racing instances all end up with the winner's value.
 */
export async function loadSharedSecrets(
  database: SharedDatabase,
  names: readonly string[],
): Promise<Record<string, string>> {
  await database.ready;
  const now = Date.now();
  await database.db
    .insertInto('secret')
    .values(names.map((name) => ({ name, value: randomBytes(32).toString('base64url'), created_at: now })))
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const rows = await database.db
    .selectFrom('secret')
    .select(['name', 'value'])
    .where('name', 'in', names)
    .execute();
  return Object.fromEntries(rows.map((row) => [row.name, row.value]));
}
