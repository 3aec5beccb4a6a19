/**
 * Pure mapping between whatsapp-web.js and Bot Framework: a message becomes an activity, and an
 * outgoing activity's parts become what `sendMessage` sends (WhatsApp Web has no buttons: the
 * choices become a numbered list answered by number or title).
 */
import { ActivityTypes, type Activity } from 'botbuilder';
import { localeForPhone } from '../phoneLocale';
import { numberedText, splitText, type Choice, type MessageParts, type OutgoingDocument } from '../outgoing';
import { WHATSAPP_CHANNEL_ID } from '../settings';
import type { WebMessage } from './client';

/** WhatsApp's limit on one text message (longer ones are split). */
export const MAX_TEXT = 4096;

/** Message types that are bookkeeping of WhatsApp itself, not something a customer wrote. */
const SYSTEM_TYPES = new Set([
  'e2e_notification',
  'notification',
  'notification_template',
  'gp2',
  'protocol',
  'revoked',
  'call_log',
  'ciphertext',
  'broadcast_notification',
]);

export type WebInbound =
  | { kind: 'turn'; chatId: string; activity: Partial<Activity>; textOnly: boolean }
  | { kind: 'ignored'; reason: string };

/** The phone number a `…@c.us` id stands for; other ids (`@lid`, groups) prove no number. */
export function phoneOfChatId(id: string): string | undefined {
  const match = /^(\d{6,15})@c\.us$/.exec(id);
  return match ? `+${match[1]}` : undefined;
}

/** What a whatsapp-web.js message means for the channel. */
export function mapWebMessage(message: WebMessage, options: { allowGroups: boolean }): WebInbound {
  // NOTE: `message` fires for incoming messages only; `fromMe` is checked anyway, since
  // answering the bot's own messages would loop.
  if (message.fromMe) return { kind: 'ignored', reason: 'own message' };
  if (message.isStatus || message.from === 'status@broadcast')
    return { kind: 'ignored', reason: 'status update' };
  if (/@(broadcast|newsletter)$/.test(message.from))
    return { kind: 'ignored', reason: 'broadcast or channel' };
  const isGroup = message.from.endsWith('@g.us');
  if (isGroup && !options.allowGroups)
    return { kind: 'ignored', reason: 'group chats are not served (WHATSAPP_WEB_ALLOW_GROUPS)' };
  if (SYSTEM_TYPES.has(message.type)) return { kind: 'ignored', reason: `${message.type} message` };
  const sender = isGroup ? (message.author ?? message.from) : message.from;
  const phone = phoneOfChatId(sender);
  const activity: Partial<Activity> = {
    type: ActivityTypes.Message,
    id: message.id._serialized,
    channelId: WHATSAPP_CHANNEL_ID,
    timestamp: message.timestamp > 0 ? new Date(message.timestamp * 1000) : new Date(),
    from: { id: `wa:${sender}`, name: phone ?? sender, role: 'user' },
    recipient: { id: 'wa:me', name: 'Switchboard', role: 'bot' },
    conversation: { id: message.from, isGroup, conversationType: isGroup ? 'group' : 'personal', name: '' },
    locale: phone ? localeForPhone(phone) : undefined,
  };
  if (message.type === 'chat')
    return {
      kind: 'turn',
      chatId: message.from,
      activity: { ...activity, text: message.body },
      textOnly: false,
    };
  return {
    kind: 'turn',
    chatId: message.from,
    activity: {
      ...activity,
      // For media, whatsapp-web.js puts the caption in `body`: text the customer wrote.
      text:
        message.type === 'image' || message.type === 'video' || message.type === 'document'
          ? message.body
          : '',
      attachments: [{ contentType: 'application/vnd.whatsapp.unreadable', name: message.type }],
    },
    textOnly: true,
  };
}

/** What one outgoing activity becomes on WhatsApp Web, in order. */
export type WebSend =
  { kind: 'text'; text: string; offered?: Choice[] } | { kind: 'document'; document: OutgoingDocument };

/** The texts (choices numbered, split when long) and documents that show `parts`. */
export function renderWebParts(parts: MessageParts): WebSend[] {
  const body = numberedText(parts.text, parts.choices);
  const sends: WebSend[] =
    body === '' ? [] : splitText(body, MAX_TEXT).map((text) => ({ kind: 'text', text }));
  const last = sends.at(-1);
  if (parts.choices.length > 0 && last?.kind === 'text') last.offered = [...parts.choices];
  for (const document of parts.documents) sends.push({ kind: 'document', document });
  return sends;
}
