import type { HandoffCase } from '../../handoff/handoffStore';
import type { SwitchboardMetrics } from './registry';

export interface HandoffGaugeSources {
  /** Every team id, so a team with an empty queue reports 0 rather than nothing. */
  teams(): readonly string[];
  /** The queue, read from the handoff store at scrape time (shared by instances on PostgreSQL). */
  queued(): Promise<readonly HandoffCase[]>;
  agentsOnline(): number;
  now(): number;
}

/** Queue length and oldest wait per team, and agents online, read at scrape time. */
export function registerHandoffGauges(metrics: SwitchboardMetrics, sources: HandoffGaugeSources): void {
  const perTeam = async (value: (cases: HandoffCase[]) => number): Promise<[{ team: string }, number][]> => {
    const byTeam = new Map<string, HandoffCase[]>(sources.teams().map((team) => [team, []]));
    for (const queued of await sources.queued()) {
      const cases = byTeam.get(queued.team);
      if (cases) cases.push(queued);
      else byTeam.set(queued.team, [queued]);
    }
    return [...byTeam].map(([team, cases]) => [{ team }, value(cases)]);
  };
  metrics.gauge(
    'switchboard_handoff_queue_length',
    'Customers waiting for a person, per team.',
    ['team'],
    () => perTeam((cases) => cases.length),
  );
  metrics.gauge(
    'switchboard_handoff_oldest_wait_seconds',
    'How long the longest-waiting customer of each team has waited (0 when nobody waits).',
    ['team'],
    () => {
      const now = sources.now();
      return perTeam((cases) => Math.max(0, ...cases.map((queued) => (now - queued.queuedAt) / 1000)));
    },
  );
  metrics.gauge('switchboard_agents_online', 'Agents with the console open.', [], () => [
    [{}, sources.agentsOnline()],
  ]);
}
