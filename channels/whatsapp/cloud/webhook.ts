import { createHmac, timingSafeEqual } from 'node:crypto';
import type restify from 'restify';
import type { Request, Response } from 'restify';
import type { Logger } from '../../../bot/logger';
import { secretsEqual } from '../../../bot/secretsEqual';
import type { TurnLogic } from '../../channel';
import { WHATSAPP_WEBHOOK_PATH } from '../settings';
import type { WhatsAppCloudAdapter } from './adapter';
import { parseNotification } from './notification';
import { HttpProblem, SHUTTING_DOWN, fail } from '../../../bot/httpAnswers';

/** Largest notification body accepted (Meta batches at most a few kilobytes). */
const MAX_BODY_BYTES = 1024 * 1024;
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

export interface CloudWebhookDeps {
  adapter: WhatsAppCloudAdapter;
  logic: TurnLogic;
  appSecret: string;
  verifyToken: string;
  logger: Logger;
  isClosing: () => boolean;
}

/** Whether `header` is `sha256=<HMAC-SHA256 of body with the app secret>`, compared in constant time. */
export function validSignature(header: string | undefined, body: Buffer, appSecret: string): boolean {
  const given = SIGNATURE.exec(header ?? '')?.[1];
  if (!given) return false;
  const expected = createHmac('sha256', appSecret).update(body).digest();
  return timingSafeEqual(Buffer.from(given, 'hex'), expected);
}

/** The raw body, up to `max` bytes (the signature is over these exact bytes, not parsed JSON). */
function readRawBody(req: Request, max: number): Promise<Buffer | 'tooLarge'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        done = true;
        resolve('tooLarge');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/**
 * Mounts `GET /api/whatsapp` (Meta's verification handshake) and `POST /api/whatsapp` (the
 * notifications). A POST is answered as soon as its signature and shape are checked, and the
 * messages are handled after answering: Meta expects an answer within seconds and delivers
 * again what is not answered 200, so a slow turn must not hold the answer up. Errors are JSON
 * `{code, message}`.
 */
export function mountCloudWebhook(server: restify.Server, deps: CloudWebhookDeps): void {
  server.get(WHATSAPP_WEBHOOK_PATH, async (req: Request, res: Response) => {
    // NOTE: read from the URL itself: the dotted names (`hub.mode`) must not be parsed as nested objects.
    const query = new URL(req.url ?? '', 'http://localhost').searchParams;
    const token = query.get('hub.verify_token') ?? '';
    const challenge = query.get('hub.challenge') ?? '';
    if (query.get('hub.mode') !== 'subscribe' || !secretsEqual(token, deps.verifyToken)) {
      deps.logger.warn('WhatsApp webhook verification refused: wrong hub.mode or hub.verify_token');
      fail(
        res,
        new HttpProblem(403, 'Forbidden', 'hub.mode must be subscribe and hub.verify_token must match'),
      );
      return;
    }
    res.sendRaw(200, challenge, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  server.post(WHATSAPP_WEBHOOK_PATH, async (req: Request, res: Response) => {
    if (deps.isClosing()) {
      fail(res, SHUTTING_DOWN);
      return;
    }
    const body = await readRawBody(req, MAX_BODY_BYTES);
    if (body === 'tooLarge') {
      fail(res, new HttpProblem(413, 'PayloadTooLarge', `the body is over ${MAX_BODY_BYTES} bytes`));
      return;
    }
    if (!validSignature(req.header('x-hub-signature-256'), body, deps.appSecret)) {
      deps.logger.warn('WhatsApp webhook refused: X-Hub-Signature-256 missing or wrong');
      fail(res, new HttpProblem(401, 'Unauthorized', 'X-Hub-Signature-256 is missing or wrong'));
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      fail(res, new HttpProblem(400, 'BadNotification', 'the body is not JSON'));
      return;
    }
    const parsed = parseNotification(json);
    if ('problem' in parsed) {
      fail(
        res,
        new HttpProblem(400, 'BadNotification', `not a WhatsApp webhook notification: ${parsed.problem}`),
      );
      return;
    }
    res.send(200, {});
    // After answering; failed turns went to onTurnError, so only the unexpected is left to log.
    deps.adapter
      .processNotification(parsed.notification, deps.logic)
      .catch((error: unknown) => deps.logger.error({ err: error }, 'WhatsApp notification not handled'));
  });
}
