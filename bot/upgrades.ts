/**
 * WebSocket upgrades of the HTTP server, routed by path in one place. Each endpoint with a
 * socket (Direct Line streams, the console's events) claims its path here; an upgrade no
 * endpoint claims is answered 404 and closed at once. Without this, every endpoint listened to
 * `'upgrade'` itself and left other paths alone, so an upgrade to an unknown path was never
 * answered and its socket stayed open for as long as the client liked.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type restify from 'restify';
import type { Logger } from './logger';

/** Takes over one upgrade request: accepts it (ws `handleUpgrade`) or refuses it. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;

/** Why an upgrade is refused: the HTTP status and the JSON `{code, message}` of the answer. */
export interface UpgradeRefusal {
  status: number;
  code: string;
  message: string;
}

/**
 * Answers a refused WebSocket upgrade with a plain HTTP error (JSON `{code, message}`) and
 * closes the socket.
 */
export function refuseUpgrade(socket: Duplex, refusal: UpgradeRefusal): void {
  // NOTE: node removes its own error listener from an upgraded socket; a reset by the client
  // would otherwise be an uncaught 'error' event.
  socket.on('error', () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ code: refusal.code, message: refusal.message });
  const reason = STATUS_CODES[refusal.status] ?? 'Error';
  // As ws's own abortHandshake: destroy once the answer is written, so no half-open socket lingers.
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${refusal.status} ${reason}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

interface UpgradeRoute {
  /** The exact path, or a pattern the whole path must match. */
  path: string | RegExp;
  handle: UpgradeHandler;
  logger: Logger | undefined;
}

/** The upgrade routes of one HTTP server; get them with {@link upgradeRoutes}. */
export class UpgradeRoutes {
  private readonly routes: UpgradeRoute[] = [];

  constructor(server: Server) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.route(req, socket, head),
    );
  }

  /**
   * Sends upgrades to `path` (exact, or a RegExp tested on the path without query) to `handle`,
   * which must accept or refuse every one it gets; what it throws is logged to `logger`.
   */
  claim(path: string | RegExp, handle: UpgradeHandler, logger?: Logger): void {
    this.routes.push({ path, handle, logger });
  }

  private route(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      // NOTE: a request line such as `GET //[/` does not parse; a throw here would end the process.
      refuseUpgrade(socket, {
        status: 400,
        code: 'BadRequest',
        message: 'the request path is not a valid URL',
      });
      return;
    }
    const route = this.routes.find(({ path }) =>
      typeof path === 'string' ? path === url.pathname : path.test(url.pathname),
    );
    if (!route) {
      refuseUpgrade(socket, {
        status: 404,
        code: 'NotFound',
        message: `there is no WebSocket endpoint at ${url.pathname}`,
      });
      return;
    }
    try {
      route.handle(req, socket, head, url);
    } catch (error) {
      // NOTE: a throw inside an 'upgrade' listener would end the process; handlers refuse bad
      // input themselves, so this is a last resort that answers, closes and logs.
      route.logger?.error({ err: error, path: url.pathname }, 'WebSocket upgrade failed');
      refuseUpgrade(socket, {
        status: 500,
        code: 'InternalError',
        message: 'the WebSocket upgrade could not be handled',
      });
    }
  }
}

// NOTE: keyed by the server object, so the routes go when the server does.
const routesOfServer = new WeakMap<Server, UpgradeRoutes>();

/** The upgrade routes of `server`, made (and listening) on first use. */
export function upgradeRoutes(server: restify.Server): UpgradeRoutes {
  let routes = routesOfServer.get(server.server);
  if (!routes) {
    routes = new UpgradeRoutes(server.server);
    routesOfServer.set(server.server, routes);
  }
  return routes;
}
