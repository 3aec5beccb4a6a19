import { utcDay } from './events';

/**
 * The figures of a period: their shape, and how they are worked out from one period's counts
 * and durations (nearest-rank medians and 90th percentiles, rates of 4 places).
 */

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

/** Accumulates one period's rows before the figures are worked out. */
export class PeriodTotals {
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

/** The UTC days from `from` to `to` (exclusive), in order. */
export function daysOf(from: number, to: number): string[] {
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

export function figuresOf(totals: PeriodTotals): PeriodFigures {
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
