/**
 * What every channel's mapper does to the bot's outgoing activities before they leave the
 * process: Switchboard's own bookkeeping in `channelData` never reaches a customer's client.
 */

/** Keys of `channelData` with this prefix are Switchboard's own (e.g. the agent who wrote a reply). */
export const INTERNAL_CHANNEL_DATA_PREFIX = 'switchboard';

/**
 * `channelData` without Switchboard's internal keys; undefined when nothing else is left, so an
 * outgoing activity carries no empty object either.
 */
export function publicChannelData(channelData: unknown): unknown {
  if (typeof channelData !== 'object' || channelData === null || Array.isArray(channelData))
    return channelData;
  const kept = Object.entries(channelData).filter(([key]) => !key.startsWith(INTERNAL_CHANNEL_DATA_PREFIX));
  return kept.length === 0 ? undefined : Object.fromEntries(kept);
}
