import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import busboy from 'busboy';
import type { Activity, Attachment, TurnContext } from 'botbuilder';
import restify, { type Request, type Response } from 'restify';
import { WebSocketServer } from 'ws';
import type { Logger } from '../../bot/logger';
import type { LinkSigner } from '../../bot/signedLinks';
import type { DirectLineAdapter } from './adapter';
import type { ConversationStore, StoredConversation } from './conversationStore';
import { clientActivityProblem } from '../activitySchema';
import type { DirectLineSettings } from './settings';
import type { ActivityStream } from './stream';
import type { DirectLineTokens, TokenClaims, TrustedCustomer } from './tokens';
import type { ClientAddress } from '../../bot/clientAddress';
import { rateLimitKey } from '../../bot/clientAddress';
import { HttpProblem, SHUTTING_DOWN, bearer, fail, send } from '../../bot/httpAnswers';
import type { RateLimiter } from '../../bot/rateLimiter';
import { refuseUpgrade, upgradeRoutes } from '../../bot/upgrades';

const BASE = '/v3/directline';
/** Largest JSON body of a posted activity. */
const MAX_ACTIVITY_BYTES = 256 * 1024;
/** Uploaded files are linked for this long in the activity the bot receives. */
const UPLOAD_LINK_TTL_SECONDS = 24 * 60 * 60;

export interface DirectLineRouteDeps {
  adapter: DirectLineAdapter;
  store: ConversationStore;
  stream: ActivityStream;
  tokens: DirectLineTokens;
  links: LinkSigner;
  tokenRateLimiter: RateLimiter;
  /** Whose address a request is, for the token limit (TRUST_PROXY). */
  clientAddress: ClientAddress;
  settings: DirectLineSettings;
  logic: (context: TurnContext) => Promise<void>;
  logger: Logger;
  isClosing: () => boolean;
}

type Caller = { kind: 'secret' } | { kind: 'token'; claims: TokenClaims };

/**
 * Who is calling: the holder of the Direct Line secret, or of a token. With `conversationId`
 * a token must be bound to that conversation.
 */
function authenticate(
  tokens: DirectLineTokens,
  credential: string | undefined,
  conversationId?: string,
): Caller | HttpProblem {
  if (!credential)
    return new HttpProblem(
      401,
      'Unauthorized',
      'send the Direct Line secret or a token as a Bearer credential',
    );
  if (tokens.isSecret(credential)) return { kind: 'secret' };
  const claims = tokens.verify(credential, conversationId);
  switch (claims) {
    case 'unrecognized':
      return new HttpProblem(
        401,
        'Unauthorized',
        'the credential is neither the Direct Line secret nor a valid token',
      );
    case 'expired':
      return new HttpProblem(403, 'TokenExpired', 'the token has expired; refresh it or start again');
    case 'foreign':
      return new HttpProblem(403, 'Forbidden', 'the token belongs to another conversation');
    default:
      return { kind: 'token', claims };
  }
}

/** New ids look like the Azure service's: opaque, URL-safe, unguessable. */
function newConversationId(): string {
  return randomBytes(16).toString('base64url');
}

function newUserId(): string {
  return `dl_${randomBytes(12).toString('base64url')}`;
}

/** The origin the client reached this server at, for the WebSocket URL it should open. */
function requestOrigin(req: IncomingMessage): { http: string; ws: string } {
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  const secure = proto === 'https' || (req.socket as { encrypted?: boolean }).encrypted === true;
  const host = req.headers.host ?? 'localhost';
  return { http: `${secure ? 'https' : 'http'}://${host}`, ws: `${secure ? 'wss' : 'ws'}://${host}` };
}

/** A path parameter as a string ('' when missing). */
function param(req: Request, name: string): string {
  const value = (req.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

const TAG = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * What the shop's server vouches for about its customer in a token request or a conversation
 * start made with the secret: `verified` contact details and `tags`.
 */
function trustedCustomer(body: {
  verified?: unknown;
  tags?: unknown;
}): TrustedCustomer | undefined | HttpProblem {
  const customer: TrustedCustomer = {};
  if (body.verified !== undefined) {
    const valid = (value: unknown) =>
      value === undefined || (typeof value === 'string' && value.length <= 200);
    const verified = (typeof body.verified === 'object' ? body.verified : null) as {
      email?: unknown;
      phone?: unknown;
      name?: unknown;
    } | null;
    if (verified === null || !valid(verified.email) || !valid(verified.phone) || !valid(verified.name)) {
      return new HttpProblem(
        400,
        'BadArgument',
        'verified must be an object with an email, phone and/or name string (at most 200 characters each)',
      );
    }
    customer.verified = {};
    if (typeof verified.email === 'string') customer.verified.email = verified.email;
    if (typeof verified.phone === 'string') customer.verified.phone = verified.phone;
    if (typeof verified.name === 'string' && verified.name.trim() !== '')
      customer.verified.name = verified.name.trim();
  }
  if (body.tags !== undefined) {
    if (
      !Array.isArray(body.tags) ||
      body.tags.length > 10 ||
      body.tags.some((tag) => typeof tag !== 'string' || !TAG.test(tag))
    ) {
      return new HttpProblem(
        400,
        'BadArgument',
        'tags must be a list of at most 10 names of letters, digits, - and _',
      );
    }
    customer.tags = body.tags as string[];
  }
  return customer.verified || customer.tags ? customer : undefined;
}

function parseWatermark(value: unknown): number | HttpProblem {
  if (value === undefined || value === '' || value === 'null' || value === 'undefined') return 0;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return new HttpProblem(400, 'BadArgument', 'watermark must be a number returned by this server');
}

/**
 * Mounts the Direct Line 3.0 endpoint (`/v3/directline/…`), its WebSocket streams and
 * `POST /api/directline/token` for the web chat page. Every error is JSON `{code, message}`.
 */
export function mountDirectLine(server: restify.Server, deps: DirectLineRouteDeps): void {
  const { tokens, store, settings } = deps;
  const jsonBody = restify.plugins.bodyParser({
    maxBodySize: MAX_ACTIVITY_BYTES,
    mapParams: false,
    mapFiles: false,
  });

  const conversationResponse = (req: Request, conversation: StoredConversation, watermark?: number) => {
    const { token, expiresIn } = tokens.issue(conversation.id, conversation.userId, conversation.customer);
    const origin = requestOrigin(req);
    const query = `watermark=${watermark ?? ''}&t=${encodeURIComponent(token)}`;
    return {
      conversationId: conversation.id,
      token,
      expires_in: expiresIn,
      streamUrl: `${origin.ws}${BASE}/conversations/${encodeURIComponent(conversation.id)}/stream?${query}`,
    };
  };

  /** Authenticates and finds the conversation named in the path. */
  const openConversation = async (
    req: Request,
  ): Promise<{ caller: Caller; conversation: StoredConversation } | HttpProblem> => {
    const conversationId = param(req, 'conversationId');
    const caller = authenticate(tokens, bearer(req.header('authorization')), conversationId);
    if (caller instanceof HttpProblem) return caller;
    const conversation = await store.getConversation(conversationId);
    if (!conversation)
      return new HttpProblem(404, 'NotFound', `conversation ${conversationId} does not exist or has expired`);
    return { caller, conversation };
  };

  /** Runs the bot on an activity; a conversation's first turn also gets the conversation-start event. */
  const receive = async (conversation: StoredConversation, activity: Partial<Activity>): Promise<string> =>
    deps.adapter.receive(conversation, activity, deps.logic);

  server.post(`${BASE}/tokens/generate`, jsonBody, async (req: Request, res: Response) => {
    const caller = authenticate(tokens, bearer(req.header('authorization')));
    if (caller instanceof HttpProblem) return fail(res, caller);
    if (caller.kind !== 'secret')
      return fail(
        res,
        new HttpProblem(401, 'Unauthorized', 'generating a token takes the Direct Line secret'),
      );
    const body = (req.body ?? {}) as { user?: { id?: unknown }; verified?: unknown; tags?: unknown };
    const userId = typeof body.user?.id === 'string' && body.user.id !== '' ? body.user.id : undefined;
    const customer = trustedCustomer(body);
    if (customer instanceof HttpProblem) return fail(res, customer);
    const conversationId = newConversationId();
    const { token, expiresIn } = tokens.issue(conversationId, userId, customer);
    send(res, 200, { conversationId, token, expires_in: expiresIn });
  });

  server.post(`${BASE}/tokens/refresh`, async (req: Request, res: Response) => {
    const caller = authenticate(tokens, bearer(req.header('authorization')));
    if (caller instanceof HttpProblem) return fail(res, caller);
    if (caller.kind !== 'token')
      return fail(res, new HttpProblem(400, 'BadArgument', 'refreshing takes a token, not the secret'));
    const { token, expiresIn } = tokens.issue(caller.claims.conv, caller.claims.user, caller.claims.customer);
    send(res, 200, { conversationId: caller.claims.conv, token, expires_in: expiresIn });
  });

  server.post(`${BASE}/conversations`, jsonBody, async (req: Request, res: Response) => {
    if (deps.isClosing()) return fail(res, SHUTTING_DOWN);
    const caller = authenticate(tokens, bearer(req.header('authorization')));
    if (caller instanceof HttpProblem) return fail(res, caller);
    const body = (req.body ?? {}) as {
      user?: { id?: unknown };
      locale?: unknown;
      verified?: unknown;
      tags?: unknown;
    };
    // Only the secret holder (the shop's server) may vouch for the customer; a token carries it.
    const fromBody = caller.kind === 'secret' ? trustedCustomer(body) : undefined;
    if (fromBody instanceof HttpProblem) return fail(res, fromBody);
    const customer = caller.kind === 'token' ? caller.claims.customer : fromBody;
    const requestedUser = typeof body.user?.id === 'string' && body.user.id !== '' ? body.user.id : undefined;
    const locale = typeof body.locale === 'string' && body.locale !== '' ? body.locale : undefined;
    const conversationId = caller.kind === 'token' ? caller.claims.conv : newConversationId();
    const existing = await store.getConversation(conversationId);
    if (existing) return send(res, 200, conversationResponse(req, existing));
    const userId = (caller.kind === 'token' ? caller.claims.user : undefined) ?? requestedUser ?? newUserId();
    const conversation = await store.createConversation(conversationId, userId, locale, customer);
    send(res, 201, conversationResponse(req, conversation));
    // NOTE: the welcome goes out after the answer, through the stream or the next poll, as with Azure's service.
    deps.adapter.start(conversation, deps.logic).catch((error: unknown) => {
      deps.logger.error({ err: error, conversationId }, 'Direct Line conversation start failed');
    });
  });

  server.get(`${BASE}/conversations/:conversationId`, async (req: Request, res: Response) => {
    const opened = await openConversation(req);
    if (opened instanceof HttpProblem) return fail(res, opened);
    const watermark = parseWatermark((req.query as Record<string, unknown>).watermark);
    if (watermark instanceof HttpProblem) return fail(res, watermark);
    send(res, 200, conversationResponse(req, opened.conversation, watermark));
  });

  server.post(
    `${BASE}/conversations/:conversationId/activities`,
    jsonBody,
    async (req: Request, res: Response) => {
      if (deps.isClosing()) return fail(res, SHUTTING_DOWN);
      const opened = await openConversation(req);
      if (opened instanceof HttpProblem) return fail(res, opened);
      const problem = clientActivityProblem(req.body);
      if (problem) return fail(res, new HttpProblem(400, 'BadArgument', problem));
      const id = await receive(opened.conversation, req.body as Partial<Activity>);
      if (deps.isClosing()) res.header('Connection', 'close');
      send(res, 200, { id });
    },
  );

  server.get(`${BASE}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
    const opened = await openConversation(req);
    if (opened instanceof HttpProblem) return fail(res, opened);
    const watermark = parseWatermark((req.query as Record<string, unknown>).watermark);
    if (watermark instanceof HttpProblem) return fail(res, watermark);
    // NOTE: answered at once, never held open: the client gives up for good on a timeout.
    send(res, 200, await store.activitiesAfter(opened.conversation.id, watermark));
  });

  server.post(`${BASE}/conversations/:conversationId/upload`, async (req: Request, res: Response) => {
    if (deps.isClosing()) return fail(res, SHUTTING_DOWN);
    const opened = await openConversation(req);
    if (opened instanceof HttpProblem) {
      req.resume();
      return fail(res, opened);
    }
    const parsed = await readUpload(req, settings.maxUploadBytes);
    if (parsed instanceof HttpProblem) return fail(res, parsed);
    const { conversation } = opened;
    const attachments: Attachment[] = [];
    for (const file of parsed.files) {
      const id = randomUUID();
      await store.saveUpload({
        id,
        conversationId: conversation.id,
        name: file.name,
        contentType: file.contentType,
        data: file.data,
      });
      const path = `${BASE}/conversations/${encodeURIComponent(conversation.id)}/attachments/${id}`;
      attachments.push({
        contentType: file.contentType,
        contentUrl: `${requestOrigin(req).http}${path}?${deps.links.sign(path, UPLOAD_LINK_TTL_SECONDS)}`,
        name: file.name,
      });
    }
    const activity = {
      ...parsed.activity,
      attachments: [...(parsed.activity.attachments ?? []), ...attachments],
    };
    const id = await receive(conversation, activity);
    send(res, 200, { id });
  });

  server.get(
    `${BASE}/conversations/:conversationId/attachments/:attachmentId`,
    async (req: Request, res: Response) => {
      const conversationId = param(req, 'conversationId');
      const attachmentId = param(req, 'attachmentId');
      const query = req.query as Record<string, unknown>;
      const path = `${BASE}/conversations/${encodeURIComponent(conversationId)}/attachments/${attachmentId}`;
      const verdict = deps.links.verify(path, query.expires, query.signature);
      if (verdict !== true) {
        return fail(
          res,
          new HttpProblem(
            403,
            'Forbidden',
            verdict === 'expired' ? 'the link has expired' : 'the link is not valid',
          ),
        );
      }
      const upload = await store.getUpload(conversationId, attachmentId);
      if (!upload)
        return fail(res, new HttpProblem(404, 'NotFound', 'the file does not exist or has expired'));
      res.writeHead(200, {
        'Content-Type': upload.contentType,
        'Content-Length': upload.data.length,
        'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(upload.name)}`,
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(upload.data);
    },
  );

  server.post('/api/directline/token', async (req: Request, res: Response) => {
    const allowed = deps.tokenRateLimiter.take(rateLimitKey(deps.clientAddress(req)));
    if (allowed !== true) {
      res.header('Retry-After', String(allowed.retryAfterSeconds));
      return fail(
        res,
        new HttpProblem(
          429,
          'TooManyRequests',
          'too many chat sessions from this address; try again shortly',
        ),
      );
    }
    const conversationId = newConversationId();
    const userId = newUserId();
    const { token, expiresIn } = tokens.issue(conversationId, userId);
    send(res, 200, { conversationId, token, expires_in: expiresIn, userId });
  });

  mountStreams(server, deps);
}

interface UploadedFile {
  name: string;
  contentType: string;
  data: Buffer;
}

/** Reads a Direct Line upload: one `activity` part (JSON) and any number of file parts. */
function readUpload(
  req: Request,
  maxBytes: number,
): Promise<{ activity: Partial<Activity>; files: UploadedFile[] } | HttpProblem> {
  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { files: 20, fields: 20, fieldSize: MAX_ACTIVITY_BYTES },
      });
    } catch {
      req.resume();
      resolve(new HttpProblem(400, 'BadArgument', 'the upload must be multipart/form-data'));
      return;
    }
    let total = 0;
    let tooLarge = false;
    let activityJson: string | undefined;
    const files: UploadedFile[] = [];
    const pending: Promise<void>[] = [];

    const takeActivity = (text: string) => {
      activityJson = text;
    };
    parser.on('field', (name, value) => {
      if (name === 'activity') takeActivity(value);
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      pending.push(
        new Promise((done) => {
          stream.on('data', (chunk: Buffer) => {
            total += chunk.length;
            if (total > maxBytes) tooLarge = true;
            if (!tooLarge) chunks.push(chunk);
          });
          stream.on('end', () => {
            if (tooLarge) return done();
            const data = Buffer.concat(chunks);
            if (name === 'activity' || info.mimeType === 'application/vnd.microsoft.activity') {
              takeActivity(data.toString('utf8'));
            } else {
              files.push({
                name: info.filename || 'file',
                contentType: info.mimeType || 'application/octet-stream',
                data,
              });
            }
            done();
          });
        }),
      );
    });
    parser.on('error', () =>
      resolve(new HttpProblem(400, 'BadArgument', 'the multipart body could not be read')),
    );
    parser.on('close', () => {
      void Promise.all(pending).then(() => {
        if (tooLarge) {
          resolve(new HttpProblem(413, 'PayloadTooLarge', `uploads are limited to ${maxBytes} bytes`));
          return;
        }
        if (activityJson === undefined) {
          resolve(new HttpProblem(400, 'BadArgument', 'the upload needs an "activity" part'));
          return;
        }
        let activity: unknown;
        try {
          activity = JSON.parse(activityJson);
        } catch {
          resolve(new HttpProblem(400, 'BadArgument', 'the "activity" part is not valid JSON'));
          return;
        }
        const problem = clientActivityProblem(activity);
        if (problem) resolve(new HttpProblem(400, 'BadArgument', problem));
        else resolve({ activity: activity as Partial<Activity>, files });
      });
    });
    req.pipe(parser);
  });
}

const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/?]+)\/stream$/;

/** WebSocket streams at `/v3/directline/conversations/{id}/stream?t=<token>&watermark=<w>`. */
function mountStreams(server: restify.Server, deps: DirectLineRouteDeps): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const streams = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void => {
    openStream(req, socket, head, url).catch((error: unknown) => {
      deps.logger.error({ err: error }, 'Direct Line stream could not be opened');
      refuseUpgrade(socket, new HttpProblem(500, 'InternalError', 'the stream could not be opened'));
    });
  };
  const openStream = async (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> => {
    const match = STREAM_PATH.exec(url.pathname);
    if (deps.isClosing())
      return refuseUpgrade(socket, new HttpProblem(503, 'ShuttingDown', 'the server is shutting down'));
    const conversationId = decodedSegment(match?.[1] ?? '');
    if (conversationId === undefined)
      return refuseUpgrade(socket, new HttpProblem(400, 'BadArgument', 'the conversation id is not valid'));
    const credential = url.searchParams.get('t') ?? bearer(req.headers.authorization);
    const caller = authenticate(deps.tokens, credential ?? undefined, conversationId);
    if (caller instanceof HttpProblem) return refuseUpgrade(socket, caller);
    const conversation = await deps.store.getConversation(conversationId);
    if (!conversation)
      return refuseUpgrade(
        socket,
        new HttpProblem(404, 'NotFound', `conversation ${conversationId} does not exist`),
      );
    if (!deps.stream.hasRoom(conversationId)) {
      return refuseUpgrade(
        socket,
        new HttpProblem(
          429,
          'TooManyStreams',
          `at most ${deps.stream.maxSocketsPerConversation} streams per conversation`,
        ),
      );
    }
    const watermark = parseWatermark(url.searchParams.get('watermark') ?? undefined);
    if (watermark instanceof HttpProblem) return refuseUpgrade(socket, watermark);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Registered at once; the backlog follows when read (see ActivityStream.attach).
      deps.stream.attach(conversationId, ws, deps.store.activitiesAfter(conversationId, watermark));
    });
  };
  upgradeRoutes(server).claim(STREAM_PATH, streams, deps.logger);
}

/** A percent-encoded path segment decoded, or undefined when its encoding is broken. */
function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
