import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { Order } from '../../services/types';
import { createI18n, translator } from '../../bot/i18n';
import { waitFor } from '../support/polling';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { connectTestRedis, TEST_REDIS_URL } from '../support/redis';
import { startServerProcess, type ServerProcess } from '../support/serverProcess';
import { customerMessage, makeDataDir, postActivity, removeDataDir } from '../support/testServer';

const en = translator(createI18n(['en']), 'en');

/** An order-status lookup: asks for the number, then for proof, then answers. */
const SCRIPT = ['where is my order', 'SB-10001', 'ana.garcia@example.com'] as const;

/** The Redis key of a conversation's turn lock (bot/conversationLocks.ts, default prefix). */
const lockKey = (conversationId: string): string => `switchboard:turn:test/${conversationId}`;

/** What became of one POST /api/messages. */
type Outcome =
  | { kind: 'answered'; texts: string[] }
  | { kind: 'refused'; status: number; code: unknown }
  | { kind: 'connectionError'; message: string };

/** Sends one activity with `expectReplies` and says what came back, a dropped connection included. */
async function send(url: string, activity: Partial<Activity>): Promise<Outcome> {
  try {
    const { status, body } = await postActivity(url, activity);
    if (status !== 200)
      return { kind: 'refused', status, code: (body as { code?: unknown } | undefined)?.code };
    const activities = (body as { activities?: Activity[] } | undefined)?.activities ?? [];
    return { kind: 'answered', texts: activities.filter((a) => a.type === 'message').map((a) => a.text) };
  } catch (error) {
    return { kind: 'connectionError', message: String((error as Error).cause ?? error) };
  }
}

/** Sends a customer message and returns the bot's reply texts; anything but 200 fails. */
async function say(url: string, activity: Partial<Activity>): Promise<string[]> {
  const outcome = await send(url, activity);
  if (outcome.kind !== 'answered') throw new Error(`say(): ${JSON.stringify(outcome)}`);
  return outcome.texts;
}

/** Runs the whole script in a fresh conversation: the replies an uninterrupted customer gets. */
async function referenceReplies(url: string, conversationId: string): Promise<string[][]> {
  const replies: string[][] = [];
  for (const text of SCRIPT) replies.push(await say(url, customerMessage(conversationId, text)));
  // The reference must be the real answer, not an apology both runs would share.
  assert.deepEqual(replies[1], [en('verification.ask')]);
  assert.match(replies[2]?.join('\n') ?? '', /SEUR8834120567/);
  return replies;
}

describe('crash recovery (real server processes)', function () {
  this.timeout(120_000);

  describe('on SQLite in one DATA_DIR', () => {
    let dataDir: string;
    const processes: ServerProcess[] = [];
    const startOnDataDir = async (): Promise<ServerProcess> => {
      const started = await startServerProcess({ DATA_DIR: dataDir });
      processes.push(started);
      return started;
    };
    let reference: string[][];

    before(() => {
      dataDir = makeDataDir();
    });
    after(async () => {
      for (const running of processes) await running.kill('SIGKILL');
      removeDataDir(dataDir);
    });

    it('kill -9 between turns: a new process on the same DATA_DIR continues the conversation at its step', async () => {
      const first = await startOnDataDir();
      reference = await referenceReplies(first.url, 'sqlite-reference');
      assert.deepEqual(await say(first.url, customerMessage('sqlite-crash', SCRIPT[0])), reference[0]);
      assert.deepEqual(await first.kill('SIGKILL'), { code: null, signal: 'SIGKILL' });

      const second = await startOnDataDir();
      assert.deepEqual(await say(second.url, customerMessage('sqlite-crash', SCRIPT[1])), reference[1]);
      assert.deepEqual(await say(second.url, customerMessage('sqlite-crash', SCRIPT[2])), reference[2]);
    });

    it('SIGTERM amid concurrent turns: each gets its answer or a clean refusal, and none is half-applied after restart', async () => {
      const running = processes.at(-1);
      assert.ok(running, 'the previous test left a running process');
      const conversations = Array.from({ length: 16 }, (_, index) => `sqlite-term-${index}`);
      for (const id of conversations) {
        assert.deepEqual(await say(running.url, customerMessage(id, SCRIPT[0])), reference[0]);
      }
      // The second step of every conversation at once; SIGTERM goes out as soon as the first is
      // answered, and a second wave arrives while the server drains.
      const numbers = new Map(conversations.map((id) => [id, customerMessage(id, SCRIPT[1])]));
      const firstWave = conversations.slice(0, 10).map((id) => send(running.url, numbers.get(id) ?? {}));
      await Promise.race(firstWave);
      const exit = running.kill('SIGTERM');
      const secondWave = conversations.slice(10).map((id) => send(running.url, numbers.get(id) ?? {}));
      const outcomes = new Map<string, Outcome>();
      for (const [index, outcome] of (await Promise.all([...firstWave, ...secondWave])).entries()) {
        outcomes.set(conversations[index] ?? '', outcome);
      }
      assert.deepEqual(await exit, { code: 0, signal: null }, running.output());
      for (const [id, outcome] of outcomes) {
        if (outcome.kind === 'answered') assert.deepEqual(outcome.texts, reference[1], id);
        else if (outcome.kind === 'refused')
          assert.deepEqual(outcome, { kind: 'refused', status: 503, code: 'ShuttingDown' }, id);
        else assert.match(outcome.message, /ECONNREFUSED|ECONNRESET|other side closed|SocketError/, id);
      }
      assert.ok(
        [...outcomes.values()].some((outcome) => outcome.kind === 'answered'),
        'no turn was answered',
      );

      const restarted = await startOnDataDir();
      for (const [id, outcome] of outcomes) {
        // The client retries what it sent, with the same activity id, as Bot Framework redelivers.
        const retried = await say(restarted.url, numbers.get(id) ?? {});
        if (outcome.kind === 'answered') assert.deepEqual(retried, [], `${id}: an answered turn ran twice`);
        else if (outcome.kind === 'refused')
          assert.deepEqual(retried, reference[1], `${id}: a refused turn was applied`);
        else
          assert.ok(
            retried.length === 0 || retried.join() === reference[1]?.join(),
            `${id}: ${retried.join()}`,
          );
        assert.deepEqual(await say(restarted.url, customerMessage(id, SCRIPT[2])), reference[2], id);
      }
    });
  });

  describe('two processes on one PostgreSQL and one Redis', () => {
    let redis: Redis;
    let database: TestDatabase;
    let shop: FakeShopApi;
    const processes: ServerProcess[] = [];
    let one: ServerProcess;
    let two: ServerProcess;
    // Conversation ids of this run only: the lock keys in Redis are shared by every run.
    const run = randomBytes(4).toString('hex');
    const ids = { reference: `pg-reference-${run}`, between: `pg-between-${run}`, held: `pg-held-${run}` };

    before(async function () {
      redis = await connectTestRedis(this);
      database = await createTestDatabase(this);
      shop = new FakeShopApi();
      const env = {
        STORAGE: 'postgres',
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        // A shop API the test can stall, to hold a turn (and its lock) open.
        COMMERCE_BACKEND: 'rest',
        COMMERCE_API_URL: await shop.start(),
        COMMERCE_API_TIMEOUT_MS: '120000',
      };
      const started = await Promise.allSettled([startServerProcess(env), startServerProcess(env)]);
      for (const result of started) if (result.status === 'fulfilled') processes.push(result.value);
      for (const result of started) if (result.status === 'rejected') throw result.reason;
      [one, two] = processes as [ServerProcess, ServerProcess];
    });
    after(async () => {
      for (const running of processes) {
        await running.kill('SIGKILL');
        removeDataDir(running.dataDir);
      }
      await shop?.stop();
      // The lock keys carry this run's conversation ids: nothing of them is left in Redis.
      await redis?.del(...Object.values(ids).flatMap((id) => [lockKey(id), `${lockKey(id)}:fence`]));
      redis?.disconnect();
      await database?.drop();
    });

    it('kill -9 of one: the other continues a conversation between turns at once, and one whose turn held the lock after the lease', async () => {
      const reference = await referenceReplies(two.url, ids.reference);
      assert.deepEqual(await say(one.url, customerMessage(ids.between, SCRIPT[0])), reference[0]);
      assert.deepEqual(await say(one.url, customerMessage(ids.held, SCRIPT[0])), reference[0]);
      assert.deepEqual(await say(one.url, customerMessage(ids.held, SCRIPT[1])), reference[1]);

      // The proof step looks the order up in the shop's API, which now keeps the turn waiting.
      shop.stall = true;
      const proof = customerMessage(ids.held, SCRIPT[2]);
      const held = send(one.url, proof);
      await waitFor(() => shop.stalled.length > 0, 'the turn on the first instance asking the shop API');
      assert.equal(await redis.exists(lockKey(ids.held)), 1, 'the held turn has no lock in Redis');
      assert.deepEqual(await one.kill('SIGKILL'), { code: null, signal: 'SIGKILL' });
      assert.equal((await held).kind, 'connectionError');
      shop.release();
      // NOTE: the dead holder's lock stays until its lease (TURN_LOCK_LEASE_MS, 15 s) runs out;
      // the other instance's turn waits for it (up to 30 s) instead of failing.
      assert.ok((await redis.pttl(lockKey(ids.held))) > 0, 'the lock vanished with its holder');

      // The customer (or Bot Framework) sends the unanswered message again, same activity id.
      const heldRetry = say(two.url, proof);
      assert.deepEqual(await say(two.url, customerMessage(ids.between, SCRIPT[1])), reference[1]);
      assert.deepEqual(await say(two.url, customerMessage(ids.between, SCRIPT[2])), reference[2]);
      assert.deepEqual(await heldRetry, reference[2]);
      assert.equal(await redis.exists(lockKey(ids.held)), 0, 'the lock was not released after the turn');
    });
  });
});

const ORDER: Order = {
  number: 'SB-10001',
  status: 'shipped',
  placedAt: '2025-06-09T09:20:00.000Z',
  customer: { name: 'Ana García', email: 'ana.garcia@example.com', phone: '+34600111222', postcode: '28013' },
  items: [{ sku: 'TRS-42', name: 'Trail running shoes, size 42', category: 'shoes', quantity: 1 }],
  carrier: 'SEUR',
  trackingNumber: 'SEUR8834120567',
  expectedDelivery: '2025-06-13',
};

/** The shop's API (services/openapi.yaml) with one order; while `stall` is set it answers nothing. */
class FakeShopApi {
  stall = false;
  readonly stalled: ServerResponse[] = [];
  private readonly server = http.createServer((req, res) => {
    if (this.stall) {
      this.stalled.push(res);
      return;
    }
    const found = req.url?.endsWith(`/orders/${ORDER.number}`);
    res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(found ? ORDER : { code: 'NotFound', message: 'no such order' }));
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
  }

  /** Answers nothing more late: drops what stalled and serves normally again. */
  release(): void {
    this.stall = false;
    for (const res of this.stalled.splice(0)) res.destroy();
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
