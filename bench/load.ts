import http from 'node:http';

/** One customer message of a conversation script and the check its replies must pass. */
export interface ScriptedTurn {
  text: string;
  /** Returns what is wrong with the replies (texts of the message activities), or undefined. */
  check: (replies: string[]) => string | undefined;
}

/** The turns of conversation number `n` (0-based) of a load phase. */
export type ConversationScript = (n: number) => ScriptedTurn[];

export interface LoadOptions {
  /**
   * Base URL of the bot, or of several instances of one bot: then turn `i` of conversation `n`
   * goes to instance `(n + i) % count`, so every conversation moves between the instances turn
   * by turn (and their shared turn lock changes hands every turn).
   */
  url: string | readonly string[];
  /** Conversations talking at the same time. */
  concurrency: number;
  /** Conversations to run in all (each runs its whole script). */
  conversations: number;
  script: ConversationScript;
  /** Prefix of the conversation ids, unique per phase. */
  idPrefix: string;
  /** The phase fails if it is not done within this time. */
  timeoutMs: number;
}

export interface LoadResult {
  turns: number;
  conversations: number;
  elapsedMs: number;
  /** Latency of every turn, ms. */
  latenciesMs: number[];
  /** CPU time of this (the load-driving) process during the phase. */
  driverCpuMicros: number;
}

/** Raised when a bot answers a turn wrongly; the benchmark stops rather than measure errors. */
export class UnexpectedReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnexpectedReplyError';
  }
}

interface ExpectRepliesBody {
  activities?: { type?: string; text?: string }[];
}

/**
 * POSTs a JSON body with keep-alive; resolves with the status and the raw body. Every driver of
 * the benchmark (bench/channels.ts too) posts through this.
 *
 * NOTE: a kept-alive connection the bot closed as idle at the moment it was reused fails with
 * ECONNRESET ("socket hang up") before the request reached the bot; that request (and only
 * that one) is sent again on a new connection, as Node's documentation advises
 * (`request.reusedSocket`).
 */
export function postJson(
  agent: http.Agent,
  url: URL,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return postOnce(agent, url, body, headers).catch((error: unknown) => {
    if (error instanceof ReusedSocketReset) return postOnce(agent, url, body, headers);
    throw error;
  });
}

class ReusedSocketReset extends Error {}

function postOnce(
  agent: http.Agent,
  url: URL,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        request.reusedSocket && error.code === 'ECONNRESET' ? new ReusedSocketReset(error.message) : error,
      ),
    );
    request.end(body);
  });
}

/**
 * Sends turn number `index` of a conversation over `POST /api/messages` (expectReplies) and
 * checks its replies; resolves with its latency in ms, rejects on a wrong reply.
 */
export async function sayTurn(
  agent: http.Agent,
  target: URL,
  conversationId: string,
  index: number,
  turn: ScriptedTurn,
): Promise<number> {
  const body = JSON.stringify({
    type: 'message',
    id: `${conversationId}-${index}`,
    text: turn.text,
    channelId: 'test',
    serviceUrl: 'http://127.0.0.1:1',
    conversation: { id: conversationId },
    from: { id: `user-${conversationId}`, name: 'Customer' },
    recipient: { id: 'bot', name: 'Bot' },
    locale: 'en-US',
    deliveryMode: 'expectReplies',
  });
  const sent = performance.now();
  const { status, text } = await postJson(agent, target, body);
  const latency = performance.now() - sent;
  const where = `conversation ${conversationId}, turn ${index + 1} ("${turn.text}")`;
  if (status !== 200) throw new UnexpectedReplyError(`${where}: HTTP ${status} ${text.slice(0, 300)}`);
  const replies = ((JSON.parse(text) as ExpectRepliesBody).activities ?? [])
    .filter((activity) => activity.type === 'message')
    .map((activity) => activity.text ?? '');
  const problem = turn.check(replies);
  if (problem) throw new UnexpectedReplyError(`${where}: ${problem}; replies: ${JSON.stringify(replies)}`);
  return latency;
}

/**
 * Opens `count` kept-alive connections to each target before the measured turns, one `GET
 * /readyz` on each, all in flight at once so that the agent opens that many sockets.
 *
 * NOTE: a server busy with the turns of established connections answered the first request of
 * a connection opened in the same moment only after up to 1.9 s, a bare `http.createServer`
 * as much as either bot (the first turns of the last ~25 of 64 conversations of a segment); the
 * p99 of a segment was then the connections' set-up, not the bot's turns. Channels keep their
 * connections open (Direct Line's WebSocket, the connectors' kept-alive HTTPS), so the
 * benchmark measures turns on open connections.
 */
async function openConnections(agent: http.Agent, targets: readonly URL[], count: number): Promise<void> {
  const get = (target: URL): Promise<void> =>
    new Promise((resolve, reject) => {
      const request = http.get(new URL('/readyz', target), { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve());
        response.on('error', reject);
      });
      request.on('error', reject);
    });
  await Promise.all(targets.flatMap((target) => Array.from({ length: count }, () => get(target))));
}

/**
 * Drives a bot with `concurrency` conversations at a time over `POST /api/messages` with
 * `deliveryMode: "expectReplies"`, each running its script turn after turn, until
 * `conversations` have finished. Every reply is checked; the first wrong one rejects.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const targets = [options.url].flat().map((url) => new URL('/api/messages', url));
  const latenciesMs: number[] = [];
  let nextConversation = 0;
  let turns = 0;
  let failed = false;
  const deadline = performance.now() + options.timeoutMs;

  const talk = async (n: number): Promise<void> => {
    const conversationId = `${options.idPrefix}-${n}`;
    const script = options.script(n);
    for (const [index, turn] of script.entries()) {
      if (failed) return;
      if (performance.now() > deadline) {
        throw new Error(`load on ${targets.join(', ')}: not done within ${options.timeoutMs} ms`);
      }
      const target = targets[(n + index) % targets.length] as URL;
      latenciesMs.push(await sayTurn(agent, target, conversationId, index, turn));
      turns += 1;
    }
  };

  const worker = async (): Promise<void> => {
    while (!failed && nextConversation < options.conversations) {
      const n = nextConversation++;
      try {
        await talk(n);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };

  const workers = Math.min(options.concurrency, options.conversations);
  const cpuBefore = process.cpuUsage();
  let started = performance.now();
  try {
    await openConnections(agent, targets, workers);
    started = performance.now();
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    agent.destroy();
  }
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    turns,
    conversations: options.conversations,
    elapsedMs,
    latenciesMs,
    driverCpuMicros: cpu.user + cpu.system,
  };
}
