/**
 * The privacy routes, for admins only: one customer's data exported as one JSON document
 * (`POST /api/console/customers/export`, GDPR article 15) or erased from every store
 * (`POST /api/console/customers/erase`, article 17). The body names the customer by exactly
 * one of `{email}`, `{phone}` or `{channelUser: "CHANNEL:ID"}`. Both are audited.
 */
import type restify from 'restify';
import { parseCustomerIdentity, type CustomerPrivacy } from '../bot/privacy';
import type { AgentDirectory } from './agentDirectory';
import { requireAgent } from './consoleAuth';
import { CONSOLE_API_BASE as BASE, HttpProblem, jsonBody, jsonBodyParser, send } from './consoleHttp';

export interface CustomerRouteDeps {
  privacy: CustomerPrivacy;
  agents: AgentDirectory;
}

const ADMINS = ['admin'] as const;

/** Mounts the export and erase routes. */
export function mountCustomerRoutes(server: restify.Server, deps: CustomerRouteDeps): void {
  const authed = requireAgent(deps.agents);
  const body = jsonBodyParser();

  const identityOf = (req: restify.Request) => {
    const input = jsonBody(req);
    if (input instanceof HttpProblem) return input;
    const identity = parseCustomerIdentity(input);
    return typeof identity === 'string' ? new HttpProblem(400, 'BadArgument', identity) : identity;
  };

  server.post(
    `${BASE}/customers/export`,
    body,
    authed(async (req, res, { agent }) => {
      const identity = identityOf(req);
      if (identity instanceof HttpProblem) return identity;
      const document = await deps.privacy.export(identity, agent.id);
      if (document.total === 0) {
        return new HttpProblem(404, 'NotFound', 'Switchboard holds no data about that customer');
      }
      // Personal data: never kept by a browser or proxy cache.
      res.header('Cache-Control', 'no-store');
      send(res, 200, document);
    }, ADMINS),
  );

  server.post(
    `${BASE}/customers/erase`,
    body,
    authed(async (req, res, { agent }) => {
      const identity = identityOf(req);
      if (identity instanceof HttpProblem) return identity;
      const erasure = await deps.privacy.erase(identity, agent.id);
      send(res, 200, { erased: erasure.erased, details: erasure.details, total: erasure.total });
    }, ADMINS),
  );
}
