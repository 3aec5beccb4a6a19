import assert from 'node:assert/strict';
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format';
import { parseConfig } from '../../bot/config';
import { ConfigError } from '../../bot/config';
import { removeDataDir, say, startServer, type RunningServer } from '../support/testServer';

const TOKEN = 'metrics-token-0123456789';

async function scrape(url: string, headers: Record<string, string> = {}): Promise<MetricFamily[]> {
  const response = await fetch(`${url}/metrics`, { headers });
  assert.equal(response.status, 200);
  assert.match(String(response.headers.get('content-type')), /^text\/plain; version=0\.0\.4/);
  return parsePrometheusTextFormat(await response.text());
}

function family(families: MetricFamily[], name: string): MetricFamily {
  const found = families.find((candidate) => candidate.name === name);
  assert.ok(found, `${name} is exposed`);
  return found;
}

function sample(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  const found = family(families, name).metrics.find((metric) =>
    Object.entries(labels).every(([key, value]) => metric.labels?.[key] === value),
  );
  assert.ok(found, `${name}${JSON.stringify(labels)} has a sample`);
  return Number(found.value ?? found.count);
}

describe('GET /metrics (Prometheus)', () => {
  const started: RunningServer[] = [];
  const start = async (env: Record<string, string> = {}): Promise<RunningServer> => {
    const server = await startServer(env);
    started.push(server);
    return server;
  };
  afterEach(async () => {
    for (const server of started.splice(0)) {
      await server.app.close();
      removeDataDir(server.dataDir);
    }
  });

  it('is off by default: 404 with a JSON answer that says how to turn it on', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/metrics`);
    assert.equal(response.status, 404);
    const body = (await response.json()) as { code: string; message: string };
    assert.equal(body.code, 'MetricsOff');
    assert.match(body.message, /METRICS_TOKEN/);
  });

  it('with METRICS_TOKEN: 401 without the bearer token or with another one', async () => {
    const server = await start({ METRICS_TOKEN: TOKEN });
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: TOKEN },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${server.url}/metrics`, { headers });
      assert.equal(response.status, 401);
      assert.match(String(response.headers.get('www-authenticate')), /^Bearer/);
      assert.equal(((await response.json()) as { code: string }).code, 'Unauthorized');
    }
  });

  it('counts and times turns per channel, and reports queues, agents online and event-loop lag', async () => {
    const server = await start({ METRICS_TOKEN: TOKEN });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const before = await scrape(server.url, auth);
    assert.equal(family(before, 'switchboard_turns_total').metrics.length, 0, 'no turn yet');

    await say(server.url, 'm1', 'hello');
    await say(server.url, 'm1', 'help');
    await say(server.url, 'm2', 'hello');
    const after = await scrape(server.url, auth);
    assert.equal(sample(after, 'switchboard_turns_total', { channel: 'test' }), 3);
    assert.equal(family(after, 'switchboard_turn_duration_seconds').type, 'HISTOGRAM');
    // NOTE: the parser keeps only the buckets of a histogram (no labels); one channel ran turns here.
    const durations = family(after, 'switchboard_turn_duration_seconds').metrics;
    assert.equal(durations.length, 1);
    assert.equal(Number(durations[0]?.buckets?.['+Inf']), 3);
    assert.equal(family(after, 'switchboard_turn_errors_total').type, 'COUNTER');
    for (const team of ['support']) {
      assert.equal(sample(after, 'switchboard_handoff_queue_length', { team }), 0);
      assert.equal(sample(after, 'switchboard_handoff_oldest_wait_seconds', { team }), 0);
    }
    assert.equal(sample(after, 'switchboard_agents_online'), 0);
    assert.ok(sample(after, 'switchboard_nodejs_eventloop_lag_seconds') >= 0);

    // The queue gauges read the handoff store at scrape time (an async read).
    await say(server.url, 'm3', 'agent');
    const queued = await scrape(server.url, auth);
    assert.equal(sample(queued, 'switchboard_handoff_queue_length', { team: 'support' }), 1);
    assert.ok(sample(queued, 'switchboard_handoff_oldest_wait_seconds', { team: 'support' }) >= 0);
  });

  it('with METRICS_PORT: served there without a token, only GET /metrics, and not on the main port', async () => {
    const server = await start({ METRICS_PORT: '0' });
    const metricsUrl = server.app.metricsUrl() ?? '';
    assert.ok(metricsUrl?.startsWith('http://127.0.0.1:'), String(metricsUrl));
    const families = await scrape(metricsUrl);
    assert.ok(families.length > 10);

    const main = await fetch(`${server.url}/metrics`);
    assert.equal(main.status, 404);
    assert.equal(((await main.json()) as { code: string }).code, 'MetricsOnOtherPort');
    const other = await fetch(`${metricsUrl}/admin`);
    assert.equal(other.status, 404);
    assert.equal(((await other.json()) as { code: string }).code, 'NotFound');
    const post = await fetch(`${metricsUrl}/metrics`, { method: 'POST' });
    assert.equal(post.status, 405);
  });

  it('refuses a short METRICS_TOKEN and a METRICS_PORT equal to PORT, naming the variable', () => {
    assert.throws(
      () => parseConfig({ METRICS_TOKEN: 'short' }),
      (error: unknown) => {
        return (
          error instanceof ConfigError && /METRICS_TOKEN must be at least 16 characters/.test(error.message)
        );
      },
    );
    assert.throws(
      () => parseConfig({ PORT: '4000', METRICS_PORT: '4000' }),
      /METRICS_PORT must differ from PORT/,
    );
  });
});
