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

const IS_CONNECTOR_FIELD: ReadonlySet<string> = new Set(CONNECTOR_FIELDS);

/** An outgoing activity as the connector receives it: schema fields only, no internal channel data. */
export function toConnector(activity: Partial<Activity>): Partial<Activity> {
  const sent: Record<string, unknown> = {};
  // NOTE: the activity's own fields (about ten) are looked up in the schema's, not the schema's
  // forty-odd fields in the activity: this runs for every reply.
  for (const field of Object.keys(activity)) {
    const value = (activity as Record<string, unknown>)[field];
    if (value !== undefined && IS_CONNECTOR_FIELD.has(field)) sent[field] = value;
  }
  const channelData = publicChannelData(activity.channelData);
  if (channelData !== undefined) sent.channelData = channelData;
  // NOTE: the connector only accepts the bot as `from`, so the sender is named in the text.
  const sender = outgoingSender(activity);
  if (sender) sent.text = sender.signedText;
  return sent;
}
