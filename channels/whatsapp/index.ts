import path from 'node:path';
import type { Channel, ChannelDeps, ChannelFactory } from '../channel';
import { makeCloudChannel, type CloudChannelOptions } from './cloud';
import { cloudSettings } from './settings';

export { WHATSAPP_CHANNEL_ID, WHATSAPP_WEBHOOK_PATH } from './settings';

/** What tests may replace when building the WhatsApp channel. */
export type WhatsAppChannelOptions = CloudChannelOptions;

/** The WhatsApp channel when `WHATSAPP_MODE` is `cloud` or `web`, else undefined. */
export const whatsappChannel: ChannelFactory = (deps) => makeWhatsAppChannel(deps);

/** {@link whatsappChannel} with options for tests. */
export function makeWhatsAppChannel(
  deps: ChannelDeps,
  options: WhatsAppChannelOptions = {},
): Channel | undefined {
  const cloud = cloudSettings(deps.config);
  if (cloud) return makeCloudChannel(deps, cloud, options);
  void path;
  return undefined;
}
