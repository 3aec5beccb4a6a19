/**
 * The console's event WebSocket at `/api/console/events`: tells each agent's sockets, as JSON
 * text frames, that a case they see changed (`changed`), that its customer wrote
 * (`customerMessage`), or that a ticket of their teams was created or closed (`ticket`).
 * Clients reload what changed through the routes; nothing they send is acted on.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type restify from 'restify';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FanOut } from '../bot/coordination';
import type { Logger } from '../bot/logger';
import { refuseUpgrade, upgradeRoutes } from '../bot/upgrades';
import type { AgentDirectory } from './agentDirectory';
import { authenticateUpgrade, type Caller } from './consoleAuth';
import { CONSOLE_API_BASE, HttpProblem } from './consoleHttp';
import { canSeeTicket, findTicket } from './consoleViews';
import type { HandoffDesk } from './handoffDesk';
import type { HandoffCase } from './handoffStore';

/** Path of the event stream (WebSocket). */
export const CONSOLE_EVENTS_PATH = `${CONSOLE_API_BASE}/events`;
/** Event sockets one agent may hold open (tabs, other help desks). */
const MAX_SOCKETS_PER_AGENT = 10;
/** How often the server pings event sockets and re-checks their sessions. */
const HEARTBEAT_MS = 30_000;

export interface ConsoleEventsDeps {
  desk: HandoffDesk;
  agents: AgentDirectory;
  logger: Logger;
  /** True once the server is shutting down: new sockets get 503. */
  isClosing: () => boolean;
  /**
   * Ended sessions to and from the other instances (Redis), when there are several: a logout
   * on one closes that session's sockets on every instance, not only at the next heartbeat.
   */
  sessionsFanOut?: FanOut;
}

/** What instances tell each other of an ended session: the SHA-256 of its token, never the token. */
const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

interface EventClient {
  socket: WebSocket;
  caller: Caller;
  /** Cases this agent saw: a case that leaves their view still gets its last `changed`. */
  known: Set<number>;
  alive: boolean;
}

type ConsoleEvent =
  | { type: 'changed'; caseId: number }
  | { type: 'customerMessage'; caseId: number; text: string }
  | { type: 'ticket'; ticketId: number };

/**
 * Fans the desk's events out to the agents' sockets, each only what its agent may see. Desk
 * listeners and the heartbeat exist only while at least one socket is open.
 */
export class ConsoleEvents {
  private readonly clients = new Set<EventClient>();
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  private heartbeat: NodeJS.Timeout | undefined;
  private checking = false;

  // NOTE: the desk's events are plain listeners; what they read is awaited here and a failure
  // (the database) is logged, never left unhandled.
  private readonly onChanged = (caseId: number): void => {
    this.deps.desk.records.getCase(caseId).then(
      (handoffCase) => this.pushChanged(caseId, handoffCase),
      (error: unknown) => this.readFailed(error),
    );
  };

  private pushChanged(caseId: number, handoffCase: HandoffCase | undefined): void {
    for (const client of this.clients) {
      const visible = handoffCase !== undefined && this.deps.desk.canSee(client.caller.agent, handoffCase);
      // NOTE: a case claimed by a colleague leaves this agent's view; they still need to hear
      // about it, or their queue would keep showing it as waiting.
      if (visible || client.known.has(caseId)) this.push(client, { type: 'changed', caseId });
      if (visible) client.known.add(caseId);
      else client.known.delete(caseId);
    }
  }

  private readonly onCustomerMessage = (event: { caseId: number; text: string }): void => {
    this.deps.desk.records.getCase(event.caseId).then(
      (handoffCase) => {
        if (!handoffCase) return;
        for (const client of this.clients) {
          if (this.deps.desk.canSee(client.caller.agent, handoffCase)) {
            this.push(client, { type: 'customerMessage', caseId: event.caseId, text: event.text });
          }
        }
      },
      (error: unknown) => this.readFailed(error),
    );
  };

  private readonly onTicket = (ticketId: number): void => {
    findTicket(this.deps.desk.records, ticketId).then(
      (ticket) => {
        if (!ticket) return;
        for (const client of this.clients) {
          if (canSeeTicket(client.caller.agent, ticket)) this.push(client, { type: 'ticket', ticketId });
        }
      },
      (error: unknown) => this.readFailed(error),
    );
  };

  private readFailed(error: unknown): void {
    this.deps.logger.warn({ err: error }, 'console event not pushed: the handoff store could not be read');
  }

  constructor(private readonly deps: ConsoleEventsDeps) {
    deps.sessionsFanOut?.onMessage((hash) => this.closeSession(hash));
  }

  /** Accepts or refuses one upgrade request to {@link CONSOLE_EVENTS_PATH}. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    // NOTE: node removes its own error listener from an upgraded socket, and ws adds one only in
    // handleUpgrade(): a client resetting while its session is looked up would be an uncaught 'error'.
    const dropped = (): void => {
      socket.destroy();
    };
    socket.on('error', dropped);
    this.accept(req, socket, head, url)
      .catch((error: unknown) => {
        this.deps.logger.error({ err: error }, 'console event socket could not be opened');
        refuseUpgrade(socket, new HttpProblem(500, 'InternalError', 'the event socket could not be opened'));
      })
      .finally(() => socket.off('error', dropped));
  }

  private async accept(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    if (this.deps.isClosing()) {
      return refuseUpgrade(socket, new HttpProblem(503, 'ShuttingDown', 'the server is shutting down'));
    }
    const caller = await authenticateUpgrade(req, url, this.deps.agents);
    if (caller instanceof HttpProblem) return refuseUpgrade(socket, caller);
    // The server may have begun to close while the session was looked up.
    if (this.deps.isClosing()) {
      return refuseUpgrade(socket, new HttpProblem(503, 'ShuttingDown', 'the server is shutting down'));
    }
    // NOTE: counted after the lookup, right before the socket is attached (synchronously), so
    // upgrades racing through their lookups cannot all pass one count.
    if (!this.hasRoom(caller.agent.id)) {
      return refuseUpgrade(
        socket,
        new HttpProblem(429, 'TooManySockets', `at most ${MAX_SOCKETS_PER_AGENT} event sockets per agent`),
      );
    }
    this.sockets.handleUpgrade(req, socket, head, (ws) => this.attach(ws, caller));
  }

  /** Closes the sockets of one session (logout), on this instance and every other. */
  endSession(token: string): void {
    const hash = tokenHash(token);
    this.closeSession(hash);
    this.deps.sessionsFanOut?.send(hash);
  }

  private closeSession(hash: string): void {
    for (const client of this.clients) {
      if (tokenHash(client.caller.token) === hash) client.socket.close(4401, 'logged out');
    }
  }

  /** Open event sockets. */
  count(): number {
    return this.clients.size;
  }

  /** Agents with at least one open event socket (the console open). */
  agentsOnline(): number {
    return new Set([...this.clients].map((client) => client.caller.agent.id)).size;
  }

  /** Closes every socket with 1001 (server shutdown) and stops accepting upgrades. */
  close(): void {
    for (const client of this.clients) client.socket.close(1001, 'server shutting down');
    this.clients.clear();
    this.stop();
    this.sockets.close();
  }

  private hasRoom(agentId: string): boolean {
    let count = 0;
    for (const client of this.clients) if (client.caller.agent.id === agentId) count += 1;
    return count < MAX_SOCKETS_PER_AGENT;
  }

  private attach(socket: WebSocket, caller: Caller): void {
    if (this.clients.size === 0) this.start();
    const client: EventClient = { socket, caller, known: new Set(), alive: true };
    this.clients.add(client);
    // The cases the agent sees now: a change to one is pushed even when it leaves their view.
    this.deps.desk.visibleCases(caller.agent).then(
      (cases) => {
        for (const visible of cases) client.known.add(visible.id);
      },
      (error: unknown) => this.readFailed(error),
    );
    socket.on('pong', () => {
      client.alive = true;
    });
    // Nothing a client sends is acted on.
    socket.on('message', () => undefined);
    socket.on('error', (error) => this.deps.logger.debug({ err: error }, 'console event socket error'));
    socket.on('close', () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.stop();
    });
  }

  private push(client: EventClient, event: ConsoleEvent): void {
    if (client.socket.readyState !== client.socket.OPEN) return;
    // NOTE: pushes run inside the desk's emit(); a failing socket must not fail the agent action.
    client.socket.send(JSON.stringify(event), (error) => {
      if (error) this.deps.logger.debug({ err: error }, 'console event not sent');
    });
  }

  private start(): void {
    this.deps.desk.on('changed', this.onChanged);
    this.deps.desk.on('customerMessage', this.onCustomerMessage);
    this.deps.desk.on('ticket', this.onTicket);
    this.heartbeat = setInterval(() => {
      // NOTE: a rejection in a timer would end the process (e.g. the database closed first);
      // a check still running (a slow database) is not started twice.
      if (this.checking) return;
      this.checking = true;
      this.checkClients()
        .catch((error: unknown) => this.deps.logger.error({ err: error }, 'console event heartbeat failed'))
        .finally(() => {
          this.checking = false;
        });
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private stop(): void {
    this.deps.desk.off('changed', this.onChanged);
    this.deps.desk.off('customerMessage', this.onCustomerMessage);
    this.deps.desk.off('ticket', this.onTicket);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Drops dead sockets and those whose session ended (logout, expiry, disabled account, new password). */
  private async checkClients(): Promise<void> {
    const clients = [...this.clients];
    const sessions = await Promise.all(
      clients.map((client) => this.deps.agents.session(client.caller.token, client.caller.kind)),
    );
    clients.forEach((client, index) => {
      // A socket closed while the sessions were looked up is gone already.
      if (!this.clients.has(client)) return;
      const session = sessions[index];
      if (!session) {
        client.socket.close(4401, 'session ended');
        return;
      }
      client.caller = { ...client.caller, agent: session.agent, session };
      if (!client.alive) {
        client.socket.terminate();
        return;
      }
      client.alive = false;
      client.socket.ping();
    });
  }
}

/**
 * Accepts event sockets on the server's WebSocket upgrades to {@link CONSOLE_EVENTS_PATH}.
 * Returns the fan-out, which the routes tell about closed tickets and ended sessions.
 */
export function mountConsoleEvents(server: restify.Server, deps: ConsoleEventsDeps): ConsoleEvents {
  const events = new ConsoleEvents(deps);
  upgradeRoutes(server).claim(
    CONSOLE_EVENTS_PATH,
    (req, socket, head, url) => events.upgrade(req, socket, head, url),
    deps.logger,
  );
  return events;
}
