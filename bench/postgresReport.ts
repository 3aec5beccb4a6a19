import type { Rounds, Segment, SegmentPauses } from './measure';
import type { DatabaseCounters } from './postgresDatabase';
import type { PostgresMeasurement } from './postgresRun';
import { HEADLINE_CONCURRENCY, levelTable, machine, medians, pauseSummary, rounded } from './report';
import { median, round, table } from './stats';
import type { RoundTrips } from './wireCount';

/** The subjects of `--storage postgres`: SQLite, one instance on PostgreSQL, two instances. */
export type PostgresKey = 'sqlite' | 'postgres1' | 'postgres2';

const NAMES: Record<PostgresKey, string> = {
  sqlite: 'full, SQLite',
  postgres1: 'full, PostgreSQL + Redis, 1 instance',
  postgres2: 'full, PostgreSQL + Redis, 2 instances',
};

/** One counted segment: the load's figures, every round trip by kind, the servers' own counts. */
export interface WireWindow {
  instances: number;
  /** Conversations at a time. */
  concurrency: number;
  segment: Segment & SegmentPauses;
  postgres: Record<string, RoundTrips>;
  redis: Record<string, RoundTrips>;
  /** `pg_stat_database` over the segment (and the 11 s after it, while nothing but polls ran). */
  database: DatabaseCounters;
  /** CPU of the PostgreSQL server processes of the bots' connections. */
  postgresCpuMs: number;
  /** CPU of the whole Redis server (shared with whatever else uses it meanwhile). */
  redisCpuMs: number;
}

/** The Redis commands of the turn lock (bot/conversationLocks.ts). */
const LOCK_COMMANDS = ['set', 'incr', 'eval release', 'eval renew'];

/** Round trips of one kind per turn, and the time a turn spends in them (count × mean). */
function perTurn(trips: Record<string, RoundTrips>, turns: number) {
  const kinds = Object.entries(trips).map(([kind, entry]) => ({
    kind,
    perTurn: round(entry.count / turns, 3),
    meanMs: round(entry.meanMs, 3),
    p50Ms: round(entry.p50Ms, 3),
    p99Ms: round(entry.p99Ms, 3),
    msPerTurn: round((entry.count * (Number.isNaN(entry.meanMs) ? 0 : entry.meanMs)) / turns, 3),
  }));
  return { kinds, roundTripsPerTurn: sumOf(kinds, 'perTurn'), msPerTurn: sumOf(kinds, 'msPerTurn') };
}

function sumOf(kinds: { perTurn: number; msPerTurn: number }[], field: 'perTurn' | 'msPerTurn'): number {
  return round(
    kinds.reduce((sum, entry) => sum + entry[field], 0),
    3,
  );
}

function windowResult(window: WireWindow) {
  const { turns } = window.segment;
  const postgres = perTurn(window.postgres, turns);
  const redis = perTurn(window.redis, turns);
  const lock = redis.kinds.filter((entry) => LOCK_COMMANDS.includes(entry.kind));
  const db = window.database;
  return {
    instances: window.instances,
    concurrency: window.concurrency,
    turns,
    turnsPerSec: round(window.segment.turnsPerSec, 1),
    botCpuMsPerTurn: round(window.segment.botCpuMsPerTurn, 3),
    p50Ms: round(window.segment.p50Ms, 2),
    p99Ms: round(window.segment.p99Ms, 2),
    postgres: {
      roundTripsPerTurn: postgres.roundTripsPerTurn,
      msPerTurn: postgres.msPerTurn,
      kinds: postgres.kinds,
      commitsPerTurn: round(db.commits / turns, 3),
      rollbacksPerTurn: round(db.rollbacks / turns, 3),
      rowsReadPerTurn: round((db.rowsFetched + db.rowsReturned) / turns, 2),
      rowsWrittenPerTurn: round((db.rowsInserted + db.rowsUpdated) / turns, 3),
      serverCpuMsPerTurn: round(window.postgresCpuMs / turns, 3),
    },
    redis: {
      roundTripsPerTurn: redis.roundTripsPerTurn,
      msPerTurn: redis.msPerTurn,
      lockRoundTripsPerTurn: sumOf(lock, 'perTurn'),
      lockMsPerTurn: sumOf(lock, 'msPerTurn'),
      kinds: redis.kinds,
      serverCpuMsPerTurn: round(window.redisCpuMs / turns, 3),
    },
  };
}

/** The JSON result of `--storage postgres`; ratios are medians of the ratio within each round. */
export function buildPostgresResult(
  measured: PostgresMeasurement,
  input: { mode: 'full' | 'quick'; stored: number; durationMs: number },
) {
  const headline = measured.levels.get(HEADLINE_CONCURRENCY);
  if (!headline) throw new Error(`bench: no measurement at ${HEADLINE_CONCURRENCY} concurrent conversations`);
  const ratio = (
    rounds: Rounds<PostgresKey>,
    field: keyof Segment,
    top: PostgresKey,
    bottom: PostgresKey,
  ): number[] => rounds.map((s) => round(s[top][field] / s[bottom][field], 3));
  const keys: PostgresKey[] = ['sqlite', 'postgres1', 'postgres2'];
  const at64 = Object.fromEntries(keys.map((key) => [key, medians(headline, key)])) as Record<
    PostgresKey,
    Segment
  >;
  const single = measured.levels.get(1);
  const singleMedians = single
    ? (Object.fromEntries(keys.map((key) => [key, medians(single, key)])) as Record<PostgresKey, Segment>)
    : undefined;
  const roundRatios = {
    postgresToSqliteThroughput: ratio(headline, 'turnsPerSec', 'postgres1', 'sqlite'),
    postgresToSqliteCpu: ratio(headline, 'botCpuMsPerTurn', 'postgres1', 'sqlite'),
    twoToOneThroughput: ratio(headline, 'turnsPerSec', 'postgres2', 'postgres1'),
    twoToOneCpu: ratio(headline, 'botCpuMsPerTurn', 'postgres2', 'postgres1'),
  };
  return {
    scenario: 'postgres' as const,
    sqliteTurnsPerSec: round(at64.sqlite.turnsPerSec, 1),
    postgresTurnsPerSec: round(at64.postgres1.turnsPerSec, 1),
    twoInstancesTurnsPerSec: round(at64.postgres2.turnsPerSec, 1),
    /** PostgreSQL + Redis (one instance) against SQLite: turns/s, bot CPU per turn, p99. */
    postgresToSqlite: {
      throughput: round(median(roundRatios.postgresToSqliteThroughput), 3),
      cpuPerTurn: round(median(roundRatios.postgresToSqliteCpu), 3),
      p99: round(at64.postgres1.p99Ms / at64.sqlite.p99Ms, 3),
    },
    /** Two instances against one on the same database and Redis (CPU per turn: both processes). */
    twoToOneInstance: {
      throughput: round(median(roundRatios.twoToOneThroughput), 3),
      cpuPerTurn: round(median(roundRatios.twoToOneCpu), 3),
      p99: round(at64.postgres2.p99Ms / at64.postgres1.p99Ms, 3),
    },
    /** One conversation at a time (no queueing): what PostgreSQL + Redis add to a turn's latency. */
    singleP50AddedMs: singleMedians
      ? {
          postgres: round(singleMedians.postgres1.p50Ms - singleMedians.sqlite.p50Ms, 2),
          twoInstances: round(singleMedians.postgres2.p50Ms - singleMedians.sqlite.p50Ms, 2),
        }
      : undefined,
    roundTrips: measured.wire.map(windowResult),
    roundRatios,
    pauses: Object.fromEntries(keys.map((key) => [key, pauseSummary(headline, key)])),
    levels: [...measured.levels.entries()].map(([concurrency, rounds]) => ({
      concurrency,
      rounds: rounds.length,
      ...Object.fromEntries(keys.map((key) => [key, rounded(medians(rounds, key))])),
    })) as ({ concurrency: number; rounds: number } & Record<PostgresKey, Segment>)[],
    storedConversations: input.stored,
    storedRowsInPostgres: measured.storedInPostgres,
    startupMs: {
      sqlite: round(measured.startupMs.sqlite, 0),
      postgres: round(measured.startupMs.first, 0),
      postgresSecond: round(measured.startupMs.second, 0),
    },
    mode: input.mode,
    headlineConcurrency: HEADLINE_CONCURRENCY,
    machine: machine(),
    durationSec: round(input.durationMs / 1000, 1),
  };
}
export type PostgresResult = ReturnType<typeof buildPostgresResult>;

type CountedWindow = PostgresResult['roundTrips'][number];

function roundTripRows(window: CountedWindow): string[][] {
  const rows = (server: string, kinds: CountedWindow['redis']['kinds']) =>
    kinds.map((entry) => [
      server,
      entry.kind,
      entry.perTurn.toFixed(3),
      Number.isNaN(entry.meanMs) ? '-' : entry.meanMs.toFixed(3),
      Number.isNaN(entry.p50Ms) ? '-' : entry.p50Ms.toFixed(3),
      Number.isNaN(entry.p99Ms) ? '-' : entry.p99Ms.toFixed(3),
      entry.msPerTurn.toFixed(3),
    ]);
  return [...rows('PostgreSQL', window.postgres.kinds), ...rows('Redis', window.redis.kinds)];
}

/** The table `--storage postgres` prints. */
export function renderPostgresTable(result: PostgresResult): string {
  const summary = (w: CountedWindow): string =>
    `${w.instances} instance(s), ${w.concurrency} at a time, ${w.turns} turns at ${w.turnsPerSec} turns/s through the proxies: PostgreSQL ${w.postgres.roundTripsPerTurn} round trips/turn (${w.postgres.msPerTurn} ms), ${w.postgres.commitsPerTurn} commits, ${w.postgres.rowsReadPerTurn} rows read and ${w.postgres.rowsWrittenPerTurn} written per turn, server CPU ${w.postgres.serverCpuMsPerTurn} ms/turn; Redis ${w.redis.roundTripsPerTurn} round trips/turn (${w.redis.msPerTurn} ms), of them the turn lock ${w.redis.lockRoundTripsPerTurn} (${w.redis.lockMsPerTurn} ms), whole server CPU ${w.redis.serverCpuMsPerTurn} ms/turn.`;
  return [
    `Switchboard benchmark, --storage postgres: ${result.mode} run, ${result.machine.cpus} CPUs, load average ${result.machine.loadAverage.join(' ')}, ${result.durationSec} s`,
    `${result.storedConversations} conversations stored in each store; two instances share one database and one Redis, each conversation moving between them turn by turn. Figures are medians over the rounds.`,
    '',
    levelTable(result.levels, NAMES),
    '',
    `At ${result.headlineConcurrency} concurrent (median of the per-round ratios):`,
    table(
      ['', 'turns/s', 'bot CPU per turn', 'p99'],
      [
        [
          'PostgreSQL + Redis / SQLite',
          result.postgresToSqlite.throughput.toFixed(3),
          result.postgresToSqlite.cpuPerTurn.toFixed(3),
          result.postgresToSqlite.p99.toFixed(3),
        ],
        [
          'two instances / one',
          result.twoToOneInstance.throughput.toFixed(3),
          result.twoToOneInstance.cpuPerTurn.toFixed(3),
          result.twoToOneInstance.p99.toFixed(3),
        ],
      ],
    ),
    ...(result.singleP50AddedMs
      ? [
          `One conversation at a time, p50 added to a turn against SQLite: ${result.singleP50AddedMs.postgres} ms (one instance), ${result.singleP50AddedMs.twoInstances} ms (two).`,
        ]
      : []),
    ...result.roundTrips.flatMap((w) => [
      '',
      `Round trips of a turn, ${w.instances} instance(s), ${w.concurrency} conversation(s) at a time (counted through proxies; times from request to answer under that load):`,
      table(
        ['server', 'kind', 'per turn', 'mean ms', 'p50 ms', 'p99 ms', 'ms per turn (mean)'],
        roundTripRows(w),
        [0, 1],
      ),
      summary(w),
    ]),
  ].join('\n');
}
