import path from 'node:path';
import type { TurnContext } from 'botbuilder';
import { silentLogger } from '../../bot/logger';
import { projectRoot } from '../../bot/paths';
import { HandoffDesk, type ProactiveSender } from '../../handoff/handoffDesk';
import { SharedDatabase } from '../../bot/database';
import { HandoffStore } from '../../handoff/handoffStore';
import { HANDOFF_MIGRATIONS } from '../../handoff/migrations';
import { loadTeamsConfig, parseTeamsConfig, type TeamsConfig } from '../../handoff/teams';

/** The shipped teams file: one team, open around the clock. */
export const ALWAYS_OPEN: TeamsConfig = loadTeamsConfig(path.join(projectRoot(), 'handoff', 'teams.json'));

/** One team that never opens on weekdays or weekends, to test the closed path. */
export const CLOSED_UNTIL_MONDAY_NINE: TeamsConfig = parseTeamsConfig({
  teams: [{ id: 'weekdays', name: 'Weekdays', timezone: 'UTC', hours: { mon: ['09:00-17:00'] } }],
});

/**
 * A desk over an in-memory store (a private SQLite database: nothing to close but the
 * connection, which the garbage collector takes); channels and the bot's logic can be filled
 * in by the test.
 */
export function handoffFixture(
  options: { teams?: TeamsConfig; now?: () => Date; runBot?: (context: TurnContext) => Promise<void> } = {},
): { desk: HandoffDesk; store: HandoffStore; channels: Map<string, ProactiveSender> } {
  const now = options.now ?? (() => new Date());
  const database = new SharedDatabase({ dialect: 'sqlite', file: ':memory:' }, [HANDOFF_MIGRATIONS]);
  const store = new HandoffStore(database, () => now().getTime());
  const channels = new Map<string, ProactiveSender>();
  const desk = new HandoffDesk({
    store,
    teams: options.teams ?? ALWAYS_OPEN,
    channels,
    runBot: options.runBot ?? (() => Promise.resolve()),
    logger: silentLogger(),
    now,
    positionUpdateMinMs: 0,
  });
  return { desk, store, channels };
}
