import type { WebSocket } from 'ws';
import type { FanOut } from '../../bot/coordination';
import type { Logger } from '../../bot/logger';
import type { ActivitySet } from './conversationStore';

/** How long a closing stream waits for the client's closing frame before the socket is cut. */
const CLOSE_FRAME_WAIT_MS = 1_000;

/** How often the server pings each socket; a socket that missed the previous pong is closed. */
const HEARTBEAT_MS = 30_000;

/**
 * The WebSocket side of Direct Line: every open stream of a conversation receives each new
 * activity set as one JSON text frame. Clients send empty frames as pings; they are ignored.
 */
export class ActivityStream {
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  /** Live sets held back for a socket whose backlog is still being read. */
  private readonly pending = new WeakMap<WebSocket, ActivitySet[]>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    /** More streams than this for one conversation are refused. */
    readonly maxSocketsPerConversation: number,
    private readonly logger: Logger,
    /** Other instances, whose clients' streams may be open there; none with one instance. */
    private readonly relay?: FanOut,
  ) {
    this.heartbeat = setInterval(() => this.checkHeartbeats(), HEARTBEAT_MS);
    this.heartbeat.unref();
    relay?.onMessage((message) => {
      const { conversationId, set } = JSON.parse(message) as { conversationId: string; set: ActivitySet };
      this.deliver(conversationId, set);
    });
  }

  /** Whether another stream may be opened for this conversation. */
  hasRoom(conversationId: string): boolean {
    return (this.sockets.get(conversationId)?.size ?? 0) < this.maxSocketsPerConversation;
  }

  /**
   * Registers an open socket; `backlog` (what the client missed) is sent first. NOTE: the
   * socket is registered before the backlog is read, and what is published meanwhile is held
   * back and sent after it (only what is newer than the backlog), so nothing falls in between.
   */
  attach(conversationId: string, socket: WebSocket, backlog?: ActivitySet | Promise<ActivitySet>): void {
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
    if (backlog === undefined) return;
    this.pending.set(socket, []);
    Promise.resolve(backlog).then(
      (missed) => {
        const held = this.pending.get(socket) ?? [];
        this.pending.delete(socket);
        if (socket.readyState !== socket.OPEN) return;
        if (missed.activities.length > 0) socket.send(JSON.stringify(missed));
        for (const set of held)
          if (Number(set.watermark) > Number(missed.watermark)) socket.send(JSON.stringify(set));
      },
      (error: unknown) => {
        this.pending.delete(socket);
        this.logger.error({ err: error, conversationId }, 'Direct Line stream backlog could not be read');
        socket.close(1011, 'the conversation could not be read');
      },
    );
  }

  /** Sends an activity set to every open stream of the conversation, on every instance. */
  publish(conversationId: string, set: ActivitySet): void {
    this.deliver(conversationId, set);
    this.relay?.send(JSON.stringify({ conversationId, set }));
  }

  /** Sends an activity set to the conversation's streams open on this instance. */
  private deliver(conversationId: string, set: ActivitySet): void {
    const sockets = this.sockets.get(conversationId);
    if (!sockets) return;
    const frame = JSON.stringify(set);
    for (const socket of sockets) {
      const held = this.pending.get(socket);
      if (held) held.push(set);
      else if (socket.readyState === socket.OPEN) socket.send(frame);
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
      for (const socket of set) {
        socket.close(1001, 'server shutting down');
        // NOTE: ws waits 30 s for the client's closing frame; a client that never sends it (a
        // frozen tab) would hold the server's shutdown that long.
        setTimeout(() => {
          if (socket.readyState !== socket.CLOSED) socket.terminate();
        }, CLOSE_FRAME_WAIT_MS).unref();
      }
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
