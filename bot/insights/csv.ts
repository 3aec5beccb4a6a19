import type { InsightsReport, PeriodFigures } from './figures';

/**
 * The columns of the CSV report, one row per period (then a `total` row), in this order. Rates
 * are fractions (0.75), durations seconds; an empty cell is a figure with nothing to measure.
 */
export const CSV_COLUMNS: readonly {
  name: string;
  of: (figures: PeriodFigures) => string | number | null;
}[] = [
  { name: 'period', of: (f) => f.period },
  { name: 'start', of: (f) => f.start },
  { name: 'end', of: (f) => f.end },
  { name: 'conversations', of: (f) => f.conversations },
  { name: 'contained', of: (f) => f.containment.contained },
  { name: 'containment_rate', of: (f) => f.containment.rate },
  { name: 'contained_completed_task', of: (f) => f.containment.completedTask },
  { name: 'contained_completed_task_rate', of: (f) => f.containment.completedTaskRate },
  { name: 'handed_off', of: (f) => f.handoff.conversations },
  { name: 'handoff_rate', of: (f) => f.handoff.rate },
  { name: 'reached_agent', of: (f) => f.handoff.reachedAgent },
  { name: 'handoff_reasons', of: (f) => pairs(Object.entries(f.handoff.reasons)) },
  { name: 'tasks_started', of: (f) => f.tasks.started },
  { name: 'tasks_completed', of: (f) => f.tasks.completed },
  { name: 'tasks_cancelled', of: (f) => f.tasks.cancelled },
  { name: 'tasks_handed_off', of: (f) => f.tasks.handedOff },
  { name: 'tasks_abandoned', of: (f) => f.tasks.abandoned },
  {
    name: 'abandoned_at',
    of: (f) => pairs(f.tasks.abandonedAt.map((a) => [`${a.task} ${a.step}`, a.count])),
  },
  { name: 'queue_wait_median_s', of: (f) => f.queueWait.medianSeconds },
  { name: 'queue_wait_p90_s', of: (f) => f.queueWait.p90Seconds },
  { name: 'first_agent_reply_median_s', of: (f) => f.firstAgentReply.medianSeconds },
  { name: 'first_agent_reply_p90_s', of: (f) => f.firstAgentReply.p90Seconds },
  { name: 'csat_count', of: (f) => f.csat.count },
  { name: 'csat_average', of: (f) => f.csat.average },
  { name: 'csat_1', of: (f) => f.csat.distribution['1'] },
  { name: 'csat_2', of: (f) => f.csat.distribution['2'] },
  { name: 'csat_3', of: (f) => f.csat.distribution['3'] },
  { name: 'csat_4', of: (f) => f.csat.distribution['4'] },
  { name: 'csat_5', of: (f) => f.csat.distribution['5'] },
  { name: 'messages', of: (f) => f.messages.total },
  { name: 'not_understood', of: (f) => f.messages.notUnderstood },
  { name: 'not_understood_rate', of: (f) => f.messages.notUnderstoodRate },
  { name: 'top_intents', of: (f) => pairs(f.intents.map((i) => [i.intent, i.count])) },
  { name: 'faq_answered', of: (f) => f.faq.answered },
  { name: 'faq_rated', of: (f) => f.faq.rated },
  { name: 'faq_helpful', of: (f) => f.faq.helpful },
  { name: 'language_switches', of: (f) => f.languageSwitches },
];

/** `name:count;name:count`, for the columns that hold a breakdown. */
function pairs(entries: readonly (readonly [string, number])[]): string {
  return entries.map(([name, count]) => `${name}:${count}`).join(';');
}

/**
 * RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. NOTE: a field
 * a spreadsheet would read as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`: intent,
 * step and reason names come from configuration, not from customers, but a CSV is opened in
 * spreadsheets.
 */
function field(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report as CSV: a header, one row per period, and the `total` row last. */
export function reportCsv(report: InsightsReport): string {
  const rows = [...report.series, report.totals].map((figures) =>
    CSV_COLUMNS.map((column) => field(column.of(figures))).join(','),
  );
  return `${[CSV_COLUMNS.map((column) => column.name).join(','), ...rows].join('\r\n')}\r\n`;
}
