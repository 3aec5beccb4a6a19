/**
 * What every part of the console API shares about HTTP: the error answer `{code, message}`,
 * handlers that return their problem instead of answering it, and reading the `:id` path
 * parameter, query parameters and JSON bodies.
 */
import restify, { type Request, type RequestHandler, type Response } from 'restify';
import { HttpProblem, fail } from '../bot/httpAnswers';

/** Where the console API lives. */
export const CONSOLE_API_BASE = '/api/console';

/** Largest JSON body the console sends (a 4000-character reply, escaped). */
const MAX_BODY_BYTES = 64 * 1024;

export { HttpProblem, fail, send } from '../bot/httpAnswers';

/** A route handler that answers success itself and returns a problem for {@link fail} to answer. */
export type ProblemHandler = (req: Request, res: Response) => Promise<HttpProblem | void>;

/** Turns a {@link ProblemHandler} into a restify handler. */
export function answerProblems(handler: ProblemHandler): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const problem = await handler(req, res);
    if (problem) fail(res, problem);
  };
}

/** Reads JSON bodies of console requests: size-limited, never mapped into `req.params`. */
export function jsonBodyParser(): RequestHandler[] {
  return restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, mapFiles: false });
}

/** A path parameter (`:id` by default) as written. */
export function rawId(req: Request, name = 'id'): string {
  const value = (req.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** A path parameter (`:id` by default) as a number, or undefined when it is not a whole number. */
export function idParam(req: Request, name = 'id'): number | undefined {
  const value = rawId(req, name);
  return /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/** A query parameter as parsed (the server uses `queryParser({ mapParams: false })`). */
export function queryParam(req: Request, name: string): unknown {
  return (req.query as Record<string, unknown> | undefined)?.[name];
}

/** The JSON body as an object (empty when there is none); 415 for another content type. */
export function jsonBody(req: Request): Record<string, unknown> | HttpProblem {
  const length = Number(req.headers['content-length'] ?? 0);
  if (req.body === undefined && length === 0 && req.headers['transfer-encoding'] === undefined) return {};
  if (!/^application\/([\w.+-]+\+)?json$/i.test(req.contentType())) {
    return new HttpProblem(415, 'UnsupportedMediaType', 'send a JSON body (Content-Type: application/json)');
  }
  if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
    return new HttpProblem(400, 'BadArgument', 'the body must be a JSON object');
  }
  return req.body as Record<string, unknown>;
}
