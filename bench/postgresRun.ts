import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { STATE_DB_FILE } from '../bot/storage';
import type { BotProcess } from './botProcess';
import { fullBot, warmup } from './bots';
import { runLoad } from './load';
import { measureLevels, measureWith, type Rounds, type Subject } from './measure';
import { BenchDatabase, countersSince, cpuSince } from './postgresDatabase';
import type { PostgresKey, WireWindow } from './postgresReport';
import { cloneConversations, prefillConversations, readStoredConversations } from './prefill';
import { fullBotScript, FULL_SCRIPT_TURNS, orderStatusConversation } from './scripts';
import { CountingProxy } from './wireCount';

/** The servers of `--storage postgres`: `BENCH_POSTGRES_URL` and `BENCH_REDIS_URL` override them. */
export const BENCH_SERVERS = {
  /** A server's maintenance database; the run creates a database of its own next to it. */
  postgres: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redis: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
};

export interface PostgresSettings {
  warmupConversations: number;
  /** The same levels as the SQLite full-bot run. */
  levels: { concurrency: number; conversations: number; rounds: number }[];
  /** Conversations stored before the load, in SQLite and in PostgreSQL alike. */
  stored: number;
  /**
   * The counted segments (through the counting proxies): one at a time on one instance (round
   * trips without queueing), then the headline load on one and on two instances.
   */
  counted: { concurrency: number; conversations: number; instances: 1 | 2 }[];
}

/** What `--storage postgres` measured, for {@link buildPostgresResult}. */
export interface PostgresMeasurement {
  levels: Map<number, Rounds<PostgresKey>>;
  startupMs: Record<'sqlite' | 'first' | 'second', number>;
  storedInPostgres: number;
  wire: WireWindow[];
}

/** How long to wait after a counted segment for PostgreSQL to publish its counters (see {@link BenchDatabase.counters}). */
const STATS_PUBLISH_MS = 11_000;

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** Environment of a full bot on the shared database and Redis. */
function sharedEnv(databaseUrl: string, redisUrl: string): Record<string, string> {
  return { STORAGE: 'postgres', DATABASE_URL: databaseUrl, REDIS_URL: redisUrl };
}

/** CPU time the whole Redis server has used so far (`INFO cpu`), ms. */
async function redisServerCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

/**
 * `--storage postgres`: the full bot on SQLite, one instance on PostgreSQL + Redis, and two
 * instances on the same database and Redis sharing the load, measured in the same rounds; then
 * the round trips of a turn counted through proxies, on one and on two instances. The database
 * is created for the run and dropped however it ends (`onCleanup` registers the drop for a
 * signal, which skips `finally`).
 */
export async function measurePostgres(
  settings: PostgresSettings,
  root: string,
  onCleanup: (cleanup: () => Promise<void>) => void,
): Promise<PostgresMeasurement> {
  const database = await BenchDatabase.create(BENCH_SERVERS.postgres);
  const drop = (() => {
    let dropping: Promise<void> | undefined;
    return () => (dropping ??= database.drop());
  })();
  onCleanup(drop);
  log(`created database ${database.name}`);
  const dir = (name: string): string => {
    const folder = path.join(root, name);
    fs.mkdirSync(folder);
    return folder;
  };
  const env = sharedEnv(database.url, BENCH_SERVERS.redis);
  const sqlite = fullBot('full, SQLite', dir('sqlite'));
  const first = fullBot('full, PostgreSQL 1', dir('postgres-1'), [], env);
  const second = fullBot('full, PostgreSQL 2', dir('postgres-2'), [], env);
  const bots: BotProcess[] = [sqlite, first, second];
  try {
    for (const bot of bots) await bot.start();
    log(
      `ready in ${sqlite.startupMs.toFixed(0)} ms (SQLite), ${first.startupMs.toFixed(0)} and ${second.startupMs.toFixed(0)} ms (PostgreSQL)`,
    );
    // As in the main run: conversations stopped after 1 to 4 turns are the templates of the stored ones.
    await warmup(
      sqlite,
      (n) => orderStatusConversation(n, 1 + (n % FULL_SCRIPT_TURNS)),
      settings.warmupConversations,
    );
    const sqliteFile = path.join(root, 'sqlite', STATE_DB_FILE);
    const templates = readStoredConversations(sqliteFile, 1000);
    prefillConversations(sqliteFile, templates, settings.stored - templates.length, 'stored');
    const storedInPostgres = await database.insertState(
      cloneConversations(templates, settings.stored, 'stored'),
    );
    log(`stored ${settings.stored} conversations in each (${storedInPostgres} rows in PostgreSQL)`);
    await warmup(first, fullBotScript, settings.warmupConversations);
    await warmup(second, fullBotScript, settings.warmupConversations);
    await warmup([first, second], fullBotScript, settings.warmupConversations);

    const subjects: Subject<PostgresKey>[] = [
      { key: 'sqlite', bot: sqlite, script: fullBotScript },
      { key: 'postgres1', bot: first, script: fullBotScript },
      { key: 'postgres2', bot: [first, second], script: fullBotScript },
    ];
    const levels = await measureLevels(subjects, settings.levels, log);
    const startupMs = { sqlite: sqlite.startupMs, first: first.startupMs, second: second.startupMs };
    await Promise.all(bots.map((bot) => bot.stop()));

    const wire = await countRoundTrips(settings, database, dir);
    return { levels, startupMs, storedInPostgres, wire };
  } finally {
    await Promise.all(bots.map((bot) => bot.stop().catch(() => undefined)));
    await drop().then(
      () => log(`dropped database ${database.name}`),
      (error: unknown) => log(`could not drop database ${database.name}: ${String(error)}`),
    );
  }
}

/**
 * Two more instances on the same database, whose PostgreSQL and Redis connections go through
 * {@link CountingProxy}s, and the counted segments on them.
 */
async function countRoundTrips(
  settings: PostgresSettings,
  database: BenchDatabase,
  dir: (name: string) => string,
): Promise<WireWindow[]> {
  const postgresProxy = await CountingProxy.start('postgres', database.url);
  const redisProxy = await CountingProxy.start('redis', BENCH_SERVERS.redis);
  const env = sharedEnv(postgresProxy.url, redisProxy.url);
  const bots = [
    fullBot('full, PostgreSQL 1 (counted)', dir('counted-1'), [], env),
    fullBot('full, PostgreSQL 2 (counted)', dir('counted-2'), [], env),
  ];
  // The bench's own connection, for the server's CPU counter; not through the proxy.
  const redis = new Redis(BENCH_SERVERS.redis, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (const bot of bots) await bot.start();
    await warmup(bots, fullBotScript, settings.warmupConversations);
    const window = async (
      instances: BotProcess[],
      concurrency: number,
      conversations: number,
      idPrefix: string,
    ): Promise<WireWindow> => {
      const statsBefore = await database.counters();
      const cpuBefore = await database.backendCpuMs();
      const redisCpuBefore = await redisServerCpuMs(redis);
      postgresProxy.reset();
      redisProxy.reset();
      const segment = await measureWith(instances, () =>
        runLoad({
          url: instances.map((bot) => bot.url),
          concurrency,
          conversations,
          script: fullBotScript,
          idPrefix,
          timeoutMs: 120_000,
        }),
      );
      const postgres = postgresProxy.roundTrips();
      const redisTrips = redisProxy.roundTrips();
      const postgresCpuMs = cpuSince(cpuBefore, await database.backendCpuMs());
      const redisCpuMs = (await redisServerCpuMs(redis)) - redisCpuBefore;
      await new Promise((resolve) => setTimeout(resolve, STATS_PUBLISH_MS));
      const counters = countersSince(statsBefore, await database.counters());
      log(
        `counted the round trips of ${segment.turns} turns on ${instances.length} instance(s), ${concurrency} at a time`,
      );
      return {
        instances: instances.length,
        concurrency,
        segment,
        postgres,
        redis: redisTrips,
        database: counters,
        postgresCpuMs,
        redisCpuMs,
      };
    };
    const windows: WireWindow[] = [];
    for (const [i, { concurrency, conversations, instances }] of settings.counted.entries())
      windows.push(await window(bots.slice(0, instances), concurrency, conversations, `counted-${i}`));
    return windows;
  } finally {
    await Promise.all(bots.map((bot) => bot.stop().catch(() => undefined)));
    redis.disconnect();
    await postgresProxy.close();
    await redisProxy.close();
  }
}
