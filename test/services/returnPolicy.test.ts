import assert from 'node:assert/strict';
import { checkReturnEligibility, type ReturnPolicy } from '../../services/returnPolicy';
import type { Order } from '../../services/types';

const policy: ReturnPolicy = { windowDays: 30, nonReturnableCategories: ['underwear', 'giftCards'] };
const now = new Date('2025-06-11T08:00:00Z');

function order(overrides: Partial<Order>): Order {
  return {
    number: 'SB-1',
    status: 'delivered',
    placedAt: '2025-06-01T10:00:00Z',
    deliveredAt: '2025-06-05T10:00:00Z',
    customer: { name: 'A', email: 'a@example.com', phone: '+34600000000', postcode: '28001' },
    items: [
      { sku: 'A', name: 'Jacket', category: 'clothing', quantity: 1 },
      { sku: 'B', name: 'Briefs', category: 'underwear', quantity: 1 },
      { sku: 'C', name: 'Boots', category: 'shoes', quantity: 1, returnedIn: 'RMA-1' },
    ],
    ...overrides,
  };
}

describe('checkReturnEligibility()', () => {
  it('accepts a delivered item inside the window in a returnable category', () => {
    assert.deepEqual(
      checkReturnEligibility(order({}), ['A'], policy, now).map((entry) => entry.problem),
      [undefined],
    );
  });

  it('refuses every item of an order that is not delivered', () => {
    for (const status of ['processing', 'shipped', 'outForDelivery', 'delayed', 'cancelled'] as const) {
      const checked = checkReturnEligibility(
        order({ status, deliveredAt: undefined }),
        ['A', 'B'],
        policy,
        now,
      );
      assert.deepEqual(
        checked.map((entry) => entry.problem),
        [{ reason: 'notDelivered' }, { reason: 'notDelivered' }],
        status,
      );
    }
  });

  it('refuses a non-returnable category and an item already returned, naming them', () => {
    const checked = checkReturnEligibility(order({}), ['B', 'C'], policy, now);
    assert.deepEqual(
      checked.map((entry) => [entry.item.sku, entry.problem]),
      [
        ['B', { reason: 'nonReturnable', category: 'underwear' }],
        ['C', { reason: 'alreadyReturned', rma: 'RMA-1' }],
      ],
    );
  });

  it('counts the window from the delivery, to the minute', () => {
    const delivered = order({ deliveredAt: '2025-05-12T08:00:00Z' });
    assert.equal(checkReturnEligibility(delivered, ['A'], policy, now)[0]?.problem, undefined, 'last moment');
    const late = order({ deliveredAt: '2025-05-12T07:59:00Z' });
    assert.deepEqual(checkReturnEligibility(late, ['A'], policy, now)[0]?.problem, {
      reason: 'windowClosed',
      windowDays: 30,
      closedAt: '2025-06-11T07:59:00.000Z',
    });
  });

  it('uses the configured window', () => {
    const checked = checkReturnEligibility(order({}), ['A'], { ...policy, windowDays: 3 }, now);
    assert.equal(checked[0]?.problem?.reason, 'windowClosed');
  });
});
