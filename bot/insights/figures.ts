import type { ExpressionBuilder, Kysely } from 'kysely';
import type { SharedDatabase } from '../database';
import { insightsSchemaReady } from './migrations';
import { utcDay, type InsightKind, type InsightTables } from './events';
import {
  PeriodTotals,
  daysOf,
  figuresOf,
  periodOf,
  type InsightsQuery,
  type InsightsReport,
} from './periodFigures';

export {
  GROUP_BYS,
  periodOf,
  type GroupBy,
  type InsightsQuery,
  type InsightsReport,
  type PeriodFigures,
  type WaitFigures,
} from './periodFigures';

const COUNTED: readonly InsightKind[] = [
  'message',
  'intentRecognized',
  'notUnderstood',
  'taskStarted',
  'taskCompleted',
  'taskCancelled',
  'taskHandedOff',
  'taskAbandoned',
  'faqAnswered',
  'faqRated',
  'handoffRequested',
  'languageSwitched',
];

type Db = Kysely<InsightTables>;
type Events = ExpressionBuilder<InsightTables & { s: InsightTables['insight_events'] }, 's'>;

/**
 * Works out the insights figures from the events in the database. The database groups by UTC
 * day (a column written with each event, so the SQL is the same in SQLite and PostgreSQL) and
 * the days are added up into weeks and months here; medians and 90th percentiles are taken
 * from the cases' durations here too.
 */
export class InsightsFigures {
  private readonly db: Db;

  constructor(private readonly database: SharedDatabase) {
    this.db = database.db.withTables<InsightTables>() as unknown as Db;
  }

  async report(query: InsightsQuery): Promise<InsightsReport> {
    await insightsSchemaReady(this.database);
    const periods = new Map<string, PeriodTotals>();
    const dayPeriod = new Map<string, PeriodTotals>();
    for (const day of daysOf(query.from, query.to)) {
      const { period } = periodOf(day, query.groupBy);
      let totals = periods.get(period);
      if (!totals) {
        totals = new PeriodTotals(period, day, day);
        periods.set(period, totals);
      }
      totals.end = day;
      dayPeriod.set(day, totals);
    }
    const days = [...dayPeriod.keys()];
    const all = new PeriodTotals(
      'total',
      days[0] ?? utcDay(query.from),
      days[days.length - 1] ?? utcDay(query.from),
    );
    const targets = (day: string): PeriodTotals[] => {
      const totals = dayPeriod.get(day);
      return totals ? [totals, all] : [all];
    };

    for (const row of await this.conversationRows(query)) {
      for (const totals of targets(row.day)) {
        totals.conversations += Number(row.conversations);
        totals.handedOff += Number(row.handed_off);
        totals.reachedAgent += Number(row.reached_agent);
        totals.containedWithTask += Number(row.contained_with_task);
      }
    }
    for (const row of await this.countRows(query)) {
      const n = Number(row.n);
      for (const totals of targets(row.day)) {
        totals.counts.set(row.kind, totals.count(row.kind) + n);
        const name = row.name ?? 'unknown';
        if (row.kind === 'intentRecognized') {
          const intent = totals.intents.get(name) ?? { count: 0, scoreSum: 0, scored: 0 };
          intent.count += n;
          intent.scoreSum += Number(row.total ?? 0);
          intent.scored += Number(row.valued);
          totals.intents.set(name, intent);
        } else if (row.kind === 'handoffRequested') {
          totals.reasons.set(name, (totals.reasons.get(name) ?? 0) + n);
        } else if (row.kind === 'taskAbandoned') {
          const key = `${name}\u0000${row.step ?? ''}`;
          const at = totals.abandonedAt.get(key) ?? { task: name, step: row.step ?? '', count: 0 };
          at.count += n;
          totals.abandonedAt.set(key, at);
        } else if (row.kind === 'faqRated') {
          totals.helpful += Number(row.total ?? 0);
        }
      }
    }
    for (const row of await this.durationRows(query)) {
      for (const totals of targets(row.day)) {
        (row.kind === 'handoffClaimed' ? totals.waits : totals.replies).push(Number(row.value));
      }
    }
    for (const row of await this.satisfactionRows(query)) {
      const rating = Math.round(Number(row.value));
      if (rating < 1 || rating > 5) continue;
      for (const totals of targets(row.day))
        totals.csat[rating - 1] = (totals.csat[rating - 1] ?? 0) + Number(row.n);
    }

    const dimensions = await this.dimensionRows(query);
    const distinct = (values: string[]): string[] => [...new Set(values)].sort();
    return {
      from: new Date(query.from).toISOString(),
      to: new Date(query.to).toISOString(),
      groupBy: query.groupBy,
      filters: {
        ...(query.channel !== undefined ? { channel: query.channel } : {}),
        ...(query.locale !== undefined ? { locale: query.locale } : {}),
        ...(query.team !== undefined ? { team: query.team } : {}),
      },
      dimensions: {
        channels: distinct(dimensions.map((row) => row.channel)),
        locales: distinct(dimensions.map((row) => row.locale)),
        teams: distinct(dimensions.map((row) => row.team)),
      },
      series: [...periods.values()].map(figuresOf),
      totals: figuresOf(all),
    };
  }

  /** Events in the range, of the filtered channel, locale and team. */
  private inRange(query: InsightsQuery) {
    return (eb: Events) =>
      eb.and([
        eb('s.at', '>=', query.from),
        eb('s.at', '<', query.to),
        ...(query.channel !== undefined ? [eb('s.channel', '=', query.channel)] : []),
        ...(query.locale !== undefined ? [eb('s.locale', '=', query.locale)] : []),
        ...(query.team !== undefined ? [eb('s.team', '=', query.team)] : []),
      ]);
  }

  /**
   * Per day, the conversations started and what became of them (at any time after): asked for
   * a person, reached an agent, or stayed with the bot and completed a task. A conversation
   * counts in the channel, locale and team it started in.
   */
  private conversationRows(query: InsightsQuery) {
    const has = (eb: Events, kind: InsightKind) =>
      eb.exists(
        eb
          .selectFrom('insight_events as h')
          .select('h.kind')
          .whereRef('h.conversation', '=', 's.conversation')
          .where('h.kind', '=', kind),
      );
    return this.db
      .selectFrom('insight_events as s')
      .where('s.kind', '=', 'conversationStarted')
      .where(this.inRange(query))
      .select((eb) => [
        's.day',
        eb.fn.countAll<number | string>().as('conversations'),
        eb.fn
          .sum<number | string>(eb.case().when(has(eb, 'handoffRequested')).then(1).else(0).end())
          .as('handed_off'),
        eb.fn
          .sum<number | string>(eb.case().when(has(eb, 'handoffClaimed')).then(1).else(0).end())
          .as('reached_agent'),
        eb.fn
          .sum<number | string>(
            eb
              .case()
              .when(eb.and([eb.not(has(eb, 'handoffRequested')), has(eb, 'taskCompleted')]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('contained_with_task'),
      ])
      .groupBy('s.day')
      .execute();
  }

  private countRows(query: InsightsQuery) {
    return this.db
      .selectFrom('insight_events as s')
      .where('s.kind', 'in', COUNTED)
      .where(this.inRange(query))
      .select((eb) => [
        's.day',
        's.kind',
        's.name',
        's.step',
        eb.fn.countAll<number | string>().as('n'),
        eb.fn.count<number | string>('s.value').as('valued'),
        eb.fn.sum<number | string | null>('s.value').as('total'),
      ])
      .groupBy(['s.day', 's.kind', 's.name', 's.step'])
      .execute();
  }

  private durationRows(query: InsightsQuery) {
    return this.db
      .selectFrom('insight_events as s')
      .where('s.kind', 'in', ['handoffClaimed', 'agentFirstReply'])
      .where('s.value', 'is not', null)
      .where(this.inRange(query))
      .select(['s.day', 's.kind', 's.value'])
      .execute();
  }

  private dimensionRows(query: InsightsQuery) {
    return this.db
      .selectFrom('insight_events as s')
      .where(this.inRange({ from: query.from, to: query.to, groupBy: query.groupBy }))
      .select(['s.channel', 's.locale', 's.team'])
      .groupBy(['s.channel', 's.locale', 's.team'])
      .execute();
  }

  private satisfactionRows(query: InsightsQuery) {
    return this.db
      .selectFrom('insight_events as s')
      .where('s.kind', '=', 'satisfaction')
      .where('s.value', 'is not', null)
      .where(this.inRange(query))
      .select((eb) => ['s.day', 's.value', eb.fn.countAll<number | string>().as('n')])
      .groupBy(['s.day', 's.value'])
      .execute();
  }
}
