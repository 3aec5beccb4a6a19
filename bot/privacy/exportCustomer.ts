import { auditedIdentity, type CustomerFootprint, type CustomerIdentity } from './customerIdentity';
import type { CustomerStore } from './customerStores';
import { findCustomer } from './findCustomer';

/** The references to the shop's records that the bot recorded (the shop's records stay the shop's). */
export interface RecordedReferences {
  orders: string[];
  returns: string[];
  bookings: string[];
}

/** Everything Switchboard holds about one customer (GDPR article 15), as one JSON document. */
export interface CustomerExport {
  exportedAt: string;
  identity: CustomerIdentity;
  /** Where the customer was found: conversations (`channel/id`) and channel users (`channel/user`). */
  found: CustomerFootprint;
  /** Each store's records of the customer, by kind. */
  stores: Record<string, Record<string, unknown[]>>;
  /** Satisfaction answers given after a conversation with a person. */
  satisfaction: { caseId: number; conversationKey: string; rating: number }[];
  references: RecordedReferences;
  /** How many records of each kind each store holds. */
  counts: Record<string, Record<string, number>>;
  total: number;
}

interface CaseLike {
  id: number;
  conversationKey: string;
  satisfaction?: number;
  collected?: Record<string, unknown>;
}

const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.filter((v) => typeof v === 'string')
      : [];

/** Order numbers, RMAs and booking references in a case file (`CaseFile` in bot/state.ts). */
function referencesIn(caseFile: unknown, into: { [K in keyof RecordedReferences]: Set<string> }): void {
  if (typeof caseFile !== 'object' || caseFile === null) return;
  const file = caseFile as Record<string, unknown>;
  for (const order of [...strings(file.orderNumber), ...strings(file.verifiedOrders)]) into.orders.add(order);
  for (const rma of strings(file.rma)) into.returns.add(rma);
  for (const booking of strings(file.bookingReference)) into.bookings.add(booking);
}

/** Builds the export of `identity` from every store. */
export async function exportCustomer(
  identity: CustomerIdentity,
  stores: readonly CustomerStore[],
  now: () => number = Date.now,
): Promise<CustomerExport> {
  const found = await findCustomer(identity, stores);
  const byStore: CustomerExport['stores'] = {};
  const counts: CustomerExport['counts'] = {};
  for (const store of stores) {
    const records = await store.recordsOf(found);
    byStore[store.name] = records;
    counts[store.name] = Object.fromEntries(
      Object.entries(records).map(([kind, list]) => [kind, list.length]),
    );
  }
  const cases = (byStore.handoff?.cases ?? []) as CaseLike[];
  const references = { orders: new Set<string>(), returns: new Set<string>(), bookings: new Set<string>() };
  for (const handoffCase of cases) referencesIn(handoffCase.collected, references);
  for (const item of (byStore.botState?.conversationState ?? []) as {
    value?: { conversationData?: { caseFile?: unknown } };
  }[]) {
    referencesIn(item.value?.conversationData?.caseFile, references);
  }
  return {
    exportedAt: new Date(now()).toISOString(),
    identity,
    found,
    stores: byStore,
    satisfaction: cases.flatMap((c) =>
      c.satisfaction === undefined
        ? []
        : [{ caseId: c.id, conversationKey: c.conversationKey, rating: c.satisfaction }],
    ),
    references: {
      orders: [...references.orders].sort(),
      returns: [...references.returns].sort(),
      bookings: [...references.bookings].sort(),
    },
    counts,
    total: Object.values(counts).reduce(
      (sum, kinds) => sum + Object.values(kinds).reduce((a, b) => a + b, 0),
      0,
    ),
  };
}

/** What the audit log keeps of an export: the identity by hash and the record counts. */
export function auditedExport(document: CustomerExport): Record<string, unknown> {
  return { identity: auditedIdentity(document.identity), records: document.counts, total: document.total };
}
