import { secretsEqual } from '../../bot/secretsEqual';
import restify, { type Next, type Request, type Response } from 'restify';
import type { Logger } from '../../bot/logger';
import type { TurnLogic } from '../channel';
import type { TelegramAdapter } from './adapter';
import { TELEGRAM_WEBHOOK_PATH } from './settings';
import { parseUpdate } from './update';
import { SHUTTING_DOWN, fail } from '../../bot/httpAnswers';

/** Largest update body accepted (updates are a few kilobytes). */
const MAX_UPDATE_BYTES = 1024 * 1024;

export interface TelegramWebhookDeps {
  adapter: TelegramAdapter;
  logic: TurnLogic;
  /** What Telegram must send in `X-Telegram-Bot-Api-Secret-Token` (TELEGRAM_WEBHOOK_SECRET). */
  secret: string;
  logger: Logger;
  isClosing: () => boolean;
}

/**
 * Mounts `POST /api/telegram`, where Telegram posts updates in webhook mode. The secret header
 * is checked before the body is read; every error is a JSON `{code, message}`.
 *
 * The answer waits for the update's turn, so Telegram's `max_connections` limits how much work
 * is in flight. A turn that fails is still answered 200 (it went to `onTurnError`; answering an
 * error would make Telegram deliver it again and again); only an update that could not be
 * accepted at all (storage down) gets a 500, so Telegram delivers it again later.
 */
export function mountTelegramWebhook(server: restify.Server, deps: TelegramWebhookDeps): void {
  const checkSecret = (req: Request, res: Response, next: Next): void => {
    const given = req.header('x-telegram-bot-api-secret-token');
    if (!given || !secretsEqual(given, deps.secret)) {
      res.send(401, { code: 'Unauthorized', message: 'X-Telegram-Bot-Api-Secret-Token is missing or wrong' });
      next(false);
      return;
    }
    next();
  };
  server.post(
    TELEGRAM_WEBHOOK_PATH,
    checkSecret,
    restify.plugins.bodyParser({ maxBodySize: MAX_UPDATE_BYTES, mapParams: false, mapFiles: false }),
    async (req: Request, res: Response) => {
      if (deps.isClosing()) {
        fail(res, SHUTTING_DOWN);
        return;
      }
      const parsed = parseUpdate(req.body);
      if ('problem' in parsed) {
        res.send(400, { code: 'BadUpdate', message: `not a Telegram update: ${parsed.problem}` });
        return;
      }
      try {
        await deps.adapter.processUpdate(parsed.update, deps.logic);
        res.send(200, {});
      } catch (error) {
        deps.logger.error({ err: error, updateId: parsed.update.update_id }, 'Telegram update not accepted');
        res.send(500, {
          code: 'InternalError',
          message: 'the update could not be accepted; deliver it again',
        });
      }
    },
  );
}
