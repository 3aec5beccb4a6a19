/**
 * Pure mapping between the Cloud API and Bot Framework: a webhook message becomes an activity,
 * and an outgoing activity's parts become Graph API message objects, within Meta's limits.
 */
import { ActivityTypes, type Activity } from 'botbuilder';
import type { WhatsAppTemplate } from '../../../bot/config';
import { localeForPhone } from '../phoneLocale';
import { numberedText, splitText, type Choice, type MessageParts } from '../outgoing';
import { WHATSAPP_CHANNEL_ID } from '../settings';
import type { InboundMessage } from './notification';

/** Meta's limits on what the bot sends (Cloud API reference, "Messages"). */
export const LIMITS = {
  textBody: 4096,
  interactiveBody: 1024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  listRows: 10,
  rowTitle: 24,
  rowId: 200,
  listButton: 20,
  templateParameter: 1024,
} as const;

/** Kinds of messages the bot cannot read, as the agent's transcript names them. */
const UNREADABLE = new Set([
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'reaction',
  'unsupported',
  'order',
]);

/** What one webhook message means for the channel. */
export type InboundMessageMeaning =
  /** Run a turn on `activity`; the "I can only read text" notice first when `textOnly`. */
  | { kind: 'turn'; activity: Partial<Activity>; textOnly: boolean; fromChoice: boolean }
  | { kind: 'ignored'; reason: string };

export interface InboundContext {
  phoneNumberId: string;
  /** The customer's profile name, from the notification's `contacts`. */
  profileName: string | undefined;
  /** Given to activities as their `serviceUrl` (the Graph API root; never the token). */
  serviceUrl: string;
}

/** The customer's phone number in international form (`34600111222` → `+34600111222`). */
export function phoneOf(waId: string): string {
  return `+${waId.replace(/^\+/, '')}`;
}

/** What a webhook message means: text, a chosen button or row, or something the bot cannot read. */
export function mapInboundMessage(message: InboundMessage, context: InboundContext): InboundMessageMeaning {
  if (message.type === 'system' || message.type === 'ephemeral')
    return { kind: 'ignored', reason: `${message.type} message` };
  const seconds = Number(message.timestamp);
  const base: Partial<Activity> = {
    type: ActivityTypes.Message,
    id: message.id,
    channelId: WHATSAPP_CHANNEL_ID,
    serviceUrl: context.serviceUrl,
    timestamp: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date(),
    // The WhatsApp profile name; never the phone number, which agents see only where needed.
    from: { id: `wa:${message.from}`, name: context.profileName ?? '', role: 'user' },
    recipient: { id: `wa:${context.phoneNumberId}`, name: 'Switchboard', role: 'bot' },
    conversation: { id: message.from, isGroup: false, conversationType: 'personal', name: '' },
    locale: localeForPhone(message.from),
  };
  const chosen =
    message.interactive?.button_reply?.id ??
    message.interactive?.list_reply?.id ??
    message.button?.payload ??
    message.button?.text;
  if (chosen !== undefined) {
    // What Web Chat sends when a suggested action is pressed: the value as the customer's text.
    return { kind: 'turn', activity: { ...base, text: chosen }, textOnly: false, fromChoice: true };
  }
  if (message.type === 'text' && message.text) {
    return {
      kind: 'turn',
      activity: { ...base, text: message.text.body },
      textOnly: false,
      fromChoice: false,
    };
  }
  const caption = message.image?.caption ?? message.video?.caption ?? message.document?.caption ?? '';
  const kind = UNREADABLE.has(message.type) ? message.type : 'unsupported';
  return {
    kind: 'turn',
    activity: {
      ...base,
      // A caption is text the customer wrote: the bot reads it, the notice says the rest was not seen.
      text: caption,
      // Named only, so the agent's transcript shows "[image]"; the media is never downloaded.
      attachments: [{ contentType: 'application/vnd.whatsapp.unreadable', name: kind }],
    },
    textOnly: true,
    fromChoice: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Outgoing

/** One Graph API message object, without `messaging_product` (the client adds it). */
export type GraphMessage = Record<string, unknown> & { to: string; type: string };

/** A document to upload and then send. */
export interface DocumentSend {
  kind: 'document';
  document: MessageParts['documents'][number];
}

/** What one outgoing activity becomes, in order. */
export type OutgoingStep = { kind: 'message'; message: GraphMessage; offered?: Choice[] } | DocumentSend;

const fits = (choices: readonly Choice[], max: number, title: number, id: number): boolean =>
  choices.length <= max &&
  choices.every((choice) => [...choice.title].length <= title && [...choice.value].length <= id);

/**
 * The steps that show `parts` to `to`: the text (split when long), with the choices as reply
 * buttons (up to 3, titles up to 20 characters) or a list (up to 10 rows, titles up to 24),
 * else as a numbered list the customer answers by number or title (`offered`); then each file.
 * @param listButton the localized label of the button that opens a list.
 */
export function renderParts(parts: MessageParts, to: string, listButton: string): OutgoingStep[] {
  const { text, choices } = parts;
  const steps: OutgoingStep[] = [];
  const textMessage = (body: string): OutgoingStep => ({
    kind: 'message',
    message: { to, type: 'text', text: { body, preview_url: false } },
  });
  const interactiveFits = choices.length > 0 && text !== '' && [...text].length <= LIMITS.interactiveBody;
  if (interactiveFits && fits(choices, LIMITS.buttons, LIMITS.buttonTitle, LIMITS.buttonId)) {
    steps.push({
      kind: 'message',
      message: {
        to,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text },
          action: {
            buttons: choices.map((choice) => ({
              type: 'reply',
              reply: { id: choice.value, title: choice.title },
            })),
          },
        },
      },
    });
  } else if (interactiveFits && fits(choices, LIMITS.listRows, LIMITS.rowTitle, LIMITS.rowId)) {
    steps.push({
      kind: 'message',
      message: {
        to,
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text },
          action: {
            button: [...listButton].slice(0, LIMITS.listButton).join(''),
            sections: [{ rows: choices.map((choice) => ({ id: choice.value, title: choice.title })) }],
          },
        },
      },
    });
  } else {
    const body = numberedText(text, choices);
    const pieces = body === '' ? [] : splitText(body, LIMITS.textBody);
    pieces.forEach((piece) => steps.push(textMessage(piece)));
    const last = steps.at(-1);
    if (choices.length > 0 && last?.kind === 'message') last.offered = [...choices];
  }
  for (const document of parts.documents) steps.push({ kind: 'document', document });
  return steps;
}

/** A document message for an uploaded file. */
export function documentMessage(to: string, mediaId: string, fileName: string): GraphMessage {
  return { to, type: 'document', document: { id: mediaId, filename: fileName } };
}

/**
 * A template parameter as Meta accepts it: no new lines or tabs, no more than four spaces in a
 * row (error 132018), at most {@link LIMITS.templateParameter} characters.
 */
export function templateParameter(text: string): string {
  const flat = text
    .replace(/\s*\n\s*/g, ' · ')
    .replace(/\t/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  const characters = [...flat];
  return characters.length <= LIMITS.templateParameter
    ? flat
    : `${characters.slice(0, LIMITS.templateParameter - 1).join('')}…`;
}

/**
 * A template message carrying `text` as its one body parameter (`{{1}}`): how an approved
 * template says what the bot would have said, outside the 24-hour window.
 */
export function templateMessage(to: string, template: WhatsAppTemplate, text: string): GraphMessage {
  return {
    to,
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.language },
      components: [{ type: 'body', parameters: [{ type: 'text', text: templateParameter(text) }] }],
    },
  };
}
