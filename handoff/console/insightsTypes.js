// @ts-check
/**
 * The shape of `GET /api/console/insights` as the Insights view uses it (handoff/README.md,
 * "Insights"). Types only: nothing imports this file at run time.
 */

/**
 * @typedef {{ count: number, medianSeconds: number | null, p90Seconds: number | null }} WaitFigures
 *
 * @typedef {object} PeriodFigures
 * @property {string} period `2026-11-30`, `2026-W49` or `2026-11` (`total` for the totals)
 * @property {string} start
 * @property {string} end
 * @property {number} conversations
 * @property {{ contained: number, rate: number | null, completedTask: number, completedTaskRate: number | null }} containment
 * @property {{ conversations: number, rate: number | null, reachedAgent: number, requests: number, reasons: Record<string, number> }} handoff
 * @property {{ started: number, completed: number, cancelled: number, handedOff: number, abandoned: number, abandonedAt: { task: string, step: string, count: number }[] }} tasks
 * @property {WaitFigures} queueWait
 * @property {WaitFigures} firstAgentReply
 * @property {{ count: number, average: number | null, distribution: Record<string, number> }} csat
 * @property {{ intent: string, count: number, averageScore: number | null }[]} intents
 * @property {{ total: number, notUnderstood: number, notUnderstoodRate: number | null }} messages
 *
 * @typedef {object} InsightsReport
 * @property {string} from
 * @property {string} to
 * @property {'day' | 'week' | 'month'} groupBy
 * @property {{ channel?: string, locale?: string, team?: string }} filters
 * @property {{ channels: string[], locales: string[], teams: string[] }} dimensions
 * @property {PeriodFigures[]} series
 * @property {PeriodFigures} totals
 */

export {};
