import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type restify from 'restify';
import type { Request, Response } from 'restify';
import { HttpProblem, bearer, fail } from '../httpAnswers';
import type { Logger } from '../logger';
import { secretsEqual } from '../secretsEqual';
import type { SwitchboardMetrics } from './registry';

/** How `/metrics` is reached: never open by default. */
export interface MetricsAccess {
  /** `METRICS_TOKEN`: `/metrics` on the main port answers a matching bearer token. */
  token: string | undefined;
  /** `METRICS_PORT`: `/metrics` is served on this port instead, without a token. */
  port: number | undefined;
  /** `METRICS_HOST`: the interface of `METRICS_PORT` (`127.0.0.1`). */
  host: string;
}

const OFF = new HttpProblem(
  404,
  'MetricsOff',
  'metrics are off: set METRICS_TOKEN to scrape /metrics here, or METRICS_PORT for a port of its own',
);
const ON_OTHER_PORT = new HttpProblem(404, 'MetricsOnOtherPort', 'metrics are served on METRICS_PORT');
const UNAUTHORIZED = new HttpProblem(
  401,
  'Unauthorized',
  'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>',
);

/**
 * `GET /metrics` on the main server: with `METRICS_TOKEN` for a matching bearer token only
 * (compared in constant time), otherwise a 404 that says how to turn metrics on.
 */
export function mountMetricsRoute(
  server: restify.Server,
  metrics: SwitchboardMetrics | undefined,
  access: MetricsAccess,
): void {
  server.get('/metrics', async (req: Request, res: Response) => {
    if (metrics === undefined || access.token === undefined) {
      fail(res, access.port === undefined ? OFF : ON_OTHER_PORT);
      return;
    }
    const given = bearer(req.header('authorization'));
    if (given === undefined || !secretsEqual(given, access.token)) {
      res.header('WWW-Authenticate', 'Bearer realm="metrics"');
      fail(res, UNAUTHORIZED);
      return;
    }
    const { contentType, body } = await metrics.exposition();
    res.writeHead(200, { 'content-type': contentType });
    res.end(body);
  });
}

/** The separate metrics listener of `METRICS_PORT`. */
export interface MetricsListener {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` alone on `METRICS_PORT` (meant for an internal interface or network),
 * every other path 404 and every other method 405, as JSON.
 */
export function listenForMetrics(
  metrics: SwitchboardMetrics,
  port: number,
  host: string,
  logger: Logger,
): Promise<MetricsListener> {
  const json = (res: http.ServerResponse, status: number, code: string, message: string): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code, message }));
  };
  const listener = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://metrics').pathname;
    if (path !== '/metrics') return json(res, 404, 'NotFound', `${path} does not exist; try /metrics`);
    if (req.method !== 'GET') return json(res, 405, 'MethodNotAllowed', 'GET /metrics only');
    metrics.exposition().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType });
        res.end(body);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'metrics collection failed');
        json(res, 500, 'MetricsFailed', 'collecting the metrics failed; see the log');
      },
    );
  });
  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      listener.removeListener('error', reject);
      const address = listener.address() as AddressInfo;
      resolve({
        url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            listener.close(() => done());
            listener.closeAllConnections();
          }),
      });
    });
  });
}
