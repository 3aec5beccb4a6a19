import assert from 'node:assert/strict';
import type { InsightsReport, PeriodFigures } from '../../bot/insights';
import { CSV_COLUMNS } from '../../bot/insights';
import type { InsightEvent } from '../../bot/insights/events';
import { createAccounts, login, type ConsoleSession } from '../handoff/consoleFixture';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { connectTestRedis, TEST_REDIS_URL } from '../support/redis';
import { removeDataDir, startServer, type RunningServer } from '../support/testServer';
import { DIALECTS } from './insightsDatabases';

const at = (iso: string): number => Date.parse(iso);

interface Seed {
  key: string;
  at: number;
  channel: string;
  locale: string;
  team: string;
  messages: number;
  notUnderstood?: number;
  completedTask?: boolean;
  handoff?: { reason: string; waitMs: number; csat: number };
}

/**
 * Four conversations on four days, three weeks and two months, on three channels, two
 * locales and two teams, so that every filter and every grouping selects a known part.
 */
const SEEDS: Seed[] = [
  {
    key: 'directline/a',
    at: at('2026-11-02T10:00:00Z'),
    channel: 'directline',
    locale: 'en',
    team: 'support',
    messages: 2,
    completedTask: true,
  },
  {
    key: 'telegram/b',
    at: at('2026-11-08T23:30:00Z'),
    channel: 'telegram',
    locale: 'es',
    team: 'support',
    messages: 1,
    handoff: { reason: 'customerAsked', waitMs: 60_000, csat: 5 },
  },
  {
    key: 'directline/c',
    at: at('2026-11-09T00:30:00Z'),
    channel: 'directline',
    locale: 'es',
    team: 'sales',
    messages: 2,
    notUnderstood: 1,
    handoff: { reason: 'notUnderstood', waitMs: 300_000, csat: 2 },
  },
  {
    key: 'whatsapp/d',
    at: at('2026-12-01T08:00:00Z'),
    channel: 'whatsapp',
    locale: 'lv',
    team: 'sales',
    messages: 1,
  },
];

function seed(server: RunningServer): Promise<void> {
  const { recorder } = server.app.insights;
  for (const s of SEEDS) {
    const base = { conversationKey: s.key, channel: s.channel, locale: s.locale, team: s.team };
    const event = (kind: InsightEvent['kind'], offset: number, extra: Partial<InsightEvent> = {}) =>
      recorder.record({ ...base, kind, at: s.at + offset, ...extra });
    event('conversationStarted', 0);
    for (let i = 0; i < s.messages; i += 1) event('message', i);
    for (let i = 0; i < (s.notUnderstood ?? 0); i += 1) event('notUnderstood', i);
    if (s.completedTask) {
      event('taskStarted', 1, { name: 'orderStatus' });
      event('taskCompleted', 2, { name: 'orderStatus' });
    }
    if (s.handoff) {
      event('handoffRequested', 1, { name: s.handoff.reason, step: 'queued' });
      event('handoffQueued', 1, { name: s.handoff.reason });
      event('handoffClaimed', 2, { value: s.handoff.waitMs });
      event('satisfaction', 3, { value: s.handoff.csat });
    }
  }
  return recorder.flush();
}

for (const dialect of DIALECTS) {
  describe(`GET /api/console/insights (${dialect})`, function () {
    this.timeout(60_000);
    let server: RunningServer;
    let database: TestDatabase | undefined;
    let lead: ConsoleSession;

    before(async function () {
      let env: Record<string, string> = {};
      if (dialect === 'postgres') {
        (await connectTestRedis(this)).disconnect();
        database = await createTestDatabase(this);
        env = { STORAGE: 'postgres', DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL };
      }
      server = await startServer(env);
      await createAccounts(server.app.handoff.agents, [
        ['lena', 'lead'],
        ['ada', 'admin'],
        ['ana', 'agent'],
      ]);
      await seed(server);
      lead = await login(server.url, 'lena');
    });
    after(async () => {
      await server?.app.close();
      if (server) removeDataDir(server.dataDir);
      await database?.drop();
    });

    const report = async (query: string, session = lead): Promise<InsightsReport> => {
      const { status, body } = await session.get<InsightsReport>(`/api/console/insights?${query}`);
      assert.equal(status, 200, JSON.stringify(body));
      return body;
    };
    const NOVEMBER = 'from=2026-11-01&to=2026-12-02';
    const conversationsPer = (series: PeriodFigures[]) =>
      Object.fromEntries(series.filter((p) => p.conversations > 0).map((p) => [p.period, p.conversations]));

    it('groupBy=day gives every day of the range, the empty ones with zeros', async () => {
      const body = await report(`${NOVEMBER}&groupBy=day`);
      assert.equal(body.series.length, 31);
      assert.equal(body.series[0]?.period, '2026-11-01');
      assert.equal(body.series.at(-1)?.period, '2026-12-01');
      assert.deepEqual(conversationsPer(body.series), {
        '2026-11-02': 1,
        '2026-11-08': 1,
        '2026-11-09': 1,
        '2026-12-01': 1,
      });
      const empty = body.series.find((p) => p.period === '2026-11-03');
      assert.equal(empty?.containment.rate, null, 'no conversations: no rate');
      assert.equal(empty?.queueWait.medianSeconds, null);
    });

    it('groupBy=week cuts ISO weeks (Monday to Sunday) and groupBy=month calendar months', async () => {
      const weeks = await report(`${NOVEMBER}&groupBy=week`);
      assert.deepEqual(
        weeks.series.map((p) => [p.period, p.start, p.end]),
        [
          ['2026-W44', '2026-11-01', '2026-11-01'],
          ['2026-W45', '2026-11-02', '2026-11-08'],
          ['2026-W46', '2026-11-09', '2026-11-15'],
          ['2026-W47', '2026-11-16', '2026-11-22'],
          ['2026-W48', '2026-11-23', '2026-11-29'],
          ['2026-W49', '2026-11-30', '2026-12-01'],
        ],
        'a period is cut to the range',
      );
      assert.deepEqual(conversationsPer(weeks.series), { '2026-W45': 2, '2026-W46': 1, '2026-W49': 1 });
      const months = await report(`${NOVEMBER}&groupBy=month`);
      assert.deepEqual(conversationsPer(months.series), { '2026-11': 3, '2026-12': 1 });
      const november = months.series[0];
      assert.deepEqual(november?.containment, {
        contained: 1,
        rate: 0.3333,
        completedTask: 1,
        completedTaskRate: 1,
      });
      assert.deepEqual(november?.handoff.reasons, { customerAsked: 1, notUnderstood: 1 });
      assert.deepEqual(november?.queueWait, { count: 2, medianSeconds: 60, p90Seconds: 300 });
      assert.deepEqual(november?.csat, {
        count: 2,
        average: 3.5,
        distribution: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 1 },
      });
      assert.deepEqual(november?.messages, { total: 5, notUnderstood: 1, notUnderstoodRate: 0.2 });
      assert.equal(months.totals.conversations, 4);
      assert.equal(months.totals.containment.contained, 2);
    });

    const filters: [query: string, conversations: number, handedOff: number][] = [
      ['channel=directline', 2, 1],
      ['channel=telegram', 1, 1],
      ['channel=whatsapp', 1, 0],
      ['channel=msteams', 0, 0],
      ['locale=es', 2, 2],
      ['locale=en', 1, 0],
      ['team=sales', 2, 1],
      ['team=support', 2, 1],
      ['channel=directline&locale=es', 1, 1],
      ['channel=directline&locale=es&team=support', 0, 0],
    ];
    for (const [query, conversations, handedOff] of filters) {
      it(`${query} counts only its conversations and events`, async () => {
        const body = await report(`${NOVEMBER}&groupBy=month&${query}`);
        assert.equal(body.totals.conversations, conversations);
        assert.equal(body.totals.handoff.conversations, handedOff);
        assert.equal(body.totals.queueWait.count, handedOff, 'the cases of the same conversations');
        assert.deepEqual(body.dimensions, {
          channels: ['directline', 'telegram', 'whatsapp'],
          locales: ['en', 'es', 'lv'],
          teams: ['sales', 'support'],
        });
        for (const pair of query.split('&')) {
          const [name, value] = pair.split('=');
          assert.equal(body.filters[name as 'channel'], value);
        }
      });
    }

    it('the range is from ≤ t < to, in ISO times with a zone', async () => {
      const body = await report('from=2026-11-08T23:30:00Z&to=2026-11-09T00:30:00Z&groupBy=day');
      assert.equal(body.totals.conversations, 1, 'b at from is in, c at to is out');
      assert.equal(body.from, '2026-11-08T23:30:00.000Z');
      const offset = await report('from=2026-11-09T01:00:00%2B01:00&to=2026-11-09T02:00:00%2B01:00');
      assert.equal(offset.totals.conversations, 1, 'c at 00:30Z is 01:30+01:00');
    });

    it('an empty parameter is no parameter (a form with nothing chosen)', async () => {
      const body = await report(`${NOVEMBER}&groupBy=&channel=&locale=&team=&format=`);
      assert.equal(body.groupBy, 'day');
      assert.deepEqual(body.filters, {});
      assert.equal(body.totals.conversations, 4);
    });

    it('without from and to, the last 30 days', async () => {
      const body = await report('');
      const span = Date.parse(body.to) - Date.parse(body.from);
      assert.equal(span, 30 * 86_400_000);
      assert.ok(Math.abs(Date.parse(body.to) - Date.now()) < 60_000, body.to);
      assert.equal(body.groupBy, 'day');
    });

    it('format=csv answers one row per period and the total, in the documented columns', async () => {
      const response = await fetch(
        `${server.url}/api/console/insights?${NOVEMBER}&groupBy=month&format=csv`,
        {
          headers: { cookie: lead.cookie },
        },
      );
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
      assert.match(
        response.headers.get('content-disposition') ?? '',
        /attachment; filename="insights-2026-11-01-2026-12-02-month\.csv"/,
      );
      const [header, ...rows] = (await response.text()).trimEnd().split('\r\n');
      assert.deepEqual(
        header?.split(','),
        CSV_COLUMNS.map((column) => column.name),
      );
      assert.equal(rows.length, 3);
      const cells = rows.map((row): Record<string, string> =>
        Object.fromEntries(row.split(',').map((cell, i) => [CSV_COLUMNS[i]?.name ?? `#${i}`, cell])),
      );
      assert.deepEqual(
        cells.map((row) => row.period),
        ['2026-11', '2026-12', 'total'],
      );
      assert.equal(cells[0]?.conversations, '3');
      assert.equal(cells[0]?.containment_rate, '0.3333');
      assert.equal(cells[0]?.handoff_reasons, 'customerAsked:1;notUnderstood:1');
      assert.equal(cells[0]?.queue_wait_median_s, '60');
      assert.equal(cells[0]?.queue_wait_p90_s, '300');
      assert.equal(cells[0]?.csat_average, '3.5');
      assert.equal(cells[0]?.csat_2, '1');
      assert.equal(cells[1]?.csat_average, '', 'nothing to measure: an empty cell');
      assert.equal(cells[2]?.conversations, '4');
      const filtered = await fetch(
        `${server.url}/api/console/insights?${NOVEMBER}&groupBy=month&format=csv&channel=whatsapp`,
        {
          headers: { cookie: lead.cookie },
        },
      );
      const lines = (await filtered.text()).trimEnd().split('\r\n');
      assert.deepEqual(
        lines.map((line) => line.split(',')[3]),
        ['conversations', '0', '1', '1'],
      );
    });

    const badInputs: [query: string, param: string][] = [
      ['from=yesterday', 'from'],
      ['from=2026-11-01T10:00:00', 'from'],
      ['to=2026-13-01', 'to'],
      ['to=1733011200000', 'to'],
      ['from=2026-12-01&to=2026-11-01', 'from'],
      ['from=2026-12-01&to=2026-12-01', 'from'],
      ['from=2024-01-01&to=2026-12-01', 'from'],
      ['groupBy=year', 'groupBy'],
      ['format=xml', 'format'],
      ['channel=direct%20line', 'channel'],
      ['channel=a&channel=b', 'channel'],
      [`locale=${'x'.repeat(61)}`, 'locale'],
      ['team=%3Cscript%3E', 'team'],
      ['colour=blue', 'colour'],
    ];
    for (const [query, param] of badInputs) {
      it(`?${query.slice(0, 40)} → 400 naming ${param}`, async () => {
        const { status, body } = await lead.get<{ code: string; message: string }>(
          `/api/console/insights?${query}`,
        );
        assert.equal(status, 400);
        assert.equal(body.code, 'BadArgument');
        assert.ok(body.message.startsWith(`${param}:`), body.message);
      });
    }

    it('leads and admins may read insights; agents get 403 and strangers 401', async () => {
      assert.equal((await report(NOVEMBER, await login(server.url, 'ada'))).totals.conversations, 4);
      const agent = await (
        await login(server.url, 'ana')
      ).get<{ code: string }>(`/api/console/insights?${NOVEMBER}`);
      assert.equal(agent.status, 403);
      assert.equal(agent.body.code, 'Forbidden');
      const stranger = await fetch(`${server.url}/api/console/insights?${NOVEMBER}`);
      assert.equal(stranger.status, 401);
    });
  });
}
