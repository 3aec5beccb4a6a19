import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_STORE_FILE } from '../../services/demo/demoStore';
import { ReturnNotAllowedError, SlotTakenError } from '../../services/errors';
import { sharedInstances, type SharedInstances } from '../support/sharedInstances';

describe('the demo store on two instances (one PostgreSQL, one Redis, two DATA_DIRs)', function () {
  this.timeout(120_000);
  let instances: SharedInstances | undefined;

  before(async function () {
    instances = await sharedInstances(this);
  });
  after(async () => {
    await instances?.stop();
  });

  it('a slot booked and an item returned through one instance are taken on the other', async () => {
    const [one, two] = await Promise.all([instances!.start(), instances!.start()]);
    assert.notEqual(one.dataDir, two.dataDir);
    const from = new Date().toISOString().slice(0, 10);
    const query = { serviceId: 'boot-fitting', from, days: 14 };
    const [slot] = await one.app.commerce.appointments.freeSlots(query);
    assert.ok(slot, 'the seeded shop offers a boot fitting within two weeks');
    const booking = await one.app.commerce.appointments.book({
      idempotencyKey: 'e2e/one',
      serviceId: 'boot-fitting',
      start: slot.start,
      contact: { email: 'one@example.com' },
    });
    const offered = await two.app.commerce.appointments.freeSlots(query);
    assert.ok(!offered.some((free) => free.start === slot.start), 'instance two no longer offers the slot');
    await assert.rejects(
      two.app.commerce.appointments.book({
        idempotencyKey: 'e2e/two',
        serviceId: 'boot-fitting',
        start: slot.start,
        contact: { email: 'two@example.com' },
      }),
      SlotTakenError,
    );
    assert.deepEqual(await two.app.commerce.appointments.findBooking(booking.reference), booking);

    const jacket = {
      orderNumber: 'SB-10002',
      skus: ['RJK-M'],
      reason: 'wrongSize',
      refundMethod: 'storeCredit',
    } as const;
    const created = await one.app.commerce.returns.createReturn({
      ...jacket,
      skus: [...jacket.skus],
      idempotencyKey: 'e2e/one',
    });
    await assert.rejects(
      two.app.commerce.returns.createReturn({ ...jacket, skus: [...jacket.skus], idempotencyKey: 'e2e/two' }),
      ReturnNotAllowedError,
    );
    const order = await two.app.commerce.orders.findOrder('SB-10002');
    assert.equal(order?.items.find((item) => item.sku === 'RJK-M')?.returnedIn, created.rma);
    for (const server of [one, two])
      assert.ok(!fs.existsSync(path.join(server.dataDir, DEMO_STORE_FILE)), 'no shop.sqlite in DATA_DIR');
  });
});
