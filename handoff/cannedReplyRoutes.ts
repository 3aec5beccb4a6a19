/**
 * The canned reply routes: leads and admins write them per locale and team
 * (`POST|PUT|DELETE /api/console/canned-replies`), every agent reads those of their teams, and
 * `GET /api/console/cases/:id/canned-replies` gives them filled with one case's data.
 */
import type restify from 'restify';
import type { Request, Response } from 'restify';
import { SUPPORTED_LOCALES } from '../bot/config';
import type { AgentDirectory } from './agentDirectory';
import {
  CANNED_REPLY_NAME,
  CANNED_REPLY_PLACEHOLDERS,
  MAX_CANNED_REPLY_CHARS,
  fillCannedReply,
  placeholderValues,
  unknownPlaceholders,
} from './cannedReplies';
import { requireAgent } from './consoleAuth';
import {
  CONSOLE_API_BASE as BASE,
  HttpProblem,
  idParam,
  jsonBody,
  jsonBodyParser,
  queryParam,
  rawId,
  send,
} from './consoleHttp';
import type { AgentRef, HandoffDesk } from './handoffDesk';
import type { CannedReply } from './handoffStore';

export interface CannedReplyRouteDeps {
  desk: HandoffDesk;
  agents: AgentDirectory;
}

const LEADS = ['lead', 'admin'] as const;

/** A canned reply as the console shows it. */
export function cannedReplyView(reply: CannedReply) {
  return {
    id: reply.id,
    name: reply.name,
    locale: reply.locale,
    team: reply.team,
    text: reply.text,
    updatedAt: new Date(reply.updatedAt).toISOString(),
    updatedBy: reply.updatedBy,
  };
}

/** Teams whose canned replies an agent reads; undefined (all) for leads and admins. */
const readableTeams = (agent: AgentRef): string[] | undefined =>
  agent.role === 'agent' ? agent.teams : undefined;

type ReplyFields = Pick<CannedReply, 'name' | 'locale' | 'team' | 'text'>;

/** Mounts the canned reply routes. */
export function mountCannedReplyRoutes(server: restify.Server, deps: CannedReplyRouteDeps): void {
  const { desk, agents } = deps;
  const authed = requireAgent(agents);
  const body = jsonBodyParser();

  /** The body's fields, checked; an unknown placeholder answers 422 listing them. */
  const readFields = (req: Request, res: Response): ReplyFields | HttpProblem | 'answered' => {
    const input = jsonBody(req);
    if (input instanceof HttpProblem) return input;
    const { name, locale, team, text } = input;
    if (typeof name !== 'string' || !CANNED_REPLY_NAME.test(name)) {
      return new HttpProblem(
        400,
        'BadArgument',
        'name must be 1–40 lowercase letters, digits, - or _, starting with a letter or digit',
      );
    }
    if (typeof locale !== 'string' || !(SUPPORTED_LOCALES as readonly string[]).includes(locale)) {
      return new HttpProblem(400, 'BadArgument', `locale must be one of ${SUPPORTED_LOCALES.join(', ')}`);
    }
    if (typeof team !== 'string' || !desk.teams.teams.some((known) => known.id === team)) {
      return new HttpProblem(400, 'UnknownTeam', `there is no team "${String(team)}"`);
    }
    const trimmed = typeof text === 'string' ? text.trim() : '';
    if (trimmed === '' || trimmed.length > MAX_CANNED_REPLY_CHARS) {
      return new HttpProblem(400, 'BadArgument', `text must have 1 to ${MAX_CANNED_REPLY_CHARS} characters`);
    }
    const unknown = unknownPlaceholders(trimmed);
    if (unknown.length > 0) {
      send(res, 422, {
        code: 'UnknownPlaceholder',
        message: `unknown placeholders ${unknown.map((p) => `{{${p}}}`).join(', ')}; known: ${CANNED_REPLY_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`,
        placeholders: unknown,
      });
      return 'answered';
    }
    return { name, locale, team, text: trimmed };
  };

  const taken = (fields: ReplyFields): HttpProblem =>
    new HttpProblem(
      409,
      'Conflict',
      `a canned reply "${fields.name}" exists already for ${fields.locale} and team ${fields.team}`,
    );
  const notFound = (req: Request): HttpProblem =>
    new HttpProblem(404, 'NotFound', `canned reply ${rawId(req)} does not exist`);

  server.get(
    `${BASE}/canned-replies`,
    authed(async (req, res, { agent }) => {
      const locale = queryParam(req, 'locale');
      const team = queryParam(req, 'team');
      if (
        (locale !== undefined && typeof locale !== 'string') ||
        (team !== undefined && typeof team !== 'string')
      ) {
        return new HttpProblem(400, 'BadArgument', 'give locale and team once each');
      }
      const teams = readableTeams(agent);
      const replies = (
        await desk.records.cannedReplies({ ...(locale ? { locale } : {}), ...(teams ? { teams } : {}) })
      ).filter((reply) => !team || reply.team === team);
      send(res, 200, {
        cannedReplies: replies.map(cannedReplyView),
        placeholders: CANNED_REPLY_PLACEHOLDERS,
      });
    }),
  );

  server.post(
    `${BASE}/canned-replies`,
    body,
    authed(async (req, res, { agent }) => {
      const fields = readFields(req, res);
      if (fields === 'answered') return;
      if (fields instanceof HttpProblem) return fields;
      const created = await desk.createCannedReply(fields, agent);
      if (created === 'conflict') return taken(fields);
      send(res, 201, { cannedReply: cannedReplyView(created) });
    }, LEADS),
  );

  server.put(
    `${BASE}/canned-replies/:id`,
    body,
    authed(async (req, res, { agent }) => {
      const id = idParam(req);
      if (id === undefined) return notFound(req);
      const fields = readFields(req, res);
      if (fields === 'answered') return;
      if (fields instanceof HttpProblem) return fields;
      const updated = await desk.updateCannedReply(id, fields, agent);
      if (updated === 'notFound') return notFound(req);
      if (updated === 'conflict') return taken(fields);
      send(res, 200, { cannedReply: cannedReplyView(updated) });
    }, LEADS),
  );

  server.del(
    `${BASE}/canned-replies/:id`,
    authed(async (req, res, { agent }) => {
      const id = idParam(req);
      if (id === undefined || !(await desk.deleteCannedReply(id, agent))) return notFound(req);
      send(res, 204);
    }, LEADS),
  );

  server.get(
    `${BASE}/cases/:id/canned-replies`,
    authed(async (req, res, { agent }) => {
      const id = idParam(req);
      const handoffCase = id === undefined ? undefined : await desk.records.getCase(id);
      if (!handoffCase) return new HttpProblem(404, 'NotFound', `case ${rawId(req)} does not exist`);
      if (!desk.canSee(agent, handoffCase) && handoffCase.agentId !== agent.id) {
        return new HttpProblem(403, 'Forbidden', 'this case belongs to another team or agent');
      }
      const values = placeholderValues(handoffCase, agent.name);
      const replies = await desk.records.cannedReplies({
        locale: handoffCase.locale,
        teams: [handoffCase.team],
      });
      send(res, 200, {
        cannedReplies: replies.map((reply) => ({
          id: reply.id,
          name: reply.name,
          ...fillCannedReply(reply.text, values),
        })),
      });
    }),
  );
}
