/**
 * `GET /api/console/insights`: the insights figures for leads and admins (agents get 403), as
 * JSON or, with `format=csv`, as CSV. See handoff/README.md for the figures and the columns.
 */
import type restify from 'restify';
import type { Request } from 'restify';
import type { InsightsFigures, InsightsQuery } from '../bot/insights';
import { GROUP_BYS, reportCsv, type GroupBy } from '../bot/insights';
import type { AgentDirectory } from './agentDirectory';
import { requireAgent } from './consoleAuth';
import { CONSOLE_API_BASE as BASE, HttpProblem, queryParam, send } from './consoleHttp';

export const INSIGHTS_PATH = `${BASE}/insights`;

const DAY_MS = 86_400_000;
/** Without `from`, a report starts this long before `to`. */
const DEFAULT_RANGE_MS = 30 * DAY_MS;
/** The longest range one report covers. */
export const MAX_RANGE_DAYS = 400;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Channel ids, locales and team ids as Switchboard writes them. */
const CODE = /^[A-Za-z0-9._:-]{1,60}$/;

export interface InsightsRouteDeps {
  agents: AgentDirectory;
  figures: InsightsFigures;
  now: () => number;
}

const bad = (name: string, message: string): HttpProblem =>
  new HttpProblem(400, 'BadArgument', `${name}: ${message}`);

/** A query parameter given at most once, as a string. */
function single(req: Request, name: string): string | undefined | HttpProblem {
  const value = queryParam(req, name);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return bad(name, 'give it once');
  return value;
}

/** `2026-12-01` (midnight UTC) or an ISO 8601 time with a zone (`2026-12-01T08:00:00Z`). */
function timeParam(req: Request, name: string): number | undefined | HttpProblem {
  const value = single(req, name);
  if (value === undefined || value instanceof HttpProblem) return value;
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
  const ms = DAY.test(value) ? Date.parse(`${value}T00:00:00Z`) : iso.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms))
    return bad(name, 'must be a day (2026-12-01) or an ISO 8601 time with a zone (2026-12-01T08:00:00Z)');
  return ms;
}

function codeParam(req: Request, name: string): string | undefined | HttpProblem {
  const value = single(req, name);
  if (value === undefined || value instanceof HttpProblem) return value;
  if (!CODE.test(value)) return bad(name, 'letters, digits and . _ : - only, at most 60');
  return value;
}

/** The report a request asks for, or the 400 naming the parameter that is wrong. */
export function insightsQueryOf(
  req: Request,
  now: number,
): (InsightsQuery & { format: 'json' | 'csv' }) | HttpProblem {
  const to = timeParam(req, 'to');
  if (to instanceof HttpProblem) return to;
  const from = timeParam(req, 'from');
  if (from instanceof HttpProblem) return from;
  const end = to ?? now;
  const start = from ?? end - DEFAULT_RANGE_MS;
  if (start >= end) return bad('from', 'must be before to');
  if (end - start > MAX_RANGE_DAYS * DAY_MS)
    return bad('from', `the range is at most ${MAX_RANGE_DAYS} days`);
  const groupBy = single(req, 'groupBy') ?? 'day';
  if (groupBy instanceof HttpProblem) return groupBy;
  if (!(GROUP_BYS as readonly string[]).includes(groupBy))
    return bad('groupBy', `must be ${GROUP_BYS.join(', ')}`);
  const format = single(req, 'format') ?? 'json';
  if (format instanceof HttpProblem) return format;
  if (format !== 'json' && format !== 'csv') return bad('format', 'must be json or csv');
  const filters: Pick<InsightsQuery, 'channel' | 'locale' | 'team'> = {};
  for (const name of ['channel', 'locale', 'team'] as const) {
    const value = codeParam(req, name);
    if (value instanceof HttpProblem) return value;
    if (value !== undefined) filters[name] = value;
  }
  const known = new Set(['from', 'to', 'groupBy', 'format', 'channel', 'locale', 'team']);
  const unknown = Object.keys((req.query as Record<string, unknown> | undefined) ?? {}).find(
    (name) => !known.has(name),
  );
  if (unknown !== undefined)
    return bad(unknown.slice(0, 40), `unknown parameter; use ${[...known].join(', ')}`);
  return { from: start, to: end, groupBy: groupBy as GroupBy, format, ...filters };
}

/** Mounts `GET /api/console/insights`. */
export function mountInsightsRoute(server: restify.Server, deps: InsightsRouteDeps): void {
  const authed = requireAgent(deps.agents);
  server.get(
    INSIGHTS_PATH,
    authed(
      async (req, res) => {
        const query = insightsQueryOf(req, deps.now());
        if (query instanceof HttpProblem) return query;
        const { format, ...rest } = query;
        const report = await deps.figures.report(rest);
        res.header('Cache-Control', 'no-store');
        if (format === 'json') return send(res, 200, report);
        const body = reportCsv(report);
        res.writeHead(200, {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="insights-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}-${report.groupBy}.csv"`,
          'Content-Length': Buffer.byteLength(body),
        });
        res.end(body);
      },
      ['lead', 'admin'],
    ),
  );
}
