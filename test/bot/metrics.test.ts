import assert from 'node:assert/strict';
import { MemoryStorage, TestAdapter, type Storage } from 'botbuilder';
import { DeliveryFailedError } from '../../bot/deliveryFailure';
import { MeteredStorage, SwitchboardMetrics, TurnMetrics } from '../../bot/metrics';
import { ETagConflictError } from '../../bot/storage';

async function value(
  metrics: SwitchboardMetrics,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  // A histogram's samples carry their own names (`…_count`, `…_sum`, `…_bucket`).
  const samples = (await metrics.registry.getMetricsAsJSON()).flatMap((metric) =>
    metric.values.map((sample) => ({
      ...sample,
      name: (sample as { metricName?: string }).metricName ?? metric.name,
    })),
  );
  const found = samples.find(
    (sample) =>
      sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted),
  );
  return found?.value ?? 0;
}

describe('TurnMetrics', () => {
  const run = async (metrics: SwitchboardMetrics, logic: () => Promise<void>): Promise<void> => {
    const adapter = new TestAdapter(async () => logic());
    adapter.use(new TurnMetrics(metrics));
    // The adapter's own error handler keeps a failed turn from failing the test's send.
    adapter.onTurnError = () => Promise.resolve();
    await adapter.send('hello').startTest();
  };

  it('onTurn() counts turns, failed turns and refused deliveries apart, per channel', async () => {
    const metrics = new SwitchboardMetrics();
    await run(metrics, () => Promise.resolve());
    await run(metrics, () => Promise.reject(new Error('dialog bug')));
    await run(metrics, () => Promise.reject(new DeliveryFailedError('test', 'channel refused the reply')));
    assert.equal(await value(metrics, 'switchboard_turns_total', { channel: 'test' }), 3);
    assert.equal(await value(metrics, 'switchboard_turn_errors_total', { channel: 'test' }), 1);
    assert.equal(await value(metrics, 'switchboard_channel_delivery_failures_total', { channel: 'test' }), 1);
    assert.equal(await value(metrics, 'switchboard_turn_duration_seconds_count', { channel: 'test' }), 3);
  });
});

describe('MeteredStorage', () => {
  const failing = (error: Error): Storage => ({
    read: () => Promise.reject(error),
    write: () => Promise.reject(error),
    delete: () => Promise.reject(error),
  });

  it('counts failed reads, writes and deletes, and passes the error on', async () => {
    const metrics = new SwitchboardMetrics();
    const storage = new MeteredStorage(failing(new Error('connection lost')), metrics);
    await assert.rejects(storage.read(['k']), /connection lost/);
    await assert.rejects(storage.write({ k: {} }), /connection lost/);
    await assert.rejects(storage.write({ k: {} }), /connection lost/);
    await assert.rejects(storage.delete(['k']), /connection lost/);
    assert.equal(
      await value(metrics, 'switchboard_storage_errors_total', { store: 'state', operation: 'read' }),
      1,
    );
    assert.equal(
      await value(metrics, 'switchboard_storage_errors_total', { store: 'state', operation: 'write' }),
      2,
    );
    assert.equal(
      await value(metrics, 'switchboard_storage_errors_total', { store: 'state', operation: 'delete' }),
      1,
    );
  });

  it('does not count eTag conflicts, and reads and writes through', async () => {
    const metrics = new SwitchboardMetrics();
    await assert.rejects(new MeteredStorage(failing(new ETagConflictError('k')), metrics).write({ k: {} }));
    const storage = new MeteredStorage(new MemoryStorage(), metrics);
    await storage.write({ k: { n: 1 } });
    assert.equal(((await storage.read(['k'])).k as { n: number }).n, 1);
    assert.equal(await value(metrics, 'switchboard_storage_errors_total', { operation: 'write' }), 0);
  });
});
