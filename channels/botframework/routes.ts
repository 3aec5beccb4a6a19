import type { Activity, TurnContext } from 'botbuilder';
import restify, { type Request, type Response } from 'restify';
import type { Logger } from '../../bot/logger';
import { botFrameworkActivityProblem } from '../activitySchema';
import type { BotFrameworkAdapter } from './adapter';
import { SHUTTING_DOWN, fail } from '../../bot/httpAnswers';

/** Largest request body `POST /api/messages` accepts. */
export const MAX_ACTIVITY_BYTES = 256 * 1024;

/** The first thing that makes `body` unusable as an incoming activity, if any (activitySchema.ts). */
export function activityProblem(body: unknown): string | undefined {
  return botFrameworkActivityProblem(body);
}

export interface BotFrameworkRouteDeps {
  adapter: BotFrameworkAdapter;
  logic: (context: TurnContext) => Promise<void>;
  logger: Logger;
  /** True while the server drains for shutdown; new activities then get 503. */
  isClosing: () => boolean;
  /** The name of Switchboard's own channel that serves `channelId`, if another channel does. */
  ownerOf: (channelId: string) => string | undefined;
}

/**
 * Mounts `POST /api/messages`, the Bot Framework channel (Azure Bot Service, the Emulator,
 * tests and the benchmark with `expectReplies`). Every error is a JSON `{code, message}`.
 */
export function mountBotFrameworkRoute(server: restify.Server, deps: BotFrameworkRouteDeps): void {
  server.post(
    '/api/messages',
    restify.plugins.bodyParser({ maxBodySize: MAX_ACTIVITY_BYTES, mapParams: false, mapFiles: false }),
    async (req: Request, res: Response) => {
      // NOTE: restify logs a warning when an async handler returns a value, so each branch returns nothing.
      if (deps.isClosing()) {
        fail(res, SHUTTING_DOWN);
        return;
      }
      const problem = activityProblem(req.body);
      if (problem) {
        res.send(400, { code: 'BadActivity', message: problem });
        return;
      }
      const activity = req.body as Activity;
      // NOTE: without an app id nobody vouches for `channelId`: an activity claiming one of
      // Switchboard's own channels would run in that channel's conversation (its state, its
      // handoff case, its customer). With an app id, Bot Framework's token vouches for it.
      const owner = deps.adapter.settings.appId === undefined ? deps.ownerOf(activity.channelId) : undefined;
      if (owner !== undefined) {
        res.send(403, {
          code: 'ChannelNotServed',
          message: `activity.channelId "${activity.channelId}" belongs to Switchboard's ${owner} channel; it cannot be posted to /api/messages`,
        });
        return;
      }
      // NOTE: checked before the turn, so a refused service URL runs no turn at all; the
      // adapter refuses the same URLs again for every outgoing call (agent replies later on).
      if (activity.deliveryMode !== 'expectReplies' && !deps.adapter.mayCall(activity.serviceUrl ?? '')) {
        res.send(403, {
          code: 'ServiceUrlNotAllowed',
          message:
            'activity.serviceUrl is not in BOTFRAMEWORK_SERVICE_URLS; without MicrosoftAppId replies go only to allowed service URLs',
        });
        return;
      }
      try {
        const invokeResponse = await deps.adapter.processIncoming(
          req.header('authorization') ?? '',
          activity,
          deps.logic,
        );
        // A turn that ends during shutdown closes its connection, so the server can stop at once.
        if (deps.isClosing()) res.header('Connection', 'close');
        const status = invokeResponse?.status ?? 200;
        if (invokeResponse?.body === undefined) res.send(status);
        else res.send(status, invokeResponse.body);
      } catch (error) {
        const statusCode = (error as { statusCode?: number }).statusCode;
        if (statusCode === 401 || statusCode === 403) {
          res.send(statusCode, { code: 'Unauthorized', message: 'Bot Framework authentication failed' });
          return;
        }
        deps.logger.error({ err: error }, 'POST /api/messages failed');
        res.send(500, { code: 'InternalError', message: 'the activity could not be processed' });
      }
    },
  );
}
