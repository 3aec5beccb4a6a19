/**
 * The part of a Telegram Bot API `Update` the channel reads, as a zod schema: webhook bodies and
 * `getUpdates` results are parsed with it, so the mapper sees only checked fields and nothing
 * else of what Telegram (or whoever posts to the webhook) sent.
 */
import { z } from 'zod';

const user = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().max(35).optional(),
});

const chat = z.object({
  id: z.number().int(),
  type: z.enum(['private', 'group', 'supergroup', 'channel']),
  title: z.string().optional(),
});

const entity = z.object({
  type: z.string(),
  offset: z.number().int().min(0),
  length: z.number().int().min(0),
});

/** Kinds of content the bot cannot read; each is answered with a notice. */
export const UNREADABLE_KINDS = [
  'photo',
  'document',
  'voice',
  'audio',
  'video',
  'video_note',
  'animation',
  'sticker',
  'location',
  'venue',
  'contact',
  'poll',
  'dice',
] as const;
export type UnreadableKind = (typeof UNREADABLE_KINDS)[number];

const message = z.object({
  message_id: z.number().int(),
  date: z.number().int(),
  chat,
  from: user.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(entity).optional(),
  // Only whether they are present matters: their content is never read.
  photo: z.unknown().optional(),
  document: z.unknown().optional(),
  voice: z.unknown().optional(),
  audio: z.unknown().optional(),
  video: z.unknown().optional(),
  video_note: z.unknown().optional(),
  animation: z.unknown().optional(),
  sticker: z.unknown().optional(),
  location: z.unknown().optional(),
  venue: z.unknown().optional(),
  contact: z.unknown().optional(),
  poll: z.unknown().optional(),
  dice: z.unknown().optional(),
});

const callbackQuery = z.object({
  id: z.string().min(1),
  from: user,
  message: z.object({ message_id: z.number().int(), chat }).optional(),
  data: z.string().optional(),
});

const chatMemberUpdated = z.object({
  chat,
  from: user,
  new_chat_member: z.object({ status: z.string() }),
});

/** One update as the channel reads it. */
export const telegramUpdateSchema = z.object({
  update_id: z.number().int().min(0),
  message: message.optional(),
  edited_message: message.optional(),
  callback_query: callbackQuery.optional(),
  my_chat_member: chatMemberUpdated.optional(),
});

export type TelegramUpdate = z.infer<typeof telegramUpdateSchema>;
export type TelegramMessage = NonNullable<TelegramUpdate['message']>;
export type TelegramUser = z.infer<typeof user>;
export type TelegramChat = z.infer<typeof chat>;

/** Update types the bot asks for (`allowed_updates`); others are not sent to it. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

/** The checked update, or a sentence saying what is wrong with `body`. */
export function parseUpdate(body: unknown): { update: TelegramUpdate } | { problem: string } {
  const result = telegramUpdateSchema.safeParse(body);
  if (result.success) return { update: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'the body';
  return { problem: `${where}: ${issue?.message ?? 'not a Telegram update'}` };
}
