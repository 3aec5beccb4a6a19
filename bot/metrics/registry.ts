import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The operational metrics of one instance, in Prometheus form (prom-client). Counters and the
 * histogram are updated as things happen; gauges that describe current state (queue length,
 * agents online, breaker state) are read when `/metrics` is scraped.
 */
export class SwitchboardMetrics {
  readonly registry = new Registry();
  readonly turnSeconds: Histogram<'channel'>;
  readonly turns: Counter<'channel'>;
  readonly turnErrors: Counter<'channel'>;
  readonly deliveryFailures: Counter<'channel'>;
  readonly storageErrors: Counter<'store' | 'operation'>;

  constructor() {
    // Process metrics, event-loop lag among them (`nodejs_eventloop_lag_seconds`, percentiles).
    collectDefaultMetrics({
      register: this.registry,
      prefix: 'switchboard_',
      eventLoopMonitoringPrecision: 20,
    });
    this.turnSeconds = new Histogram({
      name: 'switchboard_turn_duration_seconds',
      help: 'Time from a customer activity entering the shared turn path to the end of its turn.',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.turns = new Counter({
      name: 'switchboard_turns_total',
      help: 'Turns run, per channel.',
      labelNames: ['channel'],
      registers: [this.registry],
    });
    this.turnErrors = new Counter({
      name: 'switchboard_turn_errors_total',
      help: 'Turns that failed (the customer got an apology), per channel.',
      labelNames: ['channel'],
      registers: [this.registry],
    });
    this.deliveryFailures = new Counter({
      name: 'switchboard_channel_delivery_failures_total',
      help: "Replies the customer's channel did not accept, per channel.",
      labelNames: ['channel'],
      registers: [this.registry],
    });
    this.storageErrors = new Counter({
      name: 'switchboard_storage_errors_total',
      help: 'Failed reads, writes and deletes of a store (eTag conflicts are not errors).',
      labelNames: ['store', 'operation'],
      registers: [this.registry],
    });
  }

  /**
   * A gauge whose values are read at scrape time: `read` returns (or resolves to) one value per
   * label set (an empty label set for a gauge without labels). NOTE: prom-client awaits an async
   * `collect`; the old values are replaced only once the new ones are read.
   */
  gauge<Label extends string>(
    name: string,
    help: string,
    labelNames: readonly Label[],
    read: () =>
      | Iterable<[labels: Partial<Record<Label, string>>, value: number]>
      | Promise<Iterable<[labels: Partial<Record<Label, string>>, value: number]>>,
  ): void {
    new Gauge<Label>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect(this: Gauge<Label>) {
        const values = await read();
        this.reset();
        for (const [labels, value] of values) this.set(labels, value);
      },
    });
  }

  /** The text Prometheus scrapes, and its content type. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
