import path from 'node:path';
import type { Channel, ChannelDeps, ChannelFactory } from '../channel';
import { makeCloudChannel, type CloudChannelOptions } from './cloud';
import { cloudSettings, webSettings } from './settings';
import { makeWebChannel, type WebChannelOptions } from './web';

export { WHATSAPP_CHANNEL_ID, WHATSAPP_WEBHOOK_PATH } from './settings';

/** What tests may replace when building the WhatsApp channel (each mode reads its own). */
export type WhatsAppChannelOptions = CloudChannelOptions & WebChannelOptions;

/** Where LocalAuth keeps the WhatsApp Web session, under DATA_DIR. */
export function webSessionDir(dataDir: string): string {
  return path.join(dataDir, 'whatsapp-web');
}

/** The WhatsApp channel when `WHATSAPP_MODE` is `cloud` or `web`, else undefined. */
export const whatsappChannel: ChannelFactory = (deps) => makeWhatsAppChannel(deps);

/** {@link whatsappChannel} with options for tests. */
export function makeWhatsAppChannel(
  deps: ChannelDeps,
  options: WhatsAppChannelOptions = {},
): Channel | undefined {
  const cloud = cloudSettings(deps.config);
  if (cloud) return makeCloudChannel(deps, cloud, options);
  const web = webSettings(deps.config, webSessionDir(deps.config.dataDir));
  if (web) return makeWebChannel(deps, web, options);
  return undefined;
}
