import type { WebSocket } from 'ws';
import type { Logger } from '../../bot/logger';
import type { ActivitySet } from './conversationStore';

/** How often the server pings each socket; a socket that missed the previous pong is closed. */
const HEARTBEAT_MS = 30_000;

/**
 * The WebSocket side of Direct Line: every open stream of a conversation receives each new
 * activity set as one JSON text frame. Clients send empty frames as pings; they are ignored.
 */
export class ActivityStream {
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    /** More streams than this for one conversation are refused. */
    readonly maxSocketsPerConversation: number,
    private readonly logger: Logger,
  ) {
    this.heartbeat = setInterval(() => this.checkHeartbeats(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Whether another stream may be opened for this conversation. */
  hasRoom(conversationId: string): boolean {
    return (this.sockets.get(conversationId)?.size ?? 0) < this.maxSocketsPerConversation;
  }

  /** Registers an open socket; `backlog` (what the client missed) is sent first. */
  attach(conversationId: string, socket: WebSocket, backlog?: ActivitySet): void {
    let set = this.sockets.get(conversationId);
    if (!set) {
      set = new Set();
      this.sockets.set(conversationId, set);
    }
    set.add(socket);
    this.alive.set(socket, true);
    socket.on('pong', () => this.alive.set(socket, true));
    // Clients ping with empty text frames; nothing a client sends on the stream is acted on.
    socket.on('message', () => undefined);
    socket.on('error', (error) =>
      this.logger.debug({ err: error, conversationId }, 'Direct Line stream error'),
    );
    socket.on('close', () => {
      set.delete(socket);
      if (set.size === 0 && this.sockets.get(conversationId) === set) this.sockets.delete(conversationId);
    });
    if (backlog && backlog.activities.length > 0) socket.send(JSON.stringify(backlog));
  }

  /** Sends an activity set to every open stream of the conversation. */
  publish(conversationId: string, set: ActivitySet): void {
    const sockets = this.sockets.get(conversationId);
    if (!sockets) return;
    const frame = JSON.stringify(set);
    for (const socket of sockets) {
      if (socket.readyState === socket.OPEN) socket.send(frame);
    }
  }

  /** Number of open streams, for tests and readiness. */
  count(conversationId?: string): number {
    if (conversationId !== undefined) return this.sockets.get(conversationId)?.size ?? 0;
    let total = 0;
    for (const set of this.sockets.values()) total += set.size;
    return total;
  }

  /** Closes every stream (server shutdown) and stops the heartbeat. */
  closeAll(): void {
    clearInterval(this.heartbeat);
    for (const set of this.sockets.values()) {
      for (const socket of set) socket.close(1001, 'server shutting down');
    }
    this.sockets.clear();
  }

  private checkHeartbeats(): void {
    for (const set of this.sockets.values()) {
      for (const socket of set) {
        if (this.alive.get(socket) === false) {
          socket.terminate();
          continue;
        }
        this.alive.set(socket, false);
        socket.ping();
      }
    }
  }
}
