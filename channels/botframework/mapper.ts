import type { Activity } from 'botbuilder';
import { outgoingSender } from '../messageParts';
import { publicChannelData } from '../outgoing';

/**
 * Fields of the Bot Framework Activity schema a bot may send to a connector. Anything else a
 * dialog or middleware put on an outgoing activity stays in the process.
 */
const CONNECTOR_FIELDS = [
  'type',
  'id',
  'timestamp',
  'localTimestamp',
  'localTimezone',
  'serviceUrl',
  'channelId',
  'from',
  'conversation',
  'recipient',
  'textFormat',
  'attachmentLayout',
  'membersAdded',
  'membersRemoved',
  'reactionsAdded',
  'reactionsRemoved',
  'topicName',
  'historyDisclosed',
  'locale',
  'text',
  'speak',
  'inputHint',
  'summary',
  'suggestedActions',
  'attachments',
  'entities',
  'action',
  'replyToId',
  'label',
  'valueType',
  'value',
  'name',
  'relatesTo',
  'code',
  'expiration',
  'importance',
  'deliveryMode',
  'listenFor',
  'textHighlights',
  'semanticAction',
  'callerId',
] as const satisfies readonly (keyof Activity)[];

/** An outgoing activity as the connector receives it: schema fields only, no internal channel data. */
export function toConnector(activity: Partial<Activity>): Partial<Activity> {
  const sent: Partial<Activity> = {};
  for (const field of CONNECTOR_FIELDS) {
    if (activity[field] !== undefined) (sent as Record<string, unknown>)[field] = activity[field];
  }
  const channelData = publicChannelData(activity.channelData);
  if (channelData !== undefined) sent.channelData = channelData;
  // NOTE: the connector only accepts the bot as `from`, so the sender is named in the text.
  const sender = outgoingSender(activity);
  if (sender) sent.text = sender.signedText;
  return sent;
}
