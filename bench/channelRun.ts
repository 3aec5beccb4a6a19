import type { BotProcess } from './botProcess';
import { runChannelLoad, type ChannelDriver, type ChannelScript } from './channels';
import { runLoad, type ConversationScript } from './load';
import { measureWith, type Rounds } from './measure';
import { pauseSummary } from './report';
import { median, round, table } from './stats';

/** The channels the benchmark drives, by the key the result uses. */
export type ChannelKey = 'botframework' | 'directline' | 'telegram' | 'whatsapp';

export const CHANNEL_NAMES: Record<ChannelKey, string> = {
  botframework: 'Bot Framework /api/messages (expectReplies)',
  directline: 'Direct Line 3.0, WebSocket stream',
  telegram: 'Telegram webhook (fake Bot API)',
  whatsapp: 'WhatsApp Cloud webhook (fake Graph API)',
};

export interface ChannelSettings {
  concurrency: number;
  conversations: number;
  rounds: number;
}

let nextId = 1;

/**
 * Measures one full bot over every channel, in rounds (the order rotating, as the main levels),
 * with the same order-status conversations: `/api/messages` as in the main benchmark, and the
 * three channels through their drivers. Every conversation is new, so Direct Line's figures
 * include starting conversations (a POST and a WebSocket per conversation, and the welcome).
 */
export async function measureChannels(
  bot: BotProcess,
  drivers: Record<Exclude<ChannelKey, 'botframework'>, ChannelDriver>,
  scripts: { api: ConversationScript; channel: ChannelScript },
  settings: ChannelSettings,
): Promise<Rounds<ChannelKey>> {
  const keys: ChannelKey[] = ['botframework', 'directline', 'telegram', 'whatsapp'];
  const rounds: Rounds<ChannelKey> = [];
  // Every conversation is new: numbers go on from wherever an earlier call stopped.
  let firstId = nextId;
  for (let round = 0; round < settings.rounds; round++) {
    const segments: Partial<Rounds<ChannelKey>[number]> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(i + round) % keys.length] as ChannelKey;
      const ids = firstId;
      firstId += settings.conversations;
      segments[key] = await measureWith(bot, () =>
        key === 'botframework'
          ? runLoad({
              url: bot.url,
              concurrency: settings.concurrency,
              conversations: settings.conversations,
              script: scripts.api,
              idPrefix: `channels-${ids}`,
              timeoutMs: 120_000,
            })
          : runChannelLoad({
              driver: drivers[key],
              concurrency: settings.concurrency,
              conversations: settings.conversations,
              script: scripts.channel,
              firstId: ids,
              timeoutMs: 120_000,
            }),
      );
    }
    rounds.push(segments as Rounds<ChannelKey>[number]);
  }
  nextId = firstId;
  return rounds;
}

/** Medians per channel over the rounds, and the pauses. */
export function channelResult(rounds: Rounds<ChannelKey>, settings: ChannelSettings) {
  const keys: ChannelKey[] = ['botframework', 'directline', 'telegram', 'whatsapp'];
  const of = (
    key: ChannelKey,
    field: 'turnsPerSec' | 'p50Ms' | 'p99Ms' | 'botCpuMsPerTurn' | 'driverCpuPercent',
  ) => round(median(rounds.map((segments) => segments[key][field])), 2);
  return {
    concurrency: settings.concurrency,
    conversationsPerRound: settings.conversations,
    rounds: rounds.length,
    channels: Object.fromEntries(
      keys.map((key) => {
        const pauses = pauseSummary(rounds, key);
        return [
          key,
          {
            turns: rounds.reduce((sum, segments) => sum + segments[key].turns, 0),
            turnsPerSec: of(key, 'turnsPerSec'),
            p50Ms: of(key, 'p50Ms'),
            p99Ms: of(key, 'p99Ms'),
            botCpuMsPerTurn: of(key, 'botCpuMsPerTurn'),
            driverCpuPercent: of(key, 'driverCpuPercent'),
            loopMaxMs: pauses.loopMaxMs,
            gcMaxMs: pauses.gcMaxMs,
          },
        ];
      }),
    ) as Record<
      ChannelKey,
      {
        turns: number;
        turnsPerSec: number;
        p50Ms: number;
        p99Ms: number;
        botCpuMsPerTurn: number;
        driverCpuPercent: number;
        loopMaxMs: number;
        gcMaxMs: number;
      }
    >,
  };
}
export type ChannelResult = ReturnType<typeof channelResult>;

export function renderChannels(result: ChannelResult): string {
  const rows = (Object.keys(result.channels) as ChannelKey[]).map((key) => {
    const c = result.channels[key];
    return [
      CHANNEL_NAMES[key],
      String(c.turns),
      c.turnsPerSec.toFixed(0),
      c.p50Ms.toFixed(1),
      c.p99Ms.toFixed(1),
      c.botCpuMsPerTurn.toFixed(2),
      c.driverCpuPercent.toFixed(0),
      c.loopMaxMs.toFixed(1),
      c.gcMaxMs.toFixed(1),
    ];
  });
  return [
    `Every channel, one full bot, ${result.concurrency} concurrent conversations, ${result.rounds} round(s) of ${result.conversationsPerRound} conversations per channel (medians; the fakes run in the driver's process):`,
    table(
      [
        'channel',
        'turns',
        'turns/s',
        'p50 ms',
        'p99 ms',
        'bot CPU ms/turn',
        'driver CPU %',
        'loop max ms',
        'GC max ms',
      ],
      rows,
    ),
  ].join('\n');
}
