import { ActivityTypes, type Activity, type ChannelAccount, type ConversationAccount } from 'botbuilder';
import { outgoingSender } from '../messageParts';
import { publicChannelData } from '../outgoing';

/** The channel id Switchboard's own Direct Line endpoint uses, as Azure's Direct Line does. */
export const DIRECT_LINE_CHANNEL_ID = 'directline';

/** Where and as whom an activity is being placed into a conversation. */
export interface DirectLineParticipants {
  conversationId: string;
  userId: string;
  userName?: string;
  botId: string;
  botName: string;
  /** Base URL of this server, given to the bot as `serviceUrl`. */
  serviceUrl: string;
}

/** Fields a client may set on an activity it posts; everything else is set by the server. */
const CLIENT_FIELDS = [
  'type',
  'text',
  'textFormat',
  'locale',
  'attachments',
  'attachmentLayout',
  'channelData',
  'value',
  'name',
  'entities',
  'speak',
  'inputHint',
  'localTimestamp',
  'localTimezone',
] as const;

/** The `clientActivityID` Web Chat puts in `channelData` to match its pending message with the echo. */
export function clientActivityIdOf(activity: Partial<Activity>): string | undefined {
  const value = (activity.channelData as { clientActivityID?: unknown } | undefined)?.clientActivityID;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function user(participants: DirectLineParticipants): ChannelAccount {
  return { id: participants.userId, name: participants.userName ?? '', role: 'user' };
}

function bot(participants: DirectLineParticipants): ChannelAccount {
  return { id: participants.botId, name: participants.botName, role: 'bot' };
}

function conversation(participants: DirectLineParticipants): ConversationAccount {
  return { id: participants.conversationId } as ConversationAccount;
}

/**
 * A client's posted activity as the bot receives it and as it is echoed back to the client:
 * the server's id and ISO timestamp, `from.role` user, and `channelData.clientActivityID` kept
 * (without the echo Web Chat shows "send failed").
 */
export function fromClient(
  posted: Partial<Activity>,
  participants: DirectLineParticipants,
  id: string,
  now: Date,
): Activity {
  const activity: Partial<Activity> = {};
  for (const field of CLIENT_FIELDS) {
    if (posted[field] !== undefined) (activity as Record<string, unknown>)[field] = posted[field];
  }
  return {
    ...activity,
    type: posted.type ?? ActivityTypes.Message,
    id,
    timestamp: now,
    channelId: DIRECT_LINE_CHANNEL_ID,
    serviceUrl: participants.serviceUrl,
    conversation: conversation(participants),
    // NOTE: the name a page posts is not the customer's word for it (any script may set it);
    // only a name the shop vouched for in the token reaches the agents.
    from: user(participants),
    recipient: bot(participants),
  } as Activity;
}

/**
 * A bot reply as the client receives it: the server's id and timestamp, `from.role` bot, and
 * none of Switchboard's internal channel data (such as which agent wrote it).
 */
export function fromBot(
  reply: Partial<Activity>,
  participants: DirectLineParticipants,
  id: string,
  now: Date,
): Activity {
  const rest: Partial<Activity> = { ...reply };
  delete rest.serviceUrl;
  delete rest.deliveryMode;
  delete rest.channelData;
  const shown = publicChannelData(reply.channelData);
  // Web Chat shows who wrote each message: an agent's reply comes from the agent, not the bot.
  const sender = outgoingSender(reply);
  return {
    ...rest,
    ...(shown === undefined ? {} : { channelData: shown }),
    type: reply.type ?? ActivityTypes.Message,
    id,
    timestamp: now,
    channelId: DIRECT_LINE_CHANNEL_ID,
    conversation: conversation(participants),
    from: sender ? { id: sender.id, name: sender.name, role: 'bot' } : bot(participants),
    recipient: user(participants),
  } as Activity;
}

/** The conversationUpdate the bot gets when a conversation starts (bot and customer joined). */
export function conversationStarted(
  participants: DirectLineParticipants,
  locale: string | undefined,
  now: Date,
): Activity {
  return {
    type: ActivityTypes.ConversationUpdate,
    id: `${participants.conversationId}|start`,
    timestamp: now,
    channelId: DIRECT_LINE_CHANNEL_ID,
    serviceUrl: participants.serviceUrl,
    conversation: conversation(participants),
    from: user(participants),
    recipient: bot(participants),
    membersAdded: [bot(participants), user(participants)],
    locale,
  } as Activity;
}
