/**
 * Pure mapping between Telegram and Bot Framework: an update becomes (at most) one activity, and
 * an outgoing activity becomes the Bot API calls that show it. Outgoing payloads are built from
 * an allow-list of activity fields; nothing of `channelData` ever reaches Telegram.
 */
import { ActivityTypes, type Activity, type CardAction } from 'botbuilder';
import { actionText, activityParts, type OutgoingDocument } from '../messageParts';
import { TELEGRAM_CHANNEL_ID } from './settings';
import {
  UNREADABLE_KINDS,
  type TelegramChat,
  type TelegramMessage,
  type TelegramUpdate,
  type TelegramUser,
  type UnreadableKind,
} from './update';

/** Telegram's limit on the text of one message. */
export const MAX_MESSAGE_LENGTH = 4096;

/** The bot's own account, from `getMe`. */
export interface BotIdentity {
  id: number;
  username: string;
  name: string;
}

/** Commands the bot registers with `setMyCommands`; each maps to a word the recognizer knows. */
export const COMMANDS = ['start', 'help', 'agent', 'language'] as const;
export type Command = (typeof COMMANDS)[number];
/** The commands that stand for a word the customer could have typed. */
export type WordCommand = Exclude<Command, 'start'>;

/** What the mapper needs besides the update. */
export interface InboundContext {
  bot: BotIdentity;
  allowGroups: boolean;
  /** Given to activities as their `serviceUrl` (the Bot API root; never the token). */
  serviceUrl: string;
  /** The localized word a command stands for (`/help` → "help" or "ayuda"). */
  commandText: (command: WordCommand, languageCode: string | undefined) => string;
}

/** A notice the channel sends itself, in the turn's language, before the bot answers. */
export type ChannelNotice = 'textOnly' | 'editNotSeen';

/** What one update means for the channel. */
export type InboundUpdate =
  /** Run a turn on `activity`; `notice` first when set. */
  | { kind: 'turn'; chatId: string; activity: Partial<Activity>; notice?: ChannelNotice }
  /**
   * A button of an inline keyboard was pressed: answer the query, decode `data` into the
   * activity's text, then run the turn.
   */
  | { kind: 'choice'; chatId: string; queryId: string; data: string; activity: Partial<Activity> }
  /** A button pressed where the bot does not answer (a group, an old inline message): answer only. */
  | { kind: 'answerOnly'; queryId: string; reason: string }
  /** The customer blocked the bot (`blocked`) or started it again. */
  | { kind: 'membership'; chatId: string; blocked: boolean }
  | { kind: 'ignored'; reason: string };

/** The Switchboard user id of a Telegram user. */
export function customerId(user: Pick<TelegramUser, 'id'>): string {
  return `tg:${user.id}`;
}

function displayName(user: TelegramUser): string {
  return [user.first_name, user.last_name].filter(Boolean).join(' ') || user.username || customerId(user);
}

function isGroup(chat: TelegramChat): boolean {
  return chat.type === 'group' || chat.type === 'supergroup';
}

/** Why updates from `chat` are not served, if they are not. */
function unservedChat(chat: TelegramChat, allowGroups: boolean): string | undefined {
  if (chat.type === 'channel') return 'channel posts are not served';
  if (isGroup(chat) && !allowGroups) return 'group chats are not served (TELEGRAM_ALLOW_GROUPS)';
  return undefined;
}

function baseActivity(
  type: string,
  id: string,
  chat: TelegramChat,
  from: TelegramUser,
  date: number | undefined,
  updateId: number,
  context: InboundContext,
): Partial<Activity> {
  return {
    type,
    id,
    channelId: TELEGRAM_CHANNEL_ID,
    serviceUrl: context.serviceUrl,
    timestamp: date === undefined ? new Date() : new Date(date * 1000),
    from: { id: customerId(from), name: displayName(from), role: 'user' },
    recipient: { id: `tg:${context.bot.id}`, name: context.bot.name, role: 'bot' },
    conversation: {
      id: String(chat.id),
      isGroup: isGroup(chat),
      conversationType: chat.type,
      name: chat.title ?? '',
    },
    locale: from.language_code,
    channelData: { updateId },
  };
}

/** A leading `/command[@bot] [payload]`, when the message starts with a bot command entity. */
function leadingCommand(
  message: TelegramMessage,
): { name: string; bot?: string; payload: string } | undefined {
  const text = message.text ?? '';
  const entity = message.entities?.find((candidate) => candidate.type === 'bot_command');
  if (!entity || entity.offset !== 0) return undefined;
  const [name = '', bot] = text.slice(1, entity.length).split('@');
  return { name: name.toLowerCase(), bot, payload: text.slice(entity.length).trim() };
}

function unreadableKind(message: TelegramMessage): UnreadableKind | undefined {
  return UNREADABLE_KINDS.find((kind) => message[kind] !== undefined);
}

function mapMessage(
  update: TelegramUpdate,
  message: TelegramMessage,
  edited: boolean,
  context: InboundContext,
): InboundUpdate {
  const { chat, from } = message;
  if (!from) return { kind: 'ignored', reason: 'message without a sender' };
  if (from.is_bot) return { kind: 'ignored', reason: 'message from a bot' };
  const unserved = unservedChat(chat, context.allowGroups);
  if (unserved) return { kind: 'ignored', reason: unserved };
  const chatId = String(chat.id);
  const activityFor = (type: string): Partial<Activity> =>
    baseActivity(type, String(message.message_id), chat, from, message.date, update.update_id, context);

  if (edited) {
    // NOTE: Bot Framework's own type for an edit; the bot does not act on it, the notice explains.
    return {
      kind: 'turn',
      chatId,
      activity: { ...activityFor(ActivityTypes.MessageUpdate), text: message.text ?? message.caption ?? '' },
      notice: 'editNotSeen',
    };
  }
  if (message.text !== undefined) {
    const command = leadingCommand(message);
    if (command?.bot !== undefined && command.bot.toLowerCase() !== context.bot.username.toLowerCase()) {
      return { kind: 'ignored', reason: 'command for another bot' };
    }
    const activity = activityFor(ActivityTypes.Message);
    switch (command?.name) {
      case 'start':
        // An empty message: the bot greets (once per conversation) and shows the menu, or asks its
        // current question again. The deep-link payload travels along for the bot to use.
        return {
          kind: 'turn',
          chatId,
          activity: {
            ...activity,
            text: '',
            value: command.payload ? { startPayload: command.payload } : undefined,
          },
        };
      case 'help':
      case 'agent':
      case 'language':
        return {
          kind: 'turn',
          chatId,
          activity: { ...activity, text: context.commandText(command.name, from.language_code) },
        };
      default:
        return { kind: 'turn', chatId, activity: { ...activity, text: message.text } };
    }
  }
  const kind = unreadableKind(message);
  if (!kind) return { kind: 'ignored', reason: 'service message' };
  return {
    kind: 'turn',
    chatId,
    activity: {
      ...activityFor(ActivityTypes.Message),
      // A caption is text the customer wrote: the bot reads it, the notice says the rest was not seen.
      text: message.caption ?? '',
      // Named only, so the agent's transcript shows "[photo]"; the content is never fetched.
      attachments: [{ contentType: 'application/vnd.telegram.unreadable', name: kind }],
    },
    notice: 'textOnly',
  };
}

/** What an update means for the channel; pure, and total over every checked update. */
export function mapUpdate(update: TelegramUpdate, context: InboundContext): InboundUpdate {
  if (update.message) return mapMessage(update, update.message, false, context);
  if (update.edited_message) return mapMessage(update, update.edited_message, true, context);
  const query = update.callback_query;
  if (query) {
    if (!query.message)
      return { kind: 'answerOnly', queryId: query.id, reason: 'button of an inline message' };
    if (query.from.is_bot)
      return { kind: 'answerOnly', queryId: query.id, reason: 'button pressed by a bot' };
    const unserved = unservedChat(query.message.chat, context.allowGroups);
    if (unserved) return { kind: 'answerOnly', queryId: query.id, reason: unserved };
    if (query.data === undefined) return { kind: 'answerOnly', queryId: query.id, reason: 'game button' };
    return {
      kind: 'choice',
      chatId: String(query.message.chat.id),
      queryId: query.id,
      data: query.data,
      activity: baseActivity(
        ActivityTypes.Message,
        `cb:${query.id}`,
        query.message.chat,
        query.from,
        undefined,
        update.update_id,
        context,
      ),
    };
  }
  const member = update.my_chat_member;
  if (member && member.chat.type === 'private') {
    return {
      kind: 'membership',
      chatId: String(member.chat.id),
      blocked: member.new_chat_member.status === 'kicked',
    };
  }
  return { kind: 'ignored', reason: 'update type not served' };
}

// ---------------------------------------------------------------------------------------------
// Outgoing

/** One button of an inline keyboard, as sent to the Bot API. */
export type InlineButton = { text: string; callback_data: string } | { text: string; url: string };

export interface InlineKeyboard {
  inline_keyboard: InlineButton[][];
}

/** One Bot API call that shows (part of) an activity. */
export type BotApiCall =
  | { method: 'sendMessage'; chat_id: string; text: string; reply_markup?: InlineKeyboard }
  | { method: 'sendDocument'; chat_id: string; document: OutgoingDocument; reply_markup?: InlineKeyboard }
  | { method: 'sendChatAction'; chat_id: string; action: 'typing' };

/** Encodes a button's value into `callback_data` (at most 64 bytes). */
export type ChoiceEncoder = (value: string) => string;

/** Buttons whose labels together stay under this many characters share a row. */
const ROW_CHARACTERS = 24;
const ROW_BUTTONS = 4;

function toButton(action: CardAction, encode: ChoiceEncoder): InlineButton {
  const label = action.title || (typeof action.value === 'string' ? action.value : '') || action.text || '';
  if (action.type === 'openUrl' && typeof action.value === 'string' && /^(https?|tg):/i.test(action.value)) {
    return { text: label || action.value, url: action.value };
  }
  const text = actionText(action);
  if (text === undefined || text === '') {
    throw new Error(`renderActivity(): a "${action.type}" button has no Telegram equivalent`);
  }
  return { text: label || text, callback_data: encode(text) };
}

/** Short buttons side by side (1 2 3 4 5, Yes No), long ones one per row. */
function layOut(buttons: InlineButton[]): InlineButton[][] {
  const rows: InlineButton[][] = [];
  let row: InlineButton[] = [];
  let width = 0;
  for (const button of buttons) {
    const length = [...button.text].length;
    if (row.length > 0 && (width + length > ROW_CHARACTERS || row.length >= ROW_BUTTONS)) {
      rows.push(row);
      row = [];
      width = 0;
    }
    row.push(button);
    width += length;
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

/** A card's text parts, and its buttons. */

/**
 * Cuts `text` into messages of at most `max` UTF-16 units (Telegram counts that way), preferring
 * a paragraph break, then a line break, then the end of a sentence, then a space; a word longer
 * than a whole message is cut where it must be, never inside a surrogate pair.
 */
export function splitText(text: string, max = MAX_MESSAGE_LENGTH): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const cut =
      lastBreak(window, /\n\s*\n/g) ??
      lastBreak(window, /\n/g) ??
      lastBreak(window, /[.!?。！？…](?=\s)/g, 1) ??
      lastBreak(window, /\s/g) ??
      hardCut(rest, max);
    const part = rest.slice(0, cut).trimEnd();
    if (part) parts.push(part);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim() !== '' || parts.length === 0) parts.push(rest);
  return parts;
}

/** Index after which to cut at the last match of `pattern` (plus `keep` characters of it), if any. */
function lastBreak(window: string, pattern: RegExp, keep = 0): number | undefined {
  let cut: number | undefined;
  for (const match of window.matchAll(pattern)) {
    const at = match.index + keep;
    // A cut at 0 would make no progress; the cut must leave a part of at most max-1+1 units.
    if (at > 0 && at < window.length) cut = at;
  }
  return cut;
}

function hardCut(text: string, max: number): number {
  const code = text.charCodeAt(max - 1);
  // A high surrogate at the end would split a character in two.
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

/**
 * The Bot API calls that show `activity` in chat `chatId`, in order: the text (split when long),
 * then each file as a document; the keyboard of its suggested actions and cards goes on the last
 * call. Only `type`, `text`, `suggestedActions` and `attachments` (files and hero/thumbnail
 * cards) are read.
 * @throws when the activity holds something Telegram cannot show (an adaptive card, a button kind).
 */
export function renderActivity(
  activity: Partial<Activity>,
  chatId: string,
  encode: ChoiceEncoder,
): BotApiCall[] {
  if (activity.type === ActivityTypes.Typing)
    return [{ method: 'sendChatAction', chat_id: chatId, action: 'typing' }];
  if (activity.type !== undefined && activity.type !== ActivityTypes.Message) return [];

  const { texts, actions, documents } = activityParts(activity, 'renderActivity()', 'Telegram');

  const calls: BotApiCall[] = splitText(texts.join('\n\n'))
    .filter((part) => part !== '')
    .map((text) => ({ method: 'sendMessage', chat_id: chatId, text }));
  for (const document of documents) calls.push({ method: 'sendDocument', chat_id: chatId, document });
  if (actions.length > 0) {
    const last = calls.at(-1);
    if (!last || last.method === 'sendChatAction') {
      throw new Error('renderActivity(): buttons need a text or a file to go with on Telegram');
    }
    last.reply_markup = { inline_keyboard: layOut(actions.map((action) => toButton(action, encode))) };
  }
  return calls;
}
