import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { STATE_DB_FILE } from '../bot/storage';
import { BotProcess, killAllBots } from './botProcess';
import { BOT_NODE_FLAGS } from '../bot/runtimeFlags';
import { botEnv, fullBot, warmup } from './bots';
import { runLoad } from './load';
import { measureLevels, measureWith, type Rounds, type Subject } from './measure';
import { buildPostgresResult, renderPostgresTable } from './postgresReport';
import { measurePostgres } from './postgresRun';
import { prefillConversations, readStoredConversations } from './prefill';
import { summarizeProfile } from './profile';
import { measureRecognition, type RecognitionSettings } from './recognition';
import { buildRecognizerResult, renderRecognizerTable, type RecognizerKey } from './recognizerReport';
import { buildResult, HEADLINE_CONCURRENCY, renderTable } from './report';
import {
  channelConversation,
  echoBotScript,
  fullBotScript,
  FULL_SCRIPT_TURNS,
  orderStatusConversation,
  WELCOME_LAST,
} from './scripts';
import { channelResult, measureChannels, renderChannels, type ChannelSettings } from './channelRun';
import { channelEnv, DirectLineDriver, TelegramDriver, WhatsAppCloudDriver } from './channels';
import { runScalePhase, scaleResult, type ScaleResult } from './scale';
import { median, round, table } from './stats';

const USAGE = `Usage: npm run --silent bench -- [--quick] [--json] [--profile] [--recognizers]
                                    [--repeat N] [--scale] [--no-channels] [--baseline DIR]
                                    [--storage postgres]

Benchmarks the whole Switchboard bot against a bare Bot Framework echo bot, side by side, on
127.0.0.1 (see docs/performance.md), and times intent recognition and training in-process.
Prints a table, then the result as JSON.
  --quick        a short run (about a minute), as CI runs it; rough figures
  --json         print only the JSON result on stdout (the table goes to stderr)
  --profile      record a CPU profile of the full bot (node --cpu-prof) and list its top costs
  --recognizers  instead: the full bot with the trained recognizer against the same bot with
                 the keyword recognizer it replaced (turn throughput before and after)
  --repeat N     N consecutive full runs (fresh bots each), then every run's ratios side by side
  --scale        also 10,000 conversations open at once against 64: memory per active
                 conversation and the per-turn cost ratio (adds about a minute)
  --no-channels  leave out the Direct Line, Telegram and WhatsApp Cloud runs
  --baseline DIR also run, in the same rounds, the full bot of an older checkout in DIR (its
                 sources with this bench/ folder copied in; see docs/performance.md)
  --storage postgres
                 instead: the full bot on SQLite, one instance on PostgreSQL + Redis and two
                 instances sharing one database and Redis, in the same rounds, then the round
                 trips of a turn counted (a database of its own on BENCH_POSTGRES_URL's server,
                 dropped after; Redis at BENCH_REDIS_URL; defaults: 127.0.0.1, user postgres)
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
  /** The run over every channel. */
  channels: ChannelSettings;
  /** `--scale`: conversations open at once in the small and the large phase, and turns in flight. */
  scale: { small: number; large: number; inFlight: number; limitMs: number };
  /** `--storage postgres`: the segments whose round trips are counted (see bench/postgresRun.ts). */
  counted: { concurrency: number; conversations: number; instances: 1 | 2 }[];
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
    limitMs: 400_000,
    recognition: { repeats: 50, trainings: 3 },
    recognizerLevels: [
      { concurrency: 1, conversations: 20, rounds: 5 },
      { concurrency: 64, conversations: 256, rounds: 9 },
    ],
    channels: { concurrency: 64, conversations: 192, rounds: 3 },
    scale: { small: 64, large: 10_000, inFlight: 64, limitMs: 300_000 },
    counted: [
      { concurrency: 1, conversations: 20, instances: 1 },
      { concurrency: 64, conversations: 320, instances: 1 },
      { concurrency: 64, conversations: 320, instances: 2 },
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
    limitMs: 160_000,
    recognition: { repeats: 5, trainings: 1 },
    recognizerLevels: [
      { concurrency: 1, conversations: 8, rounds: 1 },
      { concurrency: 64, conversations: 128, rounds: 3 },
    ],
    channels: { concurrency: 64, conversations: 64, rounds: 1 },
    scale: { small: 64, large: 1_000, inFlight: 64, limitMs: 60_000 },
    counted: [
      { concurrency: 1, conversations: 8, instances: 1 },
      { concurrency: 64, conversations: 128, instances: 1 },
      { concurrency: 64, conversations: 128, instances: 2 },
    ],
  },
};

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

interface Options {
  settings: Settings;
  json: boolean;
  profile: boolean;
  recognizers: boolean;
  repeat: number;
  scale: boolean;
  channels: boolean;
  baseline: string | undefined;
  /** `--storage postgres`: the PostgreSQL + Redis scenario instead of the main benchmark. */
  postgres: boolean;
}

/** Options that take a value. */
const VALUED = ['--repeat', '--baseline', '--storage'];

const FLAGS = ['--quick', '--json', '--profile', '--recognizers', '--scale', '--no-channels'];

function parseArgs(args: string[]): Options | undefined {
  if (args.includes('--help')) return undefined;
  const valueOf = (name: string): string | undefined => {
    const at = args.indexOf(name);
    if (at < 0) return undefined;
    const value = args[at + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value\n${USAGE}`);
    return value;
  };
  const repeatText = valueOf('--repeat');
  const baseline = valueOf('--baseline');
  const storage = valueOf('--storage') ?? 'sqlite';
  const unknown = args.filter(
    (arg, i) => !FLAGS.includes(arg) && !VALUED.includes(args[i - 1] ?? '') && !VALUED.includes(arg),
  );
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}\n${USAGE}`);
  const repeat = repeatText === undefined ? 1 : Number(repeatText);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20)
    throw new Error(`--repeat must be a whole number from 1 to 20 (received "${repeatText}")\n${USAGE}`);
  if (baseline !== undefined && !fs.existsSync(path.join(baseline, 'bench', 'fullBot.ts')))
    throw new Error(
      `--baseline ${baseline}: no bench/fullBot.ts there (copy this bench/ folder into the checkout)`,
    );
  if (storage !== 'sqlite' && storage !== 'postgres')
    throw new Error(`--storage must be sqlite or postgres (received "${storage}")\n${USAGE}`);
  const postgres = storage === 'postgres';
  const recognizers = args.includes('--recognizers');
  if (
    (recognizers || postgres) &&
    (args.includes('--profile') || repeat > 1 || args.includes('--scale') || baseline)
  )
    throw new Error(`--profile, --repeat, --scale and --baseline are for the main benchmark\n${USAGE}`);
  if (recognizers && postgres) throw new Error(`--recognizers and --storage postgres are two runs\n${USAGE}`);
  return {
    settings: SETTINGS[args.includes('--quick') ? 'quick' : 'full'],
    json: args.includes('--json'),
    profile: args.includes('--profile'),
    recognizers,
    repeat,
    scale: args.includes('--scale'),
    channels: !args.includes('--no-channels'),
    baseline: baseline === undefined ? undefined : path.resolve(baseline),
    postgres,
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
    const levels = await measureLevels(subjects, settings.recognizerLevels, log);
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

/** What a run leaves outside its temporary folders (a database), undone also when it is stopped. */
const cleanups: (() => Promise<void>)[] = [];

/** Runs every cleanup, each given at most 5 s (a stopped run still exits). */
async function runCleanups(): Promise<void> {
  const limit = (work: Promise<void>) =>
    Promise.race([work, new Promise<void>((resolve) => setTimeout(resolve, 5000).unref())]);
  await Promise.all(cleanups.splice(0).map((cleanup) => limit(cleanup().catch(() => undefined))));
}

/** `--storage postgres`: see bench/postgresRun.ts. */
async function runPostgres({ settings, json }: Options): Promise<void> {
  const started = performance.now();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  temporary.push(root);
  try {
    const measured = await measurePostgres(
      {
        warmupConversations: settings.warmupConversations,
        levels: settings.levels,
        stored: settings.stored.small,
        counted: settings.counted,
      },
      root,
      (cleanup) => cleanups.push(cleanup),
    );
    const result = buildPostgresResult(measured, {
      mode: settings.mode,
      stored: settings.stored.small,
      durationMs: performance.now() - started,
    });
    print(renderPostgresTable(result), result, json);
  } finally {
    killAllBots();
    await runCleanups();
    removeTemporary();
  }
}

/** The Direct Line secret of the channel bot (any 16+ characters; it never leaves the machine). */
const BENCH_DIRECT_LINE_SECRET = 'bench-direct-line-secret-0123456789';

/** Every channel on one fresh full bot, with the fakes of Telegram's and Meta's APIs here. */
async function runChannels(settings: Settings, root: string): Promise<ReturnType<typeof channelResult>> {
  const dir = path.join(root, 'full-channels');
  fs.mkdirSync(dir);
  const telegramApi = await TelegramDriver.startFake();
  const graphApi = await WhatsAppCloudDriver.startFake();
  const bot = fullBot(
    'full (channels)',
    dir,
    [],
    channelEnv(telegramApi, graphApi, BENCH_DIRECT_LINE_SECRET),
  );
  const { concurrency } = settings.channels;
  let drivers: Parameters<typeof measureChannels>[1] | undefined;
  try {
    await bot.start();
    drivers = {
      directline: new DirectLineDriver(bot.url, BENCH_DIRECT_LINE_SECRET, WELCOME_LAST, concurrency),
      telegram: TelegramDriver.forBot(bot.url, telegramApi, concurrency),
      whatsapp: WhatsAppCloudDriver.forBot(bot.url, graphApi, concurrency),
    };
    const scripts = { api: fullBotScript, channel: channelConversation };
    // Warm-up: one short round on every channel.
    await measureChannels(bot, drivers, scripts, { concurrency: 16, conversations: 32, rounds: 1 });
    const rounds = await measureChannels(bot, drivers, scripts, settings.channels);
    log(`measured every channel, ${settings.channels.rounds} round(s)`);
    return channelResult(rounds, settings.channels);
  } finally {
    await bot.stop().catch(() => undefined);
    for (const driver of Object.values(drivers ?? {})) await driver.close();
    await Promise.all([telegramApi.close(), graphApi.close()]);
  }
}

/** `--scale`: one fresh full bot, 64 and then 10,000 conversations open at once. */
async function runScale(settings: Settings, root: string): Promise<ScaleResult> {
  const dir = path.join(root, 'full-scale');
  fs.mkdirSync(dir);
  // --expose-gc: the heap is measured after a full collection.
  const bot = fullBot('full (scale)', dir, ['--expose-gc']);
  try {
    await bot.start();
    await warmup(bot, fullBotScript, settings.warmupConversations);
    const { small, large, inFlight, limitMs } = settings.scale;
    const smallPhase = await runScalePhase(bot, fullBotScript, small, inFlight, 'scale-small', limitMs);
    // The per-turn cost with only `small` open, over as many turns as the large phase: the same
    // number of conversations, `small` at a time (a phase of `small` alone is too short to time).
    const steady = await measureWith(bot, () =>
      runLoad({
        url: bot.url,
        concurrency: small,
        conversations: large,
        script: fullBotScript,
        idPrefix: 'scale-steady',
        timeoutMs: limitMs,
      }),
    );
    const largePhase = await runScalePhase(bot, fullBotScript, large, inFlight, 'scale-large', limitMs);
    log(`measured ${large} conversations open at once against ${small}`);
    return scaleResult(
      {
        ...smallPhase,
        turns: steady.turns,
        turnsPerSec: round(steady.turnsPerSec, 1),
        p50Ms: round(steady.p50Ms),
        p99Ms: round(steady.p99Ms),
        botCpuMsPerTurn: round(steady.botCpuMsPerTurn, 3),
      },
      largePhase,
    );
  } finally {
    await bot.stop().catch(() => undefined);
  }
}

/** `--baseline`: the older full bot against this one and the echo bot, from the same rounds. */
function baselineResult(levels: Map<number, Rounds<string>>) {
  const headline = levels.get(HEADLINE_CONCURRENCY) ?? [];
  const perRound = (f: (s: Rounds<string>[number]) => number): number[] => headline.map(f);
  const get = (s: Rounds<string>[number], key: string) => {
    const segment = s[key];
    if (!segment) throw new Error(`bench: no ${key} segment in a round`);
    return segment;
  };
  const beforeTurnsPerSec = median(perRound((s) => get(s, 'before').turnsPerSec));
  return {
    beforeTurnsPerSec: round(beforeTurnsPerSec, 1),
    beforeCpuMsPerTurn: round(median(perRound((s) => get(s, 'before').botCpuMsPerTurn)), 3),
    beforeP99Ms: round(median(perRound((s) => get(s, 'before').p99Ms)), 2),
    /** The older full bot's ratios against the echo bot in the same rounds. */
    beforeThroughputRatio: round(
      median(perRound((s) => get(s, 'before').turnsPerSec / get(s, 'echo').turnsPerSec)),
      3,
    ),
    beforeP99Ratio: round(
      median(perRound((s) => get(s, 'before').p99Ms)) / median(perRound((s) => get(s, 'echo').p99Ms)),
      3,
    ),
    /** This full bot against the older one: above 1 is faster. */
    speedup: round(median(perRound((s) => get(s, 'full1k').turnsPerSec / get(s, 'before').turnsPerSec)), 3),
    cpuRatio: round(
      median(perRound((s) => get(s, 'full1k').botCpuMsPerTurn / get(s, 'before').botCpuMsPerTurn)),
      3,
    ),
    loopMaxMs: pauseSummaryOf(headline, 'before'),
  };
}

function pauseSummaryOf(rounds: Rounds<string>, key: string): number {
  return round(Math.max(...rounds.map((s) => s[key]?.loopMaxMs ?? 0)), 1);
}

/** One whole benchmark run: fresh bots, every level, the channels, and the scale run when asked. */
async function runOnce(options: Options, index: number) {
  const { settings, profile } = options;
  const started = performance.now();
  // Before any bot runs, so that no bot competes with it for the CPU.
  const recognition = await timeRecognition(settings);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  temporary.push(root);
  const echoDir = path.join(root, 'echo');
  const smallDir = path.join(root, 'full-1k');
  const largeDir = path.join(root, 'full-100k');
  const beforeDir = path.join(root, 'full-before');
  for (const dir of [echoDir, smallDir, largeDir, beforeDir]) fs.mkdirSync(dir);
  // Kept after the run, to open in Chrome DevTools.
  const profileDir = profile ? fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-profile-')) : '';

  const echo = new BotProcess({ name: 'echo', entry: 'echoBot.ts', env: botEnv({}), cwd: echoDir });
  const small = fullBot(
    'full (1k stored)',
    smallDir,
    profile && index === 0 ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
  const large = fullBot('full (100k stored)', largeDir);
  const before = options.baseline
    ? new BotProcess({
        name: 'full, before (baseline)',
        entry: path.join(options.baseline, 'bench', 'fullBot.ts'),
        env: botEnv({
          PORT: '0',
          HOST: '127.0.0.1',
          DATA_DIR: beforeDir,
          STORAGE: 'sqlite',
          LOG_LEVEL: 'warn',
        }),
        cwd: beforeDir,
        // The same flags as this bot's, so the two differ by their code only.
        nodeFlags: [...BOT_NODE_FLAGS],
      })
    : undefined;
  const bots = [echo, small, large, ...(before ? [before] : [])];
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
    if (before)
      prefillConversations(path.join(beforeDir, STATE_DB_FILE), templates, settings.stored.small, 'stored');
    log(
      `stored ${settings.stored.small} and ${settings.stored.large} conversations in ${(performance.now() - prefillStarted).toFixed(0)} ms`,
    );
    await large.start();
    log(
      `full bot with ${settings.stored.large} stored conversations ready in ${large.startupMs.toFixed(0)} ms`,
    );
    await warmup(large, fullBotScript, settings.warmupConversations);
    if (before) {
      await before.start();
      await warmup(before, fullBotScript, settings.warmupConversations);
      log(`baseline full bot (${options.baseline}) ready in ${before.startupMs.toFixed(0)} ms`);
    }

    const subjects: Subject<string>[] = [
      { key: 'echo', bot: echo, script: echoBotScript },
      { key: 'full1k', bot: small, script: fullBotScript },
      { key: 'full100k', bot: large, script: fullBotScript },
      ...(before ? [{ key: 'before', bot: before, script: fullBotScript }] : []),
    ];
    const levels = await measureLevels(subjects, settings.levels, log);
    await Promise.all(bots.map((bot) => bot.stop()));

    const channels = options.channels ? await runChannels(settings, root) : undefined;
    const scale = options.scale ? await runScale(settings, root) : undefined;

    const result = buildResult({
      mode: settings.mode,
      levels: levels,
      startupMs: { echo: echo.startupMs, full: small.startupMs, full100k: large.startupMs },
      stored: settings.stored,
      turnsPerConversation: FULL_SCRIPT_TURNS,
      durationMs: performance.now() - started,
      recognition,
    });
    return {
      ...result,
      ...(channels ? { channels } : {}),
      ...(scale ? { scale } : {}),
      ...(before ? { baseline: { dir: options.baseline, ...baselineResult(levels) } } : {}),
      profileDir,
    };
  } finally {
    await Promise.all(bots.map((bot) => bot.stop().catch(() => undefined)));
  }
}
type RunResult = Awaited<ReturnType<typeof runOnce>>;

function renderRun(result: RunResult): string {
  const parts = [renderTable(result)];
  if (result.channels) parts.push('', renderChannels(result.channels));
  if (result.scale) {
    const { small, large } = result.scale;
    parts.push(
      '',
      `Scale: conversations open at once (all in the middle of a dialog when the heap is taken), ${HEADLINE_CONCURRENCY} turns in flight; with ${small.conversations} open the turns are those of ${large.conversations} conversations run ${small.conversations} at a time:`,
      table(
        [
          'open conversations',
          'turns/s',
          'p50 ms',
          'p99 ms',
          'bot CPU ms/turn',
          'heap MB (after GC)',
          'RSS MB',
          'loop max ms',
        ],
        [small, large].map((phase) => [
          String(phase.conversations),
          phase.turnsPerSec.toFixed(0),
          phase.p50Ms.toFixed(1),
          phase.p99Ms.toFixed(1),
          phase.botCpuMsPerTurn.toFixed(3),
          phase.heapMbActive.toFixed(1),
          phase.rssMbActive.toFixed(0),
          phase.loopMaxMs.toFixed(1),
        ]),
      ),
      `Memory per active conversation: ${result.scale.heapKbPerActiveConversation} KB of heap (${result.scale.rssKbPerActiveConversation} KB RSS); CPU per turn ${large.conversations} / ${small.conversations} open: ${result.scale.cpuPerTurnRatio}.`,
    );
  }
  if (result.baseline) {
    const b = result.baseline;
    parts.push(
      '',
      `Baseline (${b.dir}), in the same rounds at ${HEADLINE_CONCURRENCY} concurrent: ${b.beforeTurnsPerSec} turns/s, ${b.beforeCpuMsPerTurn} ms CPU/turn, p99 ${b.beforeP99Ms} ms; against echo: throughput ${b.beforeThroughputRatio}, p99 ${b.beforeP99Ratio}. This bot against it: ${b.speedup}× the turns/s, ${b.cpuRatio}× the CPU per turn; its longest loop pause ${b.loopMaxMs} ms.`,
    );
  }
  return parts.join('\n');
}

/** `--repeat`: every run's headline ratios side by side, and how many met both targets. */
function repeatSummary(runs: RunResult[]) {
  const rows = runs.map((r, i) => ({
    run: i + 1,
    throughputRatio: r.throughputRatio,
    p99Ratio: r.p99Ratio,
    fullLoopMaxMs: r.fullLoopMaxMs,
    bothMet: r.targets.throughputRatio.met && r.targets.p99Ratio.met,
    loadAverage: r.machine.loadAverage[0] ?? 0,
  }));
  return { runs: rows, bothMetIn: rows.filter((row) => row.bothMet).length, of: rows.length };
}

function renderRepeat(summary: ReturnType<typeof repeatSummary>): string {
  return [
    `Repeated runs (throughput ratio target >= 0.5, p99 ratio <= 2 at ${HEADLINE_CONCURRENCY} concurrent):`,
    table(
      ['run', 'throughput, full / echo', 'p99, full / echo', 'loop max ms', 'both met', 'load avg (1 min)'],
      summary.runs.map((row) => [
        String(row.run),
        row.throughputRatio.toFixed(3),
        row.p99Ratio.toFixed(3),
        row.fullLoopMaxMs.toFixed(1),
        row.bothMet ? 'yes' : 'no',
        row.loadAverage.toFixed(2),
      ]),
    ),
    `Both targets met in ${summary.bothMetIn} of ${summary.of} runs.`,
  ].join('\n');
}

async function run(options: Options): Promise<void> {
  const runs: RunResult[] = [];
  try {
    for (let i = 0; i < options.repeat; i++) {
      if (options.repeat > 1) log(`run ${i + 1} of ${options.repeat}`);
      const result = await runOnce(options, i);
      runs.push(result);
      if (options.repeat > 1)
        (options.json ? process.stderr : process.stdout).write(`${renderRun(result)}\n\n`);
    }
    const [first] = runs;
    if (!first) return;
    if (options.repeat === 1) {
      print(renderRun(first), first, options.json);
    } else {
      const summary = repeatSummary(runs);
      print(renderRepeat(summary), { repeat: summary, results: runs }, options.json);
    }
    if (options.profile && first.profileDir) {
      (options.json ? process.stderr : process.stdout).write(
        `\n${summarizeProfile(first.profileDir)}\n\nProfiles kept in ${first.profileDir}\n`,
      );
    }
  } finally {
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
  const { settings } = options;
  // `--storage postgres` runs three subjects, two of them on network servers, and counts besides.
  const limitMs =
    (settings.limitMs + (options.scale ? settings.scale.limitMs : 0)) *
    options.repeat *
    (options.postgres ? 2 : 1);
  const end = (code: number): void => {
    killAllBots();
    removeTemporary();
    void runCleanups().finally(() => process.exit(code));
  };
  const watchdog = setTimeout(() => {
    log(`not done within ${limitMs / 1000} s; stopping`);
    end(1);
  }, limitMs);
  watchdog.unref();
  const stop = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping the bots`);
    end(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Whatever happens, no bot outlives the benchmark (they also stop when their IPC channel closes).
  process.once('exit', killAllBots);

  const scenario = options.recognizers ? runRecognizers : options.postgres ? runPostgres : run;
  scenario(options).then(
    () => clearTimeout(watchdog),
    (error: unknown) => {
      clearTimeout(watchdog);
      log(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    },
  );
}

main();
