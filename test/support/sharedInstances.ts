import { createTestDatabase, type TestDatabase } from './postgres';
import { connectTestRedis, TEST_REDIS_URL } from './redis';
import { removeDataDir, startServer, type RunningServer } from './testServer';

/** Instances of one bot for a suite: one fresh PostgreSQL database, the test Redis, a DATA_DIR each. */
export interface SharedInstances {
  /** What every instance is started with (`STORAGE=postgres`, `DATABASE_URL`, `REDIS_URL`). */
  readonly env: Record<string, string>;
  /** Starts one more instance (`extra` added to {@link env}); {@link stop} stops it. */
  start(extra?: Record<string, string>): Promise<RunningServer>;
  /** Keeps `server` (another kind of instance a test started) to stop with the rest. */
  keep(server: RunningServer): RunningServer;
  /** Stops every instance, removes their DATA_DIRs and drops the database. */
  stop(): Promise<void>;
}

/**
 * Creates the database for a suite of several instances (call from `before`). Without a reachable
 * PostgreSQL or Redis the suite is skipped, except under `CI`, where it fails.
 */
export async function sharedInstances(suite: Mocha.Context): Promise<SharedInstances> {
  (await connectTestRedis(suite)).disconnect();
  const database: TestDatabase = await createTestDatabase(suite);
  const env = { STORAGE: 'postgres', DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL };
  const started: RunningServer[] = [];
  const keep = (server: RunningServer): RunningServer => {
    started.push(server);
    return server;
  };
  return {
    env,
    keep,
    start: async (extra = {}) => keep(await startServer({ ...env, ...extra })),
    async stop(): Promise<void> {
      for (const server of started.splice(0)) {
        await server.app.close();
        removeDataDir(server.dataDir);
      }
      await database.drop();
    },
  };
}
