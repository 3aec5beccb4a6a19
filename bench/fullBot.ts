import { start } from '../bot/server';
import { reportToBenchmark } from './protocol';

// The whole Switchboard bot as `npm start` runs it (configuration from the environment, default
// dependencies, SIGTERM handling), started by bench/run.ts with PORT=0 on 127.0.0.1 and a
// temporary DATA_DIR.
start().then(
  (app) => {
    const { port } = app.server.address();
    // SIGTERM runs the server's own graceful shutdown (and lets --cpu-prof write its profile).
    reportToBenchmark(`http://127.0.0.1:${port}`, () => process.kill(process.pid, 'SIGTERM'));
  },
  (error: unknown) => {
    console.error('bench full bot: start failed:', error);
    process.exit(1);
  },
);
