import { botFrameworkChannel } from './botframework';
import type { ChannelFactory } from './channel';
import { telegramChannel } from './telegram';
import { webChannel } from './web';
import { whatsappChannel } from './whatsapp';

export type {
  Channel,
  ChannelDeps,
  ChannelFactory,
  ConversationGone,
  DeliveryReport,
  TurnLogic,
} from './channel';

/**
 * Every channel Switchboard has, in the order the server asks them whether they serve a
 * conversation's channel id. The Bot Framework channel serves every id the others do not
 * claim, so it stays last.
 */
export const CHANNELS: readonly ChannelFactory[] = [
  webChannel,
  telegramChannel,
  whatsappChannel,
  botFrameworkChannel,
];
