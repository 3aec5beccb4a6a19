import path from 'node:path';
import type { ComponentDialog, Dialog } from 'botbuilder-dialogs';
import type { HandoffDesk } from '../../handoff/handoffDesk';
import { routeToTeam, type TeamsConfig } from '../../handoff/teams';
import type { Config } from '../config';
import { SharedDatabase } from '../database';
import type { Logger } from '../logger';
import type { BotStateSet } from '../state';
import { recordDeskInsights } from './deskInsights';
import { InsightsFigures } from './figures';
import { INSIGHTS_MIGRATIONS } from './migrations';
import { InsightsRecorder, type InsightsRecorderOptions } from './recorder';
import { InsightsTelemetryClient } from './telemetryClient';
import { TurnInsights, type TeamOf } from './turnInsights';

export { INSIGHTS_MIGRATIONS } from './migrations';
export {
  InsightsFigures,
  GROUP_BYS,
  type GroupBy,
  type InsightsQuery,
  type InsightsReport,
  type PeriodFigures,
} from './figures';
export { InsightsRecorder } from './recorder';
export { InsightsTelemetryClient } from './telemetryClient';
export { TurnInsights } from './turnInsights';
export { reportCsv, CSV_COLUMNS } from './csv';

/** The file insights keep in `DATA_DIR` unless the database is shared. */
export const INSIGHTS_FILE = 'insights.sqlite';

export interface InsightsDeps {
  config: Pick<Config, 'storage' | 'dataDir' | 'defaultLocale'>;
  logger: Logger;
  state: BotStateSet;
  teams: TeamsConfig;
  /** The shared database (`STORAGE=postgres`); a SQLite file of insights' own otherwise. */
  database?: SharedDatabase;
  options?: InsightsRecorderOptions;
}

/** Insights of one server: what records events and what works out the figures. */
export interface Insights {
  /** Where the events are: the shared database, or insights' own SQLite file. */
  readonly database: SharedDatabase;
  readonly recorder: InsightsRecorder;
  readonly figures: InsightsFigures;
  /** Shared middleware: after locale resolution, before the handoff interceptor. */
  readonly middleware: TurnInsights;
  /** Puts the telemetry client on the main dialog (it reaches every dialog under it). */
  instrument(mainDialog: ComponentDialog, tasks: Readonly<Partial<Record<string, Dialog>>>): void;
  /** Records the desk's case events. */
  watchDesk(desk: HandoffDesk): void;
  /** Commits what waits, stops the timers, closes the database when it is insights' own. */
  close(): Promise<void>;
}

/**
 * Opens insights: the shared PostgreSQL database when there is one (`STORAGE=postgres`),
 * else `DATA_DIR/insights.sqlite`, or an in-memory SQLite database with `STORAGE=memory`.
 */
export function openInsights(deps: InsightsDeps): Insights {
  const { config, logger } = deps;
  const owned = deps.database === undefined;
  const database =
    deps.database ??
    new SharedDatabase(
      {
        dialect: 'sqlite',
        file: config.storage === 'memory' ? ':memory:' : path.join(config.dataDir, INSIGHTS_FILE),
      },
      [INSIGHTS_MIGRATIONS],
    );
  const recorder = new InsightsRecorder(database, logger, deps.options);
  const teamOf: TeamOf = (locale, topic) => routeToTeam(deps.teams, locale, topic).id;
  const middleware = new TurnInsights({
    recorder,
    state: deps.state,
    teamOf,
    defaultLocale: config.defaultLocale,
    logger,
  });
  const stops: (() => void)[] = [];
  return {
    database,
    recorder,
    figures: new InsightsFigures(database),
    middleware,
    instrument(mainDialog, tasks) {
      const taskWaterfalls: Record<string, string> = {};
      for (const [task, dialog] of Object.entries(tasks)) {
        const waterfall = dialog && initialDialogOf(dialog);
        if (waterfall) taskWaterfalls[task] = waterfall;
      }
      const handoff = mainDialog.findDialog('handoffDialog');
      mainDialog.telemetryClient = new InsightsTelemetryClient({
        recorder,
        teamOf,
        defaultLocale: config.defaultLocale,
        taskWaterfalls,
        logger,
        handoffWaterfall: (handoff && initialDialogOf(handoff)) ?? 'handoffDialog.waterfall',
        ...(initialDialogOf(mainDialog) ? { rootWaterfall: initialDialogOf(mainDialog) } : {}),
      });
    },
    watchDesk(desk) {
      stops.push(recordDeskInsights(desk, recorder, logger));
    },
    async close() {
      for (const stop of stops.splice(0)) stop();
      await recorder.close();
      if (owned) await database.close();
    },
  };
}

/**
 * The dialog a component starts with: a task's waterfall. NOTE: `initialDialogId` is protected
 * in botbuilder's typings but a plain property at run time; it is only read.
 */
function initialDialogOf(dialog: Dialog): string | undefined {
  const id = (dialog as unknown as { initialDialogId?: unknown }).initialDialogId;
  return typeof id === 'string' ? id : undefined;
}
