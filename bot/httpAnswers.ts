/**
 * How every HTTP route of Switchboard answers (Direct Line, the console API, the webhooks):
 * errors are JSON `{code, message}`, and bearer credentials are read the same way everywhere.
 */
import type { Response } from 'restify';

/** An HTTP error answer: status and the JSON `{code, message}`. */
export class HttpProblem {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
  ) {}
}

/** Answers `status`, with a JSON body when there is one. */
export function send(res: Response, status: number, body?: unknown): void {
  if (body === undefined) res.send(status);
  else res.send(status, body);
}

/** Answers a problem as JSON `{code, message}`. */
export function fail(res: Response, problem: HttpProblem): void {
  send(res, problem.status, { code: problem.code, message: problem.message });
}

/** The credential of an `Authorization: Bearer <credential>` header, if it is one. */
export function bearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

/** 503 while the server drains for shutdown: the client should retry shortly. */
export const SHUTTING_DOWN = new HttpProblem(
  503,
  'ShuttingDown',
  'the server is shutting down; retry shortly',
);
