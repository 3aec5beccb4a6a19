/**
 * `GET /api/console/cases/history`: ended cases, searchable by the customer's name, order
 * number, RMA or booking reference, by channel, agent, outcome and the day they ended, a page
 * at a time. Agents find the cases of their teams and those they held; leads and admins all.
 */
import type restify from 'restify';
import type { Request } from 'restify';
import type { AgentDirectory } from './agentDirectory';
import { requireAgent } from './consoleAuth';
import { CONSOLE_API_BASE as BASE, HttpProblem, queryParam, send } from './consoleHttp';
import { caseViews, type ViewContext } from './consoleViews';
import type { AgentRef, HandoffDesk } from './handoffDesk';
import type { HandoffCase, HandoffRecords, HistoryQuery, Ticket } from './handoffStore';

/** Cases per page unless `pageSize` says otherwise, and the most it may say. */
export const HISTORY_PAGE_SIZE = 20;
export const MAX_HISTORY_PAGE_SIZE = 100;
/** Longest search text. */
const MAX_QUERY_CHARS = 100;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[A-Za-z0-9:_-]{1,60}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface HistoryRouteDeps {
  desk: HandoffDesk;
  agents: AgentDirectory;
  now: () => number;
}

/** The open tickets a customer left in the conversation of a case, as the history links them. */
export function openTicketsOf(
  handoffCase: HandoffCase,
  open: readonly Ticket[],
): { id: number; team: string; createdAt: string }[] {
  return open
    .filter((ticket) => ticket.conversationKey === handoffCase.conversationKey)
    .map((ticket) => ({
      id: ticket.id,
      team: ticket.team,
      createdAt: new Date(ticket.createdAt).toISOString(),
    }));
}

/** A query parameter as one string, or a 400 when it is given twice or is too long. */
function textParam(req: Request, name: string, max: number): string | undefined | HttpProblem {
  const value = queryParam(req, name);
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') return new HttpProblem(400, 'BadArgument', `give ${name} once`);
  if (value.length > max) return new HttpProblem(400, 'BadArgument', `${name} has at most ${max} characters`);
  return value.trim() === '' ? undefined : value.trim();
}

/** A day (`YYYY-MM-DD`, UTC) or an ISO 8601 time, as ms; `endOfDay` moves a plain day to its end. */
function timeParam(req: Request, name: string, endOfDay: boolean): number | undefined | HttpProblem {
  const value = textParam(req, name, 40);
  if (value === undefined || value instanceof HttpProblem) return value;
  const ms = Date.parse(DAY.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    return new HttpProblem(400, 'BadArgument', `${name} must be a day (2026-12-01) or an ISO 8601 time`);
  }
  return endOfDay && DAY.test(value) ? ms + DAY_MS : ms;
}

function wholeParam(
  req: Request,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number | HttpProblem {
  const value = textParam(req, name, 6);
  if (value instanceof HttpProblem) return value;
  if (value === undefined) return fallback;
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(number >= min && number <= max)) {
    return new HttpProblem(400, 'BadArgument', `${name} must be a whole number from ${min} to ${max}`);
  }
  return number;
}

/** What the caller may search: everything for leads, their teams' and their own cases for agents. */
function scope(agent: AgentRef): Pick<HistoryQuery, 'teams' | 'orHeldBy'> {
  return agent.role === 'agent' ? { teams: agent.teams, orHeldBy: agent.id } : {};
}

/** Reads the search from the query string, or the problem with it. */
async function historyQuery(req: Request, agents: AgentDirectory): Promise<HistoryQuery | HttpProblem> {
  const text = textParam(req, 'q', MAX_QUERY_CHARS);
  const channel = textParam(req, 'channel', 60);
  const agent = textParam(req, 'agent', 100);
  const outcome = textParam(req, 'outcome', 60);
  const from = timeParam(req, 'from', false);
  const to = timeParam(req, 'to', true);
  for (const value of [text, channel, agent, outcome, from, to])
    if (value instanceof HttpProblem) return value;
  for (const [name, value] of [
    ['channel', channel],
    ['outcome', outcome],
  ] as const) {
    if (typeof value === 'string' && !CODE.test(value))
      return new HttpProblem(400, 'BadArgument', `${name} must be a code such as directline or resolved`);
  }
  let agentId: string | undefined;
  if (typeof agent === 'string') {
    // An agent is named by username; `external` is an agent hub outside Switchboard.
    agentId = agent === 'external' ? 'external' : (await agents.find(agent))?.id;
    if (agentId === undefined) return new HttpProblem(400, 'UnknownAgent', `there is no agent "${agent}"`);
  }
  if (typeof from === 'number' && typeof to === 'number' && from >= to) {
    return new HttpProblem(400, 'BadArgument', 'from must be before to');
  }
  return {
    ...(typeof text === 'string' ? { text } : {}),
    ...(typeof channel === 'string' ? { channelId: channel } : {}),
    ...(agentId !== undefined ? { agentId } : {}),
    ...(typeof outcome === 'string' ? { disposition: outcome } : {}),
    ...(typeof from === 'number' ? { endedFrom: from } : {}),
    ...(typeof to === 'number' ? { endedBefore: to } : {}),
  };
}

/** Mounts `GET /api/console/cases/history`. Mount it before `/cases/:id`. */
export function mountHistoryRoute(server: restify.Server, deps: HistoryRouteDeps): void {
  const { desk, agents, now } = deps;
  const store: HandoffRecords = desk.records;
  const authed = requireAgent(agents);

  server.get(
    `${BASE}/cases/history`,
    authed(async (req, res, { agent }) => {
      const query = await historyQuery(req, agents);
      if (query instanceof HttpProblem) return query;
      const page = wholeParam(req, 'page', 1, 100_000, 1);
      if (page instanceof HttpProblem) return page;
      const pageSize = wholeParam(req, 'pageSize', 1, MAX_HISTORY_PAGE_SIZE, HISTORY_PAGE_SIZE);
      if (pageSize instanceof HttpProblem) return pageSize;
      const { cases, total } = await store.caseHistory(
        { ...query, ...scope(agent) },
        { limit: pageSize, offset: (page - 1) * pageSize },
      );
      const open = await store.tickets('open');
      const views: ViewContext = { store, agentNames: await agents.names(), now };
      const shown = await caseViews(cases, views);
      res.header('Cache-Control', 'no-store');
      send(res, 200, {
        cases: cases.map((handoffCase, index) => ({
          ...shown[index],
          collected: handoffCase.collected,
          openTickets: openTicketsOf(handoffCase, open),
        })),
        total,
        page,
        pageSize,
      });
    }),
  );
}
