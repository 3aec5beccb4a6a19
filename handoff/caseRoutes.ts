/**
 * The case routes of the console API: the agent's queue, one case with its transcript and
 * summary, and what an agent does with a case (claim, reply, typing, transfer, end, reveal a
 * redacted message).
 */
import type restify from 'restify';
import type { DeliveryReport } from '../channels/channel';
import type { Request, Response } from 'restify';
import { deliveryHeld } from '../bot/deliveryFailure';
import type { Logger } from '../bot/logger';
import type { AgentDirectory } from './agentDirectory';
import { summarizeCase } from './caseSummary';
import { requireAgent, type Caller } from './consoleAuth';
import {
  CONSOLE_API_BASE as BASE,
  HttpProblem,
  idParam,
  jsonBody,
  jsonBodyParser,
  rawId,
  send,
} from './consoleHttp';
import { caseView, caseViews, transcriptLineView, type CaseView, type ViewContext } from './consoleViews';
import type { ActionResult, AgentRef, HandoffDesk } from './handoffDesk';
import type { HandoffCase } from './handoffStore';
import { openTicketsOf } from './historyRoutes';

/** How long a revealed original is shown before the console hides it again. */
export const REVEAL_SECONDS = 60;
/** Longest agent reply, in characters. */
export const MAX_REPLY_CHARS = 4000;
/** How an agent may close a case. */
export const DISPOSITIONS = ['resolved', 'notResolved', 'spam', 'other'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export interface CaseRouteDeps {
  desk: HandoffDesk;
  agents: AgentDirectory;
  logger: Logger;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** What the customer's channel reported about delivery to them, where it reports it. */
  deliveryReports?: (channelId: string, conversationId: string) => Promise<DeliveryReport[] | undefined>;
}

const caseNotFound = (id: number | string): HttpProblem =>
  new HttpProblem(404, 'NotFound', `case ${id} does not exist`);
const ended = (): HttpProblem =>
  new HttpProblem(409, 'ConversationEnded', 'the conversation has ended; the customer is back with the bot');
const notYours = (): HttpProblem =>
  new HttpProblem(403, 'NotYours', 'claim the case first: another agent holds it or nobody does');
const deliveryFailed = (handoffCase: HandoffCase, advice = ''): HttpProblem =>
  new HttpProblem(
    502,
    'DeliveryFailed',
    `the customer's channel (${handoffCase.channelId}) could not be reached${advice}`,
  );

/** A handler of the case named in the path, which the caller may see; returns its problem. */
type CaseHandler = (
  req: Request,
  res: Response,
  caller: Caller,
  handoffCase: HandoffCase,
) => Promise<HttpProblem | void>;

/** Mounts the routes under `/api/console/queue` and `/api/console/cases/`. */
export function mountCaseRoutes(server: restify.Server, deps: CaseRouteDeps): void {
  const { desk, agents, logger, now } = deps;
  const store = desk.records;
  /** What the views look up, read per request: an account another instance created is named too. */
  const views = async (): Promise<ViewContext> => ({ store, agentNames: await agents.names(), now });
  const authed = requireAgent(agents);
  const body = jsonBodyParser();

  /** The case named in the path, or 404. */
  const findCase = async (req: Request): Promise<HandoffCase | HttpProblem> => {
    const id = idParam(req);
    return (id === undefined ? undefined : await store.getCase(id)) ?? caseNotFound(rawId(req));
  };

  /**
   * Wraps a handler of the case named in the path: 404 when it does not exist, 403 when the
   * agent neither sees nor holds it.
   */
  const caseRoute = (handler: CaseHandler) =>
    authed(async (req, res, caller) => {
      const handoffCase = await findCase(req);
      if (handoffCase instanceof HttpProblem) return handoffCase;
      if (!desk.canSee(caller.agent, handoffCase) && handoffCase.agentId !== caller.agent.id) {
        return new HttpProblem(403, 'Forbidden', 'this case belongs to another team or agent');
      }
      return handler(req, res, caller, handoffCase);
    });

  /**
   * Runs a desk action that changes the case before telling the customer. When the telling
   * fails (the channel is down) the change stands: the answer says `delivered: false`.
   */
  const perform = async (
    handoffCase: HandoffCase,
    action: () => Promise<ActionResult>,
    happened: (after: HandoffCase) => boolean,
  ): Promise<{ result: ActionResult; delivered: boolean; held?: true }> => {
    try {
      return { result: await action(), delivered: true };
    } catch (error) {
      const after = await store.getCase(handoffCase.id);
      if (!after || !happened(after)) throw error;
      logger.warn(
        { err: error, caseId: handoffCase.id },
        'console action done, but the customer could not be told',
      );
      return { result: 'ok', delivered: false, ...(deliveryHeld(error) ? { held: true as const } : {}) };
    }
  };

  const currentCase = async (id: number): Promise<CaseView | undefined> => {
    const found = await store.getCase(id);
    return found ? caseView(found, await views()) : undefined;
  };

  server.get(
    `${BASE}/queue`,
    authed(async (_req, res, caller) => {
      send(res, 200, { cases: await caseViews(await desk.visibleCases(caller.agent), await views()) });
    }),
  );

  server.get(
    `${BASE}/cases/:id`,
    caseRoute(async (_req, res, _caller, handoffCase) => {
      // An ended case shows its own transcript, not what the conversation said after it.
      const transcript = await store.transcript(handoffCase.conversationKey, 200, handoffCase.endedAt);
      const conversationId = handoffCase.reference.conversation?.id;
      const reports =
        conversationId === undefined
          ? undefined
          : await deps.deliveryReports?.(handoffCase.channelId, conversationId).catch((error: unknown) => {
              logger.warn({ err: error, caseId: handoffCase.id }, 'delivery reports not read');
              return undefined;
            });
      const context = await views();
      res.header('Cache-Control', 'no-store');
      send(res, 200, {
        case: await caseView(handoffCase, context),
        // The latest few: enough for an agent to see whether their replies arrive.
        ...(reports ? { delivery: reports.slice(-10) } : {}),
        transcript: transcript.map((line) => transcriptLineView(line, context)),
        collected: handoffCase.collected,
        openTickets: openTicketsOf(handoffCase, await store.tickets('open')),
        sentiment: handoffCase.sentiment,
        summary: summarizeCase(handoffCase, transcript, now(), desk.caseDigest(handoffCase, transcript)),
      });
    }),
  );

  server.post(
    `${BASE}/cases/:id/claim`,
    authed(async (req, res, { agent }) => {
      const handoffCase = await findCase(req);
      if (handoffCase instanceof HttpProblem) return handoffCase;
      // NOTE: checked here, not only by desk.canSee: a case a colleague just claimed is no
      // longer visible to this agent, but losing the race is a 409, not a 403.
      const eligible =
        agent.role !== 'agent' || agent.teams.includes(handoffCase.team) || handoffCase.agentId === agent.id;
      if (!eligible) return new HttpProblem(403, 'Forbidden', 'this case belongs to another team');
      const lost = (latest: HandoffCase | undefined): HttpProblem =>
        latest?.state === 'ended'
          ? ended()
          : new HttpProblem(
              409,
              'AlreadyClaimed',
              latest?.agentId === agent.id
                ? 'you already hold this case'
                : 'another agent has taken this case',
            );
      if (handoffCase.state !== 'queued') return lost(handoffCase);
      const { result, delivered, held } = await perform(
        handoffCase,
        () => desk.claim(handoffCase.id, agent),
        (after) => after.state === 'withAgent' && after.agentId === agent.id,
      );
      if (result === 'ok')
        return send(res, 200, { case: await currentCase(handoffCase.id), delivered, held });
      if (result === 'notFound') return caseNotFound(handoffCase.id);
      return lost(await store.getCase(handoffCase.id));
    }),
  );

  server.post(
    `${BASE}/cases/:id/messages`,
    body,
    caseRoute(async (req, res, { agent }, handoffCase) => {
      const input = jsonBody(req);
      if (input instanceof HttpProblem) return input;
      const text = typeof input.text === 'string' ? input.text.trim() : '';
      if (text === '') return new HttpProblem(400, 'BadArgument', 'send {"text": "…"} with the reply');
      if (text.length > MAX_REPLY_CHARS) {
        return new HttpProblem(400, 'BadArgument', `a reply has at most ${MAX_REPLY_CHARS} characters`);
      }
      if (handoffCase.state === 'ended') return ended();
      let result: ActionResult;
      try {
        result = await desk.reply(handoffCase.id, agent, text);
      } catch (error) {
        // NOTE: a held reply is no failure to retry: the channel's rules keep it from the
        // customer for now (WhatsApp's 24-hour window). The agent sees it held; the audit log keeps it.
        const held = deliveryHeld(error);
        if (held) {
          desk.audit(agent.id, 'replyHeld', handoffCase.id, { reason: held.message });
          return send(res, 200, {
            case: await currentCase(handoffCase.id),
            delivered: false,
            held: true,
            reason: held.message,
          });
        }
        logger.warn({ err: error, caseId: handoffCase.id }, 'agent reply not delivered');
        return deliveryFailed(handoffCase, '; try again');
      }
      if (result === 'conflict') return ended();
      if (result === 'forbidden') return notYours();
      if (result === 'notFound') return caseNotFound(handoffCase.id);
      send(res, 200, { case: await currentCase(handoffCase.id) });
    }),
  );

  server.post(
    `${BASE}/cases/:id/messages/:messageId/reveal`,
    caseRoute(async (req, res, { agent }, handoffCase) => {
      // NOTE: only the agent holding the case, not a lead looking on: it is that agent who
      // needs the number to call back. Leads see every reveal in the audit log.
      if (handoffCase.state === 'ended') return ended();
      if (handoffCase.state !== 'withAgent' || handoffCase.agentId !== agent.id) return notYours();
      const messageId = idParam(req, 'messageId');
      const line =
        messageId === undefined
          ? undefined
          : await store.transcriptLine(handoffCase.conversationKey, messageId);
      if (!line) {
        return new HttpProblem(
          404,
          'NotFound',
          `message ${rawId(req, 'messageId')} is not in the conversation of case ${handoffCase.id}`,
        );
      }
      // NOTE: what the customer said during an earlier case (to another agent) stays sealed.
      const earlier = await store.lastEndedCase(handoffCase.conversationKey);
      if (earlier?.endedAt !== undefined && line.at < earlier.endedAt) {
        return new HttpProblem(
          403,
          'EarlierCase',
          `message ${line.id} belongs to an earlier case of this conversation and cannot be revealed`,
        );
      }
      const original =
        line.role === 'customer' ? await store.originalText(handoffCase.conversationKey, line.id) : undefined;
      if (original === undefined) {
        return new HttpProblem(409, 'NothingToReveal', `nothing was redacted in message ${line.id}`);
      }
      // Audited before the text leaves: who, when (the entry's time), which case and message.
      desk.audit(agent.id, 'revealed', handoffCase.id, { messageId: line.id });
      res.header('Cache-Control', 'no-store');
      send(res, 200, {
        messageId: line.id,
        text: original,
        expiresAt: new Date(now() + REVEAL_SECONDS * 1000).toISOString(),
      });
    }),
  );

  server.post(
    `${BASE}/cases/:id/typing`,
    caseRoute(async (_req, res, { agent }, handoffCase) => {
      if (handoffCase.state === 'ended') return ended();
      let result: ActionResult;
      try {
        result = await desk.typing(handoffCase.id, agent);
      } catch (error) {
        logger.debug({ err: error, caseId: handoffCase.id }, 'typing indicator not delivered');
        return deliveryFailed(handoffCase);
      }
      if (result === 'conflict') return ended();
      if (result === 'forbidden') return notYours();
      send(res, 204);
    }),
  );

  /** Where a transfer body sends the case: a known team, or another active agent. */
  const transferTarget = async (
    input: Record<string, unknown>,
    agent: AgentRef,
  ): Promise<{ team: string } | { agent: AgentRef } | HttpProblem> => {
    const { team, agent: username } = input;
    const toTeam = typeof team === 'string' && team !== '';
    const toAgent = typeof username === 'string' && username !== '';
    if (toTeam === toAgent) {
      return new HttpProblem(400, 'BadArgument', 'send {"team": "<team id>"} or {"agent": "<username>"}');
    }
    if (toTeam) {
      if (!desk.teams.teams.some((known) => known.id === team)) {
        return new HttpProblem(400, 'UnknownTeam', `there is no team "${team}"`);
      }
      return { team };
    }
    const account = await agents.find(username as string);
    if (!account || account.disabled) {
      return new HttpProblem(400, 'UnknownAgent', `there is no active agent "${username as string}"`);
    }
    if (account.id === agent.id) return new HttpProblem(400, 'BadArgument', 'the case is already yours');
    return { agent: account };
  };

  server.post(
    `${BASE}/cases/:id/transfer`,
    body,
    caseRoute(async (req, res, { agent }, handoffCase) => {
      const input = jsonBody(req);
      if (input instanceof HttpProblem) return input;
      const target = await transferTarget(input, agent);
      if (target instanceof HttpProblem) return target;
      if (handoffCase.state === 'ended') return ended();
      if (handoffCase.state !== 'withAgent' || handoffCase.agentId !== agent.id) return notYours();
      const { result, delivered, held } = await perform(
        handoffCase,
        () => desk.transfer(handoffCase.id, agent, target),
        (after) => after.agentId !== agent.id,
      );
      if (result === 'ok')
        return send(res, 200, { case: await currentCase(handoffCase.id), delivered, held });
      if (result === 'forbidden') return notYours();
      return (await store.getCase(handoffCase.id))?.state === 'ended'
        ? ended()
        : new HttpProblem(409, 'Conflict', 'the case changed meanwhile; reload it');
    }),
  );

  server.post(
    `${BASE}/cases/:id/end`,
    body,
    caseRoute(async (req, res, { agent }, handoffCase) => {
      const input = jsonBody(req);
      if (input instanceof HttpProblem) return input;
      const disposition = input.disposition;
      if (typeof disposition !== 'string' || !(DISPOSITIONS as readonly string[]).includes(disposition)) {
        return new HttpProblem(400, 'BadArgument', `disposition must be one of ${DISPOSITIONS.join(', ')}`);
      }
      if (handoffCase.state === 'ended') return ended();
      const { result, delivered, held } = await perform(
        handoffCase,
        () => desk.end(handoffCase.id, agent, disposition),
        (after) => after.state === 'ended',
      );
      if (result === 'ok')
        return send(res, 200, { case: await currentCase(handoffCase.id), delivered, held });
      if (result === 'forbidden') return notYours();
      return ended();
    }),
  );
}
