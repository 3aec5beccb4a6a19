import WebSocket from 'ws';

/** A console event socket opened with the real `ws` client; messages are read in order. */
export class EventSocket {
  private readonly received: unknown[] = [];
  private readonly waiting: ((message: unknown) => void)[] = [];
  /** Resolves with the close code once the server or the client closes the socket. */
  readonly closed: Promise<number>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: WebSocket.RawData) => {
      // Text frames arrive as one Buffer (the server never fragments them).
      const message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '') as unknown;
      const waiter = this.waiting.shift();
      if (waiter) waiter(message);
      else this.received.push(message);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code: number) => resolve(code)));
  }

  /**
   * Opens `url`; resolves when the upgrade succeeded, rejects with `refused <status>` when the
   * server answered the upgrade with an HTTP error.
   */
  static open(url: string, headers: Record<string, string> = {}): Promise<EventSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once('open', () => resolve(new EventSocket(socket)));
      socket.once('unexpected-response', (_request, response) => {
        reject(new Error(`refused ${response.statusCode ?? 0}`));
        socket.terminate();
      });
      socket.once('error', (error) => reject(error));
    });
  }

  /** The next message the server sent (already received or still to come). */
  next(): Promise<unknown> {
    const message = this.received.shift();
    if (message !== undefined) return Promise.resolve(message);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  close(): Promise<number> {
    this.socket.close();
    return this.closed;
  }
}

/** Polls a condition the server reaches asynchronously (a socket closing on its side). */
export { eventually } from '../support/polling';
