import { auditedIdentity, type CustomerIdentity } from './customerIdentity';
import type { CustomerStore, RecordCounts } from './customerStores';
import { findCustomer } from './findCustomer';

/** What an erasure removed: per store the number of records, and per store and kind. */
export interface CustomerErasure {
  erased: Record<string, number>;
  details: Record<string, RecordCounts>;
  total: number;
}

const sum = (counts: RecordCounts): number => Object.values(counts).reduce((a, b) => a + b, 0);

/**
 * Deletes everything Switchboard holds about `identity` in every store (GDPR article 17).
 * Idempotent: erasing again finds nothing and removes nothing.
 *
 * NOTE: the customer is found before anything is deleted, so links between stores (a Direct
 * Line conversation's user, a case's customer) are still there to follow.
 */
export async function eraseCustomer(
  identity: CustomerIdentity,
  stores: readonly CustomerStore[],
): Promise<CustomerErasure> {
  const found = await findCustomer(identity, stores);
  const details: CustomerErasure['details'] = {};
  for (const store of stores) details[store.name] = await store.erase(found);
  const erased = Object.fromEntries(Object.entries(details).map(([name, counts]) => [name, sum(counts)]));
  return { erased, details, total: sum(erased) };
}

/** What the audit log keeps of an erasure: the identity by hash and the record counts. */
export function auditedErasure(
  identity: CustomerIdentity,
  erasure: CustomerErasure,
): Record<string, unknown> {
  return { identity: auditedIdentity(identity), records: erasure.details, total: erasure.total };
}
