// @ts-check
/** The console API client: JSON in and out, the CSRF token on writes, errors as ApiError. */

const API = '/api/console/';

/** A refused or failed request: the server's `{code, message, problems?}`. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string | undefined} code
   * @param {unknown[]} problems
   */
  constructor(status, message, code, problems) {
    super(message);
    this.status = status;
    this.code = code;
    /** What validation refused (422), as the server lists it. */
    this.problems = problems;
  }
}

/** @type {string | null} */
let csrfToken = null;
/** @type {() => void} */
let sessionLost = () => undefined;

/** @param {string | null} token the session's CSRF token (null after logging out) */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** @param {() => void} handler called when the server says the session has ended (401) */
export function onSessionLost(handler) {
  sessionLost = handler;
}

/**
 * Calls the console API. The caller states the answer's shape with a cast.
 * @param {'GET' | 'POST' | 'PUT' | 'DELETE'} method
 * @param {string} path under /api/console/
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const response = await fetch(API + path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  /** @type {any} */
  let data = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = { message: text };
  }
  if (response.status === 401 && path !== 'login') sessionLost();
  if (!response.ok) {
    throw new ApiError(
      response.status,
      typeof data.message === 'string' ? data.message : `request failed (${response.status})`,
      typeof data.code === 'string' ? data.code : undefined,
      Array.isArray(data.problems) ? data.problems : [],
    );
  }
  return data;
}

/**
 * The status of a failed call (0 for a network failure), for deciding how to show it.
 * @param {unknown} error
 */
export function statusOf(error) {
  return error instanceof ApiError ? error.status : 0;
}

/** @param {unknown} error */
export function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/** The address of the event socket. */
export function eventsUrl() {
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + API + 'events';
}
