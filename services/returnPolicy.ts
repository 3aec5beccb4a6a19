import { DateTime } from 'luxon';
import type { Order, OrderItem } from './types';

/** The shop's return rules. */
export interface ReturnPolicy {
  /** Days after delivery a return may be started. */
  windowDays: number;
  /** Categories that are never returnable (hygiene, gift cards, opened software). */
  nonReturnableCategories: readonly string[];
}

/** Why one item cannot be returned. */
export type IneligibilityReason =
  | { reason: 'notDelivered' }
  | { reason: 'windowClosed'; windowDays: number; closedAt: string }
  | { reason: 'nonReturnable'; category: string }
  | { reason: 'alreadyReturned'; rma: string };

export interface ItemEligibility {
  item: OrderItem;
  /** Undefined when the item can be returned. */
  problem?: IneligibilityReason;
}

/**
 * Checks each chosen item against the policy, in this order: the order must be delivered, the
 * item not already returned, not in a non-returnable category, and the return window (counted
 * from the delivery) still open at `now`.
 */
export function checkReturnEligibility(
  order: Order,
  skus: readonly string[],
  policy: ReturnPolicy,
  now: Date,
): ItemEligibility[] {
  return order.items
    .filter((item) => skus.includes(item.sku))
    .map((item) => ({ item, problem: problemOf(order, item, policy, now) }));
}

function problemOf(
  order: Order,
  item: OrderItem,
  policy: ReturnPolicy,
  now: Date,
): IneligibilityReason | undefined {
  if (order.status !== 'delivered' || !order.deliveredAt) return { reason: 'notDelivered' };
  if (item.returnedIn) return { reason: 'alreadyReturned', rma: item.returnedIn };
  if (policy.nonReturnableCategories.includes(item.category)) {
    return { reason: 'nonReturnable', category: item.category };
  }
  const closedAt = DateTime.fromISO(order.deliveredAt).plus({ days: policy.windowDays });
  if (closedAt.toMillis() < now.getTime()) {
    return {
      reason: 'windowClosed',
      windowDays: policy.windowDays,
      closedAt: closedAt.toUTC().toISO() ?? '',
    };
  }
  return undefined;
}
