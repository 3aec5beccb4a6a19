import { SUPPORTED_LOCALES } from '../bot/config';
import { localesDir } from '../bot/i18n';
import { KeywordRecognizer } from '../bot/language/keywordRecognizer';
import { start } from '../bot/server';
import { reportToBenchmark } from './protocol';

/** `BENCH_RECOGNIZER=keyword` runs the full bot with the keyword recognizer the trained one replaced. */
const recognizer =
  process.env.BENCH_RECOGNIZER === 'keyword'
    ? KeywordRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES)
    : undefined;

// The whole Switchboard bot as `npm start` runs it (configuration from the environment, default
// dependencies, SIGTERM handling), started by bench/run.ts with PORT=0 on 127.0.0.1 and a
// temporary DATA_DIR.
start(recognizer ? { recognizer } : {}).then(
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
