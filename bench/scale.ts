import http from 'node:http';
import type { BotProcess, BotStats } from './botProcess';
import { sayTurn, type ConversationScript } from './load';
import { MIB, percentile, round } from './stats';

/** One phase of the scale run: `conversations` open at once, `inFlight` turns at a time. */
export interface ScalePhase {
  conversations: number;
  turns: number;
  turnsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  botCpuMsPerTurn: number;
  /** Heap in use with every conversation in the middle of its dialog (after a full GC). */
  heapMbActive: number;
  rssMbActive: number;
  loopMaxMs: number;
  gcMaxMs: number;
}

/**
 * Runs `conversations` conversations all open at once: every conversation says its first
 * message, then every one its second, and so on, `inFlight` turns at a time in a closed loop.
 * So all of them are in the middle of a dialog together (their state, turn queues and per-
 * conversation memories live), as when that many customers are chatting and thinking between
 * messages. Before the last message, the bot collects its garbage and reports its heap: the
 * memory of that many active conversations.
 */
export async function runScalePhase(
  bot: BotProcess,
  script: ConversationScript,
  conversations: number,
  inFlight: number,
  idPrefix: string,
  timeoutMs: number,
): Promise<ScalePhase> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const target = new URL('/api/messages', bot.url);
  const scripts = Array.from({ length: conversations }, (_, n) => script(n));
  const passes = Math.max(...scripts.map((turns) => turns.length));
  const latenciesMs: number[] = [];
  const deadline = performance.now() + timeoutMs;
  let active: BotStats | undefined;
  let elapsedMs = 0;
  let cpuMicros = 0;
  try {
    for (let pass = 0; pass < passes; pass++) {
      if (pass === passes - 1) active = await bot.stats({ gc: true });
      const before = await bot.stats({ reset: pass === 0 });
      const started = performance.now();
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < conversations) {
          const n = next++;
          const turn = scripts[n]?.[pass];
          if (!turn) continue;
          if (performance.now() > deadline)
            throw new Error(`scale run: not done within ${timeoutMs} ms (${conversations} conversations)`);
          latenciesMs.push(await sayTurn(agent, target, `${idPrefix}-${n}`, pass, turn));
        }
      };
      await Promise.all(Array.from({ length: Math.min(inFlight, conversations) }, worker));
      elapsedMs += performance.now() - started;
      const after = await bot.stats();
      cpuMicros += after.cpuMicros - before.cpuMicros;
    }
  } finally {
    agent.destroy();
  }
  const last = await bot.stats();
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const turns = latenciesMs.length;
  return {
    conversations,
    turns,
    turnsPerSec: round((turns / elapsedMs) * 1000, 1),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    botCpuMsPerTurn: round(cpuMicros / 1000 / turns, 3),
    heapMbActive: round((active?.heapUsedBytes ?? Number.NaN) / MIB, 1),
    rssMbActive: round((active?.rssBytes ?? Number.NaN) / MIB, 1),
    loopMaxMs: round(last.pauses.loopMaxMs, 1),
    gcMaxMs: round(last.pauses.gcMaxMs, 1),
  };
}

/** The scale figures: memory per active conversation and the per-turn cost at 10k against 64. */
export function scaleResult(small: ScalePhase, large: ScalePhase) {
  const extra = large.conversations - small.conversations;
  return {
    small,
    large,
    /** Heap per active conversation, from the difference between the two phases. */
    heapKbPerActiveConversation: round(((large.heapMbActive - small.heapMbActive) * 1024) / extra, 2),
    rssKbPerActiveConversation: round(((large.rssMbActive - small.rssMbActive) * 1024) / extra, 2),
    /** CPU per turn with `large` conversations open against `small` (1 = no cost of scale). */
    cpuPerTurnRatio: round(large.botCpuMsPerTurn / small.botCpuMsPerTurn, 3),
    throughputRatio: round(large.turnsPerSec / small.turnsPerSec, 3),
  };
}
export type ScaleResult = ReturnType<typeof scaleResult>;
