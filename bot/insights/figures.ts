import type { ExpressionBuilder, Kysely } from 'kysely';
import type { SharedDatabase } from '../database';
import { insightsSchemaReady } from './migrations';
import { utcDay, type InsightKind, type InsightTables } from './events';

/** How the series is cut: UTC days, ISO weeks (Monday to Sunday, UTC) or calendar months (UTC). */
export type GroupBy = 'day' | 'week' | 'month';
export const GROUP_BYS: readonly GroupBy[] = ['day', 'week', 'month'];

/** What a report covers: events at `from` ≤ t < `to` (ms), optionally of one channel, locale, team. */
export interface InsightsQuery {
  from: number;
  to: number;
  groupBy: GroupBy;
  channel?: string;
  locale?: string;
  team?: string;
}

/** A duration figure over the cases of a period (nearest-rank percentiles), in seconds. */
export interface WaitFigures {
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

/** The figures of one period, or of the whole range (`totals`). */
export interface PeriodFigures {
  /** `2026-12-01`, `2026-W49` or `2026-12`. */
  period: string;
  /** First and last UTC day of the period inside the range (the first and last period may be partial). */
  start: string;
  end: string;
  /** Conversations that began in the period (their first customer message). */
  conversations: number;
  /**
   * Of those, how many never reached the human team (no handoff requested, neither queued nor
   * a message left for a closed team), and how many of these completed a task.
   */
  containment: {
    contained: number;
    rate: number | null;
    completedTask: number;
    completedTaskRate: number | null;
  };
  /** Conversations that asked for a person, of those started; `reasons` counts every request. */
  handoff: {
    conversations: number;
    rate: number | null;
    reachedAgent: number;
    requests: number;
    reasons: Record<string, number>;
  };
  tasks: {
    started: number;
    completed: number;
    cancelled: number;
    handedOff: number;
    abandoned: number;
    /** Where abandoned tasks were left, most first. */
    abandonedAt: { task: string; step: string; count: number }[];
  };
  /** Queued to claimed. */
  queueWait: WaitFigures;
  /** Queued to the agent's first message. */
  firstAgentReply: WaitFigures;
  csat: { count: number; average: number | null; distribution: Record<'1' | '2' | '3' | '4' | '5', number> };
  /** The ten intents recognized most often, with their average score. */
  intents: { intent: string; count: number; averageScore: number | null }[];
  messages: { total: number; notUnderstood: number; notUnderstoodRate: number | null };
  faq: { answered: number; rated: number; helpful: number };
  languageSwitches: number;
}

export interface InsightsReport {
  from: string;
  to: string;
  groupBy: GroupBy;
  filters: { channel?: string; locale?: string; team?: string };
  /** The channels, locales and teams events of the range have, whatever the filters (for a page's choices). */
  dimensions: { channels: string[]; locales: string[]; teams: string[] };
  series: PeriodFigures[];
  totals: PeriodFigures;
}

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

/** Accumulates one period's rows before the figures are worked out. */
class PeriodTotals {
  conversations = 0;
  handedOff = 0;
  reachedAgent = 0;
  containedWithTask = 0;
  counts = new Map<string, number>();
  intents = new Map<string, { count: number; scoreSum: number; scored: number }>();
  reasons = new Map<string, number>();
  abandonedAt = new Map<string, { task: string; step: string; count: number }>();
  helpful = 0;
  waits: number[] = [];
  replies: number[] = [];
  csat = [0, 0, 0, 0, 0];

  constructor(
    readonly period: string,
    readonly start: string,
    public end: string,
  ) {}

  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }
}

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

/** The UTC days from `from` to `to` (exclusive), in order. */
function daysOf(from: number, to: number): string[] {
  const days: string[] = [];
  if (to <= from) return days;
  const last = utcDay(to - 1);
  for (let day = utcDay(from); day <= last; day = nextDay(day)) days.push(day);
  return days;
}

function nextDay(day: string): string {
  return utcDay(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
}

/** The period a UTC day belongs to, with the period's first day. */
export function periodOf(day: string, groupBy: GroupBy): { period: string; start: string } {
  if (groupBy === 'day') return { period: day, start: day };
  if (groupBy === 'month') return { period: day.slice(0, 7), start: `${day.slice(0, 7)}-01` };
  // ISO week: Monday to Sunday; the week belongs to the year of its Thursday.
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7;
  const monday = new Date(date.getTime() - weekday * 86_400_000);
  const thursday = new Date(monday.getTime() + 3 * 86_400_000);
  const year = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const firstMonday = firstThursday.getTime() - ((firstThursday.getUTCDay() + 6) % 7) * 86_400_000;
  const week = Math.floor((monday.getTime() - firstMonday) / (7 * 86_400_000)) + 1;
  return { period: `${year}-W${String(week).padStart(2, '0')}`, start: utcDay(monday.getTime()) };
}

const rate = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function waitFigures(values: readonly number[]): WaitFigures {
  const sorted = [...values].sort((a, b) => a - b);
  const seconds = (ms: number | undefined): number | null =>
    ms === undefined ? null : Math.round(ms / 100) / 10;
  return {
    count: sorted.length,
    medianSeconds: seconds(percentile(sorted, 0.5)),
    p90Seconds: seconds(percentile(sorted, 0.9)),
  };
}

function figuresOf(totals: PeriodTotals): PeriodFigures {
  const contained = totals.conversations - totals.handedOff;
  const csatCount = totals.csat.reduce((sum, n) => sum + n, 0);
  const csatSum = totals.csat.reduce((sum, n, index) => sum + n * (index + 1), 0);
  const messages = totals.count('message');
  const notUnderstood = totals.count('notUnderstood');
  return {
    period: totals.period,
    start: totals.start,
    end: totals.end,
    conversations: totals.conversations,
    containment: {
      contained,
      rate: rate(contained, totals.conversations),
      completedTask: totals.containedWithTask,
      completedTaskRate: rate(totals.containedWithTask, contained),
    },
    handoff: {
      conversations: totals.handedOff,
      rate: rate(totals.handedOff, totals.conversations),
      reachedAgent: totals.reachedAgent,
      requests: totals.count('handoffRequested'),
      reasons: Object.fromEntries(
        [...totals.reasons].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
      ),
    },
    tasks: {
      started: totals.count('taskStarted'),
      completed: totals.count('taskCompleted'),
      cancelled: totals.count('taskCancelled'),
      handedOff: totals.count('taskHandedOff'),
      abandoned: totals.count('taskAbandoned'),
      abandonedAt: [...totals.abandonedAt.values()].sort(
        (a, b) => b.count - a.count || a.task.localeCompare(b.task) || a.step.localeCompare(b.step),
      ),
    },
    queueWait: waitFigures(totals.waits),
    firstAgentReply: waitFigures(totals.replies),
    csat: {
      count: csatCount,
      average: csatCount === 0 ? null : Math.round((csatSum / csatCount) * 100) / 100,
      distribution: {
        '1': totals.csat[0] ?? 0,
        '2': totals.csat[1] ?? 0,
        '3': totals.csat[2] ?? 0,
        '4': totals.csat[3] ?? 0,
        '5': totals.csat[4] ?? 0,
      },
    },
    intents: [...totals.intents]
      .map(([intent, { count, scoreSum, scored }]) => ({
        intent,
        count,
        averageScore: scored === 0 ? null : Math.round((scoreSum / scored) * 1000) / 1000,
      }))
      .sort((a, b) => b.count - a.count || a.intent.localeCompare(b.intent))
      .slice(0, 10),
    messages: { total: messages, notUnderstood, notUnderstoodRate: rate(notUnderstood, messages) },
    faq: { answered: totals.count('faqAnswered'), rated: totals.count('faqRated'), helpful: totals.helpful },
    languageSwitches: totals.count('languageSwitched'),
  };
}
