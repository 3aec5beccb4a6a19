/**
 * What a channel's mapper reads out of an outgoing message activity before it renders it its
 * own way: the texts (the activity's and its cards'), the buttons, and the files to send.
 */
import type { Activity, Attachment, CardAction } from 'botbuilder';

/** A file to send as a document: where its bytes are and what to call it. */
export interface OutgoingDocument {
  /** `http(s):` or `data:` URL of the bytes. */
  url: string;
  fileName: string;
  contentType: string | undefined;
}

/** An outgoing message activity taken apart, in the order it shows. */
export interface ActivityParts {
  texts: string[];
  actions: CardAction[];
  documents: OutgoingDocument[];
}

/**
 * Who wrote an outgoing message when it was not the bot (an agent's reply), as the handoff
 * desk puts it in `channelData.switchboardSender`. Channels that show a sender per message
 * (web chat) show `name`; the others send `signedText`, the text with the sender's name in
 * front, already in the customer's language.
 */
export interface OutgoingSender {
  /** Stable id of the sender, distinct from the bot's (`agent:<id>`). */
  id: string;
  /** Display name. */
  name: string;
  /** The message with the sender in front, for channels without per-message senders. */
  signedText: string;
}

/** Where the sender travels in an outgoing activity's (internal, never forwarded) channel data. */
export const SENDER_CHANNEL_DATA_KEY = 'switchboardSender';

/** The person who wrote an outgoing message, when it was not the bot. */
export function outgoingSender(activity: Partial<Activity>): OutgoingSender | undefined {
  const sender = (activity.channelData as Record<string, unknown> | undefined)?.[SENDER_CHANNEL_DATA_KEY] as
    Partial<OutgoingSender> | undefined;
  if (
    typeof sender?.id !== 'string' ||
    typeof sender.name !== 'string' ||
    typeof sender.signedText !== 'string'
  )
    return undefined;
  return { id: sender.id, name: sender.name, signedText: sender.signedText };
}

const HERO_CARD = 'application/vnd.microsoft.card.hero';
const THUMBNAIL_CARD = 'application/vnd.microsoft.card.thumbnail';

/** The text a button sends when pressed, as Web Chat would send it; undefined for a link. */
export function actionText(action: CardAction): string | undefined {
  switch (action.type) {
    case 'imBack':
    case 'postBack':
      return typeof action.value === 'string' ? action.value : action.title;
    case 'messageBack':
      return action.text ?? action.displayText ?? action.title;
    default:
      return undefined;
  }
}

function cardParts(attachment: Attachment): { text: string[]; buttons: CardAction[] } {
  const card = (attachment.content ?? {}) as {
    title?: unknown;
    subtitle?: unknown;
    text?: unknown;
    buttons?: unknown;
  };
  const text = [card.title, card.subtitle, card.text].filter(
    (part): part is string => typeof part === 'string' && part !== '',
  );
  return { text, buttons: Array.isArray(card.buttons) ? (card.buttons as CardAction[]) : [] };
}

/**
 * The texts, buttons and files of a message activity: hero and thumbnail cards become text and
 * buttons, attachments with a URL become documents.
 * @throws an error naming `where` and `channel` for an attachment the channel cannot show (an
 *   adaptive card).
 */
export function activityParts(activity: Partial<Activity>, where: string, channel: string): ActivityParts {
  // A channel without per-message senders shows who wrote it in the text.
  const text = outgoingSender(activity)?.signedText ?? activity.text;
  const texts: string[] = text ? [text] : [];
  const actions: CardAction[] = [...(activity.suggestedActions?.actions ?? [])];
  const documents: OutgoingDocument[] = [];
  for (const attachment of activity.attachments ?? []) {
    if (attachment.contentType === HERO_CARD || attachment.contentType === THUMBNAIL_CARD) {
      const card = cardParts(attachment);
      texts.push(...card.text);
      actions.push(...card.buttons);
    } else if (typeof attachment.contentUrl === 'string' && attachment.contentUrl !== '') {
      documents.push({
        url: attachment.contentUrl,
        fileName: attachment.name || 'file',
        contentType: attachment.contentType || undefined,
      });
    } else {
      throw new Error(
        `${where}: an attachment of type ${attachment.contentType} cannot be shown on ${channel}`,
      );
    }
  }
  return { texts, actions, documents };
}
