import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { SharedDatabase } from '../../bot/database';
import { INSIGHTS_MIGRATIONS, InsightsRecorder } from '../../bot/insights';
import type { InsightTables } from '../../bot/insights/events';
import { periodOf } from '../../bot/insights/figures';
import { createLogger } from '../../bot/logger';
import { logCapture } from '../support/logCapture';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { DIALECTS } from './insightsDatabases';

const SCOPE = { channel: 'directline', locale: 'en', team: 'support' };
const T0 = Date.parse('2026-11-30T10:00:00Z');

function eventCount(database: SharedDatabase, kind?: string): Promise<number> {
  let query = database.db
    .withTables<InsightTables>()
    .selectFrom('insight_events')
    .select((eb) => eb.fn.countAll<number | string>().as('n'));
  if (kind) query = query.where('kind', '=', kind);
  return query.executeTakeFirstOrThrow().then((row) => Number(row.n));
}

describe('periodOf()', () => {
  it('cuts ISO weeks across a year boundary and months', () => {
    assert.deepEqual(periodOf('2026-12-31', 'week'), { period: '2026-W53', start: '2026-12-28' });
    assert.deepEqual(periodOf('2027-01-03', 'week'), { period: '2026-W53', start: '2026-12-28' });
    assert.deepEqual(periodOf('2027-01-04', 'week'), { period: '2027-W01', start: '2027-01-04' });
    assert.deepEqual(periodOf('2024-12-30', 'week'), { period: '2025-W01', start: '2024-12-30' });
    assert.deepEqual(periodOf('2026-02-28', 'month'), { period: '2026-02', start: '2026-02-01' });
    assert.deepEqual(periodOf('2026-02-28', 'day'), { period: '2026-02-28', start: '2026-02-28' });
  });
});

describe('InsightsRecorder', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-insights-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a batch the database refused and writes it once the database takes it again', async () => {
    const database = new SharedDatabase({ dialect: 'sqlite', file: path.join(dir, 'insights.sqlite') }, [
      INSIGHTS_MIGRATIONS,
    ]);
    await database.ready;
    const capture = logCapture();
    const recorder = new InsightsRecorder(database, createLogger('info', capture.stream), {
      flushMs: 3_600_000,
    });
    recorder.record({ kind: 'message', conversationKey: 'directline/a', ...SCOPE });
    await recorder.flush();
    // The table is taken away, as a database that refuses writes would.
    await sql`alter table insight_events rename to insight_events_away`.execute(database.db);
    recorder.record({ kind: 'message', conversationKey: 'directline/b', ...SCOPE });
    recorder.record({ kind: 'conversationStarted', conversationKey: 'directline/b', ...SCOPE });
    await recorder.flush();
    assert.ok(capture.lines.some((line) => line.includes('insights: write failed, retrying')));
    await sql`alter table insight_events_away rename to insight_events`.execute(database.db);
    await recorder.close();
    assert.equal(await eventCount(database), 3, 'nothing lost');
    await database.close();
  });

  it('brings a database opened without the insights tables to them before the first write', async () => {
    const database = new SharedDatabase({ dialect: 'sqlite', file: ':memory:' });
    const recorder = new InsightsRecorder(database, createLogger('silent'));
    recorder.record({ kind: 'message', conversationKey: 'directline/a', ...SCOPE });
    await recorder.close();
    assert.equal(await eventCount(database), 1);
    await database.close();
  });

  it('records nothing after close, and close() twice is harmless', async () => {
    const database = new SharedDatabase({ dialect: 'sqlite', file: ':memory:' }, [INSIGHTS_MIGRATIONS]);
    const recorder = new InsightsRecorder(database, createLogger('silent'));
    recorder.record({ kind: 'message', conversationKey: 'directline/a', ...SCOPE });
    await recorder.close();
    await recorder.close();
    recorder.record({ kind: 'message', conversationKey: 'directline/b', ...SCOPE });
    await recorder.flush();
    assert.equal(await eventCount(database), 1);
    await database.close();
  });

  for (const dialect of DIALECTS) {
    describe(`two instances on one database (${dialect})`, function () {
      let server: TestDatabase | undefined;
      let databases: SharedDatabase[] = [];
      // NOTE: instances on one SQLite file are processes of their own; two connections in one
      // process would block each other (better-sqlite3 waits synchronously), so on SQLite the
      // two recorders share one connection, as two instances' statements interleave on the file.
      const open = (): SharedDatabase => {
        if (dialect === 'sqlite' && databases[0]) return databases[0];
        const database =
          dialect === 'postgres' && server
            ? new SharedDatabase({ dialect: 'postgres', url: server.url, poolSize: 4 }, [INSIGHTS_MIGRATIONS])
            : new SharedDatabase({ dialect: 'sqlite', file: path.join(dir, 'shared.sqlite') }, [
                INSIGHTS_MIGRATIONS,
              ]);
        databases.push(database);
        return database;
      };
      before(async function () {
        if (dialect === 'postgres') server = await createTestDatabase(this);
      });
      afterEach(async () => {
        for (const database of databases) await database.close();
        databases = [];
        if (server) {
          const cleanup = open();
          await cleanup.ready;
          const db = cleanup.db.withTables<InsightTables>();
          for (const table of ['insight_events', 'insight_open_tasks', 'insight_settings'] as const)
            await db.deleteFrom(table).execute();
          await cleanup.close();
          databases = [];
        }
      });
      after(async () => {
        await server?.drop();
      });

      it('tell a conversation apart by the same id, from one generated key', async () => {
        const [a, b] = await Promise.all(
          [open(), open()].map(async (database) => {
            await database.ready;
            return new InsightsRecorder(database, createLogger('silent'));
          }),
        );
        const [idA, idB] = await Promise.all([
          a!.idOf('whatsapp/34600111222'),
          b!.idOf('whatsapp/34600111222'),
        ]);
        assert.equal(idA, idB);
        assert.notEqual(idA, await a!.idOf('whatsapp/34600111223'));
        await Promise.all([a!.close(), b!.close()]);
      });

      it('a batch updates open tasks that exist, adds new ones and deletes ended ones', async () => {
        const database = open();
        await database.ready;
        const options = { now: () => T0, flushMs: 3_600_000, sweepMs: 3_600_000 };
        const recorder = new InsightsRecorder(database, createLogger('silent'), options);
        for (const n of [1, 2, 3]) recorder.openTask(`directline/t${n}`, 'orderStatus', SCOPE, T0);
        await recorder.flush();
        recorder.stepTask('directline/t1', 'i1', 'orderStatusDialog.waterfall/askNumberStep', T0 + 5);
        recorder.holdTask('directline/t2', true, T0 + 6);
        recorder.closeTask('directline/t3');
        recorder.openTask('directline/t4', 'returnItem', SCOPE, T0 + 7);
        await recorder.flush();
        const rows = await database.db
          .withTables<InsightTables>()
          .selectFrom('insight_open_tasks')
          .select(['conversation', 'task', 'step', 'steps', 'held', 'last_at', 'started_at'])
          .orderBy('last_at')
          .execute();
        const ids = await Promise.all([1, 2, 4].map((n) => recorder.idOf(`directline/t${n}`)));
        assert.deepEqual(
          rows.map((row) => ({ ...row, last_at: Number(row.last_at), started_at: Number(row.started_at) })),
          [
            {
              conversation: ids[0],
              task: 'orderStatus',
              step: 'orderStatusDialog.waterfall/askNumberStep',
              steps: '[["i1","orderStatusDialog.waterfall/askNumberStep"]]',
              held: 0,
              last_at: T0 + 5,
              started_at: T0,
            },
            {
              conversation: ids[1],
              task: 'orderStatus',
              step: '',
              steps: '[]',
              held: 1,
              last_at: T0 + 6,
              started_at: T0,
            },
            {
              conversation: ids[2],
              task: 'returnItem',
              step: '',
              steps: '[]',
              held: 0,
              last_at: T0 + 7,
              started_at: T0 + 7,
            },
          ],
        );
        await recorder.close();
      });

      it('two instances changing the same open tasks at once both land: no update lost, no deadlock', async () => {
        const first = open();
        await first.ready;
        const second = open();
        await second.ready;
        const capture = logCapture();
        const options = { now: () => T0, flushMs: 3_600_000, sweepMs: 3_600_000 };
        const a = new InsightsRecorder(first, createLogger('info', capture.stream), options);
        const b = new InsightsRecorder(second, createLogger('info', capture.stream), options);
        const keys = Array.from({ length: 40 }, (_, i) => `directline/race${i}`);
        for (const key of keys) a.openTask(key, 'returnItem', SCOPE, T0);
        await a.flush();
        for (let round = 1; round <= 5; round += 1) {
          // One instance moves each task a step on; the other, in the opposite order, hands it
          // to the human team: both changes must be in every row.
          for (const key of keys) a.stepTask(key, `i${round}`, `step${round}`, T0 + round);
          for (const key of [...keys].reverse()) b.holdTask(key, round % 2 === 1, T0 + round);
          await Promise.all([a.flush(), b.flush()]);
          const rows = await first.db
            .withTables<InsightTables>()
            .selectFrom('insight_open_tasks')
            .select(['step', 'held'])
            .execute();
          assert.equal(rows.length, keys.length);
          assert.deepEqual(
            [...new Set(rows.map((row) => `${row.step} held=${row.held}`))],
            [`step${round} held=${round % 2}`],
            `round ${round}`,
          );
        }
        assert.deepEqual(
          capture.lines.filter((line) => line.includes('write failed')),
          [],
          'no batch failed (a deadlock would have been retried)',
        );
        await Promise.all([a.close(), b.close()]);
      });

      it('sweeping at the same time abandons each idle task exactly once', async () => {
        const first = open();
        await first.ready;
        const second = open();
        await second.ready;
        const clock = { now: T0 };
        const options = { now: () => clock.now, flushMs: 3_600_000, sweepMs: 3_600_000 };
        const a = new InsightsRecorder(first, createLogger('silent'), options);
        const b = new InsightsRecorder(second, createLogger('silent'), options);
        for (let i = 0; i < 60; i += 1) {
          const key = `directline/c${i}`;
          (i % 2 === 0 ? a : b).openTask(key, 'returnItem', SCOPE);
          (i % 2 === 0 ? a : b).stepTask(key, `instance-${i}`, 'returnsDialog.waterfall/askReasonStep');
        }
        // One task the customer is still answering, one with the human team.
        a.openTask('directline/busy', 'orderStatus', SCOPE, T0 + 29 * 60_000);
        b.openTask('directline/held', 'orderStatus', SCOPE);
        b.holdTask('directline/held', true);
        await Promise.all([a.flush(), b.flush()]);
        clock.now = T0 + 31 * 60_000;
        const swept = await Promise.all([
          a.sweepAbandoned(),
          b.sweepAbandoned(),
          a.sweepAbandoned(),
          b.sweepAbandoned(),
        ]);
        assert.equal(
          swept.reduce((sum, n) => sum + n, 0),
          60,
        );
        assert.equal(await eventCount(first, 'taskAbandoned'), 60);
        const steps = await first.db
          .withTables<InsightTables>()
          .selectFrom('insight_events')
          .select(['step', 'name', 'at'])
          .where('kind', '=', 'taskAbandoned')
          .execute();
        assert.ok(
          steps.every(
            (row) => row.step === 'returnsDialog.waterfall/askReasonStep' && row.name === 'returnItem',
          ),
        );
        assert.ok(
          steps.every((row) => Number(row.at) === T0),
          'dated at the last turn, not at the sweep',
        );
        await Promise.all([a.close(), b.close()]);
      });
    });
  }
});
