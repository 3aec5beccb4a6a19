import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { STATE_DB_FILE } from '../bot/storage';
import { BotProcess, killAllBots } from './botProcess';
import { runLoad, type ConversationScript } from './load';
import { measureLevel, type Rounds, type Subject } from './measure';
import { prefillConversations, readStoredConversations } from './prefill';
import { summarizeProfile } from './profile';
import { measureRecognition, type RecognitionSettings } from './recognition';
import { buildRecognizerResult, renderRecognizerTable, type RecognizerKey } from './recognizerReport';
import { buildResult, HEADLINE_CONCURRENCY, renderTable } from './report';
import { echoBotScript, fullBotScript, FULL_SCRIPT_TURNS, orderStatusConversation } from './scripts';

const USAGE = `Usage: npm run --silent bench -- [--quick] [--json] [--profile] [--recognizers]

Benchmarks the whole Switchboard bot against a bare Bot Framework echo bot, side by side, on
127.0.0.1 (see docs/performance.md), and times intent recognition and training in-process.
Prints a table, then the result as JSON.
  --quick        a short run (about 30 s on an idle machine), as CI runs it; rough figures
  --json         print only the JSON result on stdout (the table goes to stderr)
  --profile      record a CPU profile of the full bot (node --cpu-prof) and list its top costs
  --recognizers  instead: the full bot with the trained recognizer against the same bot with
                 the keyword recognizer it replaced (turn throughput before and after)
`;

interface Settings {
  mode: 'full' | 'quick';
  /** Conversations run on each bot before measuring (JIT, caches), 16 at a time. */
  warmupConversations: number;
  /** Concurrency levels, with the conversations each bot runs per round and the rounds. */
  levels: { concurrency: number; conversations: number; rounds: number }[];
  /** Conversations stored before the load, in the two full bots. */
  stored: { small: number; large: number };
  /** The whole run is stopped after this long. */
  limitMs: number;
  /** Recognition timing, in the benchmark's own process before any bot starts. */
  recognition: RecognitionSettings;
  /** Levels of `--recognizers` (two full bots: fewer rounds fit in the same time limit). */
  recognizerLevels: { concurrency: number; conversations: number; rounds: number }[];
}

const SETTINGS: Record<'full' | 'quick', Settings> = {
  full: {
    mode: 'full',
    warmupConversations: 128,
    levels: [
      { concurrency: 1, conversations: 20, rounds: 7 },
      { concurrency: 64, conversations: 320, rounds: 15 },
    ],
    stored: { small: 1_000, large: 100_000 },
    limitMs: 175_000,
    recognition: { repeats: 50, trainings: 3 },
    recognizerLevels: [
      { concurrency: 1, conversations: 20, rounds: 5 },
      { concurrency: 64, conversations: 256, rounds: 9 },
    ],
  },
  quick: {
    mode: 'quick',
    warmupConversations: 32,
    levels: [
      { concurrency: 1, conversations: 8, rounds: 1 },
      { concurrency: 64, conversations: 128, rounds: 3 },
    ],
    stored: { small: 1_000, large: 100_000 },
    limitMs: 80_000,
    recognition: { repeats: 5, trainings: 1 },
    recognizerLevels: [
      { concurrency: 1, conversations: 8, rounds: 1 },
      { concurrency: 64, conversations: 128, rounds: 3 },
    ],
  },
};

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** The environment of a bot process: the system basics and `extra`, nothing else of ours. */
function botEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

/** The full bot as `npm start` runs it, on 127.0.0.1, an ephemeral port and its own DATA_DIR. */
function fullBot(
  name: string,
  dataDir: string,
  nodeFlags: string[] = [],
  extraEnv: Record<string, string> = {},
): BotProcess {
  return new BotProcess({
    name,
    entry: 'fullBot.ts',
    env: botEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      STORAGE: 'sqlite',
      LOG_LEVEL: 'warn',
      ...extraEnv,
    }),
    // NOTE: the bot reads a `.env` file in its working directory; the repository's must not apply.
    cwd: dataDir,
    nodeFlags,
  });
}

function warmup(bot: BotProcess, script: ConversationScript, conversations: number): Promise<unknown> {
  return runLoad({
    url: bot.url,
    concurrency: 16,
    conversations,
    script,
    idPrefix: 'warmup',
    timeoutMs: 60_000,
  });
}

interface Options {
  settings: Settings;
  json: boolean;
  profile: boolean;
  recognizers: boolean;
}

function parseArgs(args: string[]): Options | undefined {
  if (args.includes('--help')) return undefined;
  const unknown = args.filter((arg) => !['--quick', '--json', '--profile', '--recognizers'].includes(arg));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}\n${USAGE}`);
  const recognizers = args.includes('--recognizers');
  if (recognizers && args.includes('--profile'))
    throw new Error(`--profile is for the main benchmark\n${USAGE}`);
  return {
    settings: SETTINGS[args.includes('--quick') ? 'quick' : 'full'],
    json: args.includes('--json'),
    profile: args.includes('--profile'),
    recognizers,
  };
}

/** Prints the table and the JSON as `--json` asks. */
function print(rendered: string, result: unknown, json: boolean): void {
  const jsonText = JSON.stringify(result, null, 2);
  if (json) {
    process.stderr.write(`${rendered}\n`);
    process.stdout.write(`${jsonText}\n`);
  } else {
    process.stdout.write(`${rendered}\n\n${jsonText}\n`);
  }
}

async function timeRecognition(settings: Settings): ReturnType<typeof measureRecognition> {
  const recognition = await measureRecognition(settings.recognition);
  log(`trained all locales in ${recognition.training.coldMs} ms, timed recognition per phrase`);
  return recognition;
}

/**
 * `--recognizers`: two full bots, one with the trained recognizer (as `npm start` runs) and one
 * with the keyword recognizer, each on a fresh DATA_DIR, measured in alternating rounds.
 */
async function runRecognizers({ settings, json }: Options): Promise<void> {
  const started = performance.now();
  const recognition = await timeRecognition(settings);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  temporary.push(root);
  const dirs = { trained: path.join(root, 'trained'), keyword: path.join(root, 'keyword') };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir);
  const trained = fullBot('full, trained', dirs.trained);
  const keyword = fullBot('full, keyword', dirs.keyword, [], { BENCH_RECOGNIZER: 'keyword' });
  const bots = [trained, keyword];
  try {
    await trained.start();
    await keyword.start();
    log(
      `full bot ready in ${trained.startupMs.toFixed(0)} ms (trained), ${keyword.startupMs.toFixed(0)} ms (keyword)`,
    );
    for (const bot of bots) await warmup(bot, fullBotScript, settings.warmupConversations);
    const subjects = [
      { key: 'trained' as RecognizerKey, bot: trained, script: fullBotScript },
      { key: 'keyword' as RecognizerKey, bot: keyword, script: fullBotScript },
    ];
    const levels = new Map<number, Rounds<RecognizerKey>>();
    for (const level of settings.recognizerLevels) {
      levels.set(
        level.concurrency,
        await measureLevel(subjects, level.concurrency, level.conversations, level.rounds),
      );
      log(`measured ${level.concurrency} concurrent conversation(s), ${level.rounds} round(s)`);
    }
    await Promise.all(bots.map((bot) => bot.stop()));
    const result = buildRecognizerResult({
      mode: settings.mode,
      levels,
      headlineConcurrency: HEADLINE_CONCURRENCY,
      startupMs: { trained: trained.startupMs, keyword: keyword.startupMs },
      turnsPerConversation: FULL_SCRIPT_TURNS,
      recognition,
      durationMs: performance.now() - started,
    });
    print(renderRecognizerTable(result), result, json);
  } finally {
    await Promise.all(bots.map((bot) => bot.stop().catch(() => undefined)));
    killAllBots();
    removeTemporary();
  }
}

/** Temporary folders of this run, removed however it ends. */
const temporary: string[] = [];

function removeTemporary(): void {
  for (const folder of temporary.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
}

async function run({ settings, json, profile }: Options): Promise<void> {
  const started = performance.now();
  // Before any bot runs, so that no bot competes with it for the CPU.
  const recognition = await timeRecognition(settings);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  temporary.push(root);
  const echoDir = path.join(root, 'echo');
  const smallDir = path.join(root, 'full-1k');
  const largeDir = path.join(root, 'full-100k');
  for (const dir of [echoDir, smallDir, largeDir]) fs.mkdirSync(dir);
  // Kept after the run, to open in Chrome DevTools.
  const profileDir = profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-profile-')) : '';

  const echo = new BotProcess({ name: 'echo', entry: 'echoBot.ts', env: botEnv({}), cwd: echoDir });
  const small = fullBot(
    'full (1k stored)',
    smallDir,
    profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  const large = fullBot('full (100k stored)', largeDir);
  const bots = [echo, small, large];
  try {
    // Start-up, one bot at a time so that none competes with another for the CPU.
    await echo.start();
    await small.start();
    log(`echo bot ready in ${echo.startupMs.toFixed(0)} ms, full bot in ${small.startupMs.toFixed(0)} ms`);

    // The full bot's warm-up conversations stop after 1 to 4 turns, so its database holds
    // conversations in every state; those rows are what the stored conversations are cloned from.
    await warmup(echo, echoBotScript, settings.warmupConversations);
    await warmup(
      small,
      (n) => orderStatusConversation(n, 1 + (n % FULL_SCRIPT_TURNS)),
      settings.warmupConversations,
    );
    const prefillStarted = performance.now();
    const templates = readStoredConversations(path.join(smallDir, STATE_DB_FILE), 1000);
    prefillConversations(
      path.join(smallDir, STATE_DB_FILE),
      templates,
      settings.stored.small - templates.length,
      'stored',
    );
    prefillConversations(path.join(largeDir, STATE_DB_FILE), templates, settings.stored.large, 'stored');
    log(
      `stored ${settings.stored.small} and ${settings.stored.large} conversations in ${(performance.now() - prefillStarted).toFixed(0)} ms`,
    );
    await large.start();
    log(
      `full bot with ${settings.stored.large} stored conversations ready in ${large.startupMs.toFixed(0)} ms`,
    );
    await warmup(large, fullBotScript, settings.warmupConversations);

    const subjects: Subject[] = [
      { key: 'echo', bot: echo, script: echoBotScript },
      { key: 'full1k', bot: small, script: fullBotScript },
      { key: 'full100k', bot: large, script: fullBotScript },
    ];
    const levels = new Map<number, Rounds>();
    for (const level of settings.levels) {
      levels.set(
        level.concurrency,
        await measureLevel(subjects, level.concurrency, level.conversations, level.rounds),
      );
      log(`measured ${level.concurrency} concurrent conversation(s), ${level.rounds} round(s)`);
    }
    await Promise.all(bots.map((bot) => bot.stop()));

    const result = buildResult({
      mode: settings.mode,
      levels,
      startupMs: { echo: echo.startupMs, full: small.startupMs, full100k: large.startupMs },
      stored: settings.stored,
      turnsPerConversation: FULL_SCRIPT_TURNS,
      durationMs: performance.now() - started,
      recognition,
    });
    print(renderTable(result), result, json);
    if (profile) {
      (json ? process.stderr : process.stdout).write(
        `\n${summarizeProfile(profileDir)}\n\nProfiles kept in ${profileDir}\n`,
      );
    }
  } finally {
    await Promise.all(bots.map((bot) => bot.stop().catch(() => undefined)));
    killAllBots();
    removeTemporary();
  }
}

function main(): void {
  let options: Options | undefined;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
    return;
  }
  if (!options) {
    process.stdout.write(USAGE);
    return;
  }
  const { limitMs } = options.settings;
  const watchdog = setTimeout(() => {
    log(`not done within ${limitMs / 1000} s; stopping`);
    killAllBots();
    removeTemporary();
    process.exit(1);
  }, limitMs);
  watchdog.unref();
  const stop = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping the bots`);
    killAllBots();
    removeTemporary();
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Whatever happens, no bot outlives the benchmark (they also stop when their IPC channel closes).
  process.once('exit', killAllBots);

  (options.recognizers ? runRecognizers(options) : run(options)).then(
    () => clearTimeout(watchdog),
    (error: unknown) => {
      clearTimeout(watchdog);
      log(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    },
  );
}

main();
