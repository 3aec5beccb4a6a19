import net from 'node:net';
import { percentile } from './stats';

/** The protocols {@link CountingProxy} reads: PostgreSQL's frontend/backend protocol and RESP. */
export type WireProtocol = 'postgres' | 'redis';

/** The round trips of one kind (a statement's verb and table, a Redis command) over a window. */
export interface RoundTrips {
  count: number;
  /** Request sent to its answer received, as the proxy saw them (the server's time and its queue). */
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

const DEFAULT_PORTS: Record<WireProtocol, number> = { postgres: 5432, redis: 6379 };

/** A request waiting for its answer on one connection. */
interface Pending {
  label: string;
  sentAt: number;
}

/**
 * A TCP proxy in front of a PostgreSQL or Redis server that counts the round trips passing
 * through it and times each from the request to its answer. Bytes are forwarded untouched as
 * they arrive; the proxy only reads along.
 *
 * - PostgreSQL: a round trip ends with the server's ReadyForQuery (`Z`) and is started by the
 *   client's Sync (`S`, after Parse/Bind/Execute: a query with parameters) or Query (`Q`: a
 *   simple query such as `begin`), named by its SQL's verb and first table.
 * - Redis: every command is one round trip (ioredis may have several in flight on a connection;
 *   answers come in order), named by the command; a connection that subscribed is counted but
 *   not timed, as pushed messages answer no command.
 *
 * NOTE: the proxy runs in the benchmark's own process and adds a hop, so it is for counting and
 * for rough round-trip times in a segment of its own, never in the throughput rounds.
 */
export class CountingProxy {
  private counts = new Map<string, number>();
  private latencies = new Map<string, number[]>();
  private readonly sockets = new Set<net.Socket>();

  private readonly server: net.Server;
  /** The server's URL with the proxy's address in it, once started: what the clients connect to. */
  url = '';

  private constructor(protocol: WireProtocol, target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.accept(protocol, client, target));
  }

  /**
   * Listens on 127.0.0.1 (an ephemeral port) and forwards every connection to the server of
   * `serverUrl` (`postgres://…` or `redis://…`; the protocol's port when it names none).
   */
  static async start(protocol: WireProtocol, serverUrl: string): Promise<CountingProxy> {
    const target = new URL(serverUrl);
    const proxy = new CountingProxy(protocol, {
      host: target.hostname,
      port: Number(target.port || DEFAULT_PORTS[protocol]),
    });
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = proxy.server.address();
    if (address === null || typeof address === 'string') throw new Error('CountingProxy: no port');
    target.hostname = '127.0.0.1';
    target.port = String(address.port);
    proxy.url = target.toString();
    return proxy;
  }

  /** Forgets what was counted so far (at the start of a window). */
  reset(): void {
    this.counts = new Map();
    this.latencies = new Map();
  }

  /** The round trips since the last {@link reset}, by kind, most frequent first. */
  roundTrips(): Record<string, RoundTrips> {
    const entries = [...this.counts.entries()].sort((a, b) => b[1] - a[1]);
    return Object.fromEntries(
      entries.map(([label, count]) => {
        const sorted = [...(this.latencies.get(label) ?? [])].sort((a, b) => a - b);
        const total = sorted.reduce((sum, ms) => sum + ms, 0);
        return [
          label,
          {
            count,
            meanMs: total / sorted.length,
            p50Ms: percentile(sorted, 50),
            p99Ms: percentile(sorted, 99),
          },
        ];
      }),
    );
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private count(label: string): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
  }

  private time(label: string, ms: number): void {
    const list = this.latencies.get(label);
    if (list) list.push(ms);
    else this.latencies.set(label, [ms]);
  }

  private accept(protocol: WireProtocol, client: net.Socket, target: { host: string; port: number }): void {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => this.sockets.delete(socket));
      // One side failing ends the other: the client sees the connection drop, as without a proxy.
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    const pending: Pending[] = [];
    const reader = protocol === 'postgres' ? new PostgresReader() : new RedisReader();
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      for (const label of reader.requests(chunk)) {
        this.count(label);
        if (!reader.untimed) pending.push({ label, sentAt: performance.now() });
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      const answered = reader.answers(chunk);
      const now = performance.now();
      for (let i = 0; i < answered; i++) {
        const request = pending.shift();
        // The startup exchange ends with a ReadyForQuery no request of ours waits for.
        if (request) this.time(request.label, now - request.sentAt);
      }
    });
  }
}

/** Reads one direction's bytes as they come, frame by frame. */
abstract class FrameReader {
  /** True once answers can no longer be matched to requests (a subscribed Redis connection). */
  untimed = false;
  private fromClient = Buffer.alloc(0);
  private fromServer = Buffer.alloc(0);

  /** The labels of the round trips the client started with `chunk`. */
  requests(chunk: Buffer): string[] {
    this.fromClient = Buffer.concat([this.fromClient, chunk]);
    const labels: string[] = [];
    let at = 0;
    for (;;) {
      const frame = this.clientFrame(this.fromClient, at);
      if (frame === undefined) break;
      if (frame.label !== undefined) labels.push(frame.label);
      at = frame.end;
    }
    this.fromClient = this.fromClient.subarray(at);
    return labels;
  }

  /** How many round trips the server finished with `chunk`. */
  answers(chunk: Buffer): number {
    this.fromServer = Buffer.concat([this.fromServer, chunk]);
    let answered = 0;
    let at = 0;
    for (;;) {
      const frame = this.serverFrame(this.fromServer, at);
      if (frame === undefined) break;
      if (frame.answers) answered += 1;
      at = frame.end;
    }
    this.fromServer = this.fromServer.subarray(at);
    return answered;
  }

  /** The client's next complete frame at `at`: where it ends and the round trip it starts, if any. */
  protected abstract clientFrame(buffer: Buffer, at: number): { end: number; label?: string } | undefined;
  /** The server's next complete frame at `at`: where it ends and whether it finishes a round trip. */
  protected abstract serverFrame(buffer: Buffer, at: number): { end: number; answers: boolean } | undefined;
}

/** PostgreSQL's frontend/backend protocol 3: type byte, then a 4-byte length including itself. */
class PostgresReader extends FrameReader {
  private started = false;
  /** The statement of the last Parse, named by the Sync that sends it. */
  private parsed: string | undefined;

  protected clientFrame(buffer: Buffer, at: number): { end: number; label?: string } | undefined {
    if (!this.started) {
      // The startup message has no type byte.
      if (buffer.length < at + 4) return undefined;
      const end = at + buffer.readInt32BE(at);
      if (buffer.length < end) return undefined;
      this.started = true;
      return { end };
    }
    if (buffer.length < at + 5) return undefined;
    const type = String.fromCharCode(buffer[at] as number);
    const end = at + 1 + buffer.readInt32BE(at + 1);
    if (buffer.length < end) return undefined;
    const body = buffer.subarray(at + 5, end);
    if (type === 'Q') return { end, label: statementLabel(cString(body, 0)) };
    if (type === 'P') {
      const name = cString(body, 0);
      this.parsed = statementLabel(cString(body, Buffer.byteLength(name) + 1));
    }
    if (type === 'S') {
      const label = this.parsed ?? 'sync';
      this.parsed = undefined;
      return { end, label };
    }
    return { end };
  }

  protected serverFrame(buffer: Buffer, at: number): { end: number; answers: boolean } | undefined {
    if (buffer.length < at + 5) return undefined;
    const end = at + 1 + buffer.readInt32BE(at + 1);
    if (buffer.length < end) return undefined;
    return { end, answers: buffer[at] === 'Z'.charCodeAt(0) };
  }
}

function cString(buffer: Buffer, at: number): string {
  const zero = buffer.indexOf(0, at);
  return buffer.toString('utf8', at, zero < 0 ? buffer.length : zero);
}

/** `select state`, `insert state`, `begin`: a statement's verb and the first table it names. */
export function statementLabel(sql: string): string {
  const text = sql.trim().toLowerCase();
  const verb = /^\w+/.exec(text)?.[0] ?? '?';
  const table = /\b(?:from|into|update|table)\s+"?([\w.]+)"?/.exec(text)?.[1];
  return table === undefined ? verb : `${verb} ${table}`;
}

/** RESP 2: every command an array of bulk strings; every answer one value. */
class RedisReader extends FrameReader {
  protected clientFrame(buffer: Buffer, at: number): { end: number; label?: string } | undefined {
    const end = respEnd(buffer, at);
    if (end < 0) return undefined;
    const [name = '?', second = ''] = bulkStrings(buffer, at, 2);
    const command = name.toLowerCase();
    if (command === 'subscribe' || command === 'psubscribe') this.untimed = true;
    // NOTE: a command sent before the SUBSCRIBE on the same connection is then never timed.
    // The turn lock's two scripts (bot/conversationLocks.ts) are told apart by what they call.
    if (command === 'eval') return { end, label: second.includes('pexpire') ? 'eval renew' : 'eval release' };
    return { end, label: command };
  }

  protected serverFrame(buffer: Buffer, at: number): { end: number; answers: boolean } | undefined {
    const end = respEnd(buffer, at);
    // A RESP 3 push (`>`: a subscribed message) answers no command.
    return end < 0 ? undefined : { end, answers: !this.untimed && buffer[at] !== '>'.charCodeAt(0) };
  }
}

/**
 * Where the RESP value at `at` ends, or -1 when it has not fully arrived. RESP 3 types too: the
 * client may switch with `HELLO 3`.
 */
export function respEnd(buffer: Buffer, at: number): number {
  const eol = buffer.indexOf('\r\n', at);
  if (at >= buffer.length || eol < 0) return -1;
  const size = Number(buffer.toString('latin1', at + 1, eol));
  const values = (count: number): number => {
    let end = eol + 2;
    for (let i = 0; i < count; i++) {
      end = respEnd(buffer, end);
      if (end < 0) return -1;
    }
    return end;
  };
  switch (String.fromCharCode(buffer[at] as number)) {
    case '+':
    case '-':
    case ':':
    case '_':
    case '#':
    case ',':
    case '(':
      return eol + 2;
    case '$':
    case '!':
    case '=':
      if (size < 0) return eol + 2;
      return buffer.length >= eol + 2 + size + 2 ? eol + 2 + size + 2 : -1;
    case '*':
    case '~':
    case '>':
      return values(Math.max(0, size));
    case '%':
      return values(2 * size);
    default:
      throw new Error(`CountingProxy: not RESP at byte ${at} ("${buffer.toString('latin1', at, at + 16)}")`);
  }
}

/** The first `count` bulk strings of the complete RESP array at `at`. */
function bulkStrings(buffer: Buffer, at: number, count: number): string[] {
  const strings: string[] = [];
  let eol = buffer.indexOf('\r\n', at);
  let next = eol + 2;
  for (let i = 0; i < count && buffer[next] === '$'.charCodeAt(0); i++) {
    eol = buffer.indexOf('\r\n', next);
    const size = Number(buffer.toString('latin1', next + 1, eol));
    strings.push(buffer.toString('utf8', eol + 2, eol + 2 + size));
    next = eol + 2 + size + 2;
  }
  return strings;
}
