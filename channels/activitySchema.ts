/**
 * What an incoming activity must look like before any adapter, middleware or dialog sees it.
 * The bot reads these fields without checking their types (`locale.trim()`, `text` as a
 * string, `attachments.map`), so a wrong type must stop at the HTTP edge with a 400 that names
 * the field, never reach a turn. Unknown fields pass: Bot Framework activities carry many
 * (Teams `channelData`, `entities`, `semanticAction`, …) that are none of our business.
 */
import { z } from 'zod';

/**
 * Longest message text accepted. NOTE: every string is bounded: text is redacted, logged and
 * matched against patterns on every turn, and nothing a customer writes is this long.
 */
export const MAX_TEXT_LENGTH = 20_000;
/** Longest id, locale, URL or other short field accepted. */
export const MAX_FIELD_LENGTH = 2_048;

/** A required string that must not be empty (an id or a kind). */
const requiredText = z.string().min(1).max(MAX_FIELD_LENGTH);
const optionalText = z.string().max(MAX_FIELD_LENGTH).optional();
const optionalMessageText = z.string().max(MAX_TEXT_LENGTH).optional();

/** An account (`from`, `recipient`, a member added): its id is what state and routing key on. */
const account = z.looseObject({ id: requiredText, name: optionalText });

const attachment = z.looseObject({
  contentType: optionalText,
  contentUrl: optionalText,
  name: optionalText,
});

/**
 * Fields an activity may carry from any sender, typed when present.
 * NOTE: `value` and `channelData` accept anything: the body is parsed JSON, so they are JSON
 * by construction, and walking an arbitrarily deep value with a recursive schema could
 * overflow the stack on a crafted 256 KB body.
 */
const optionalFields = {
  id: optionalText,
  text: optionalMessageText,
  locale: optionalText,
  serviceUrl: optionalText,
  textFormat: optionalText,
  name: optionalText,
  speak: optionalMessageText,
  inputHint: optionalText,
  replyToId: optionalText,
  localTimezone: optionalText,
  attachments: z.array(attachment).optional(),
  entities: z.array(z.looseObject({})).optional(),
  membersAdded: z.array(account).optional(),
  membersRemoved: z.array(account).optional(),
  recipient: account.optional(),
  value: z.unknown().optional(),
  channelData: z.unknown().optional(),
};

/**
 * An activity posted to `POST /api/messages` by a Bot Framework channel (Azure Bot Service,
 * Teams, the Emulator): the channel names itself, the conversation and the sender.
 */
export const botFrameworkActivitySchema = z.looseObject({
  type: requiredText,
  channelId: requiredText,
  conversation: z.looseObject({ id: requiredText }),
  from: account,
  ...optionalFields,
});

/**
 * An activity a Direct Line client posts to its conversation. The server sets the channel,
 * conversation and sender itself (mapper.ts `fromClient`), so only `type` is required; what a
 * client may send is still typed, `from.name` included because it reaches the agent console.
 */
export const clientActivitySchema = z.looseObject({
  type: requiredText,
  ...optionalFields,
  from: z.looseObject({ id: optionalText, name: optionalText }).optional(),
});

const NOT_AN_OBJECT = 'the body must be a JSON object (an activity) sent as application/json';

/** `activity.attachments[0].contentType` for the path `['attachments', 0, 'contentType']`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) => (typeof key === 'number' ? `${name}[${key}]` : `${name}.${String(key)}`),
    'activity',
  );
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const KINDS: Record<string, string> = { string: 'a string', array: 'an array', object: 'an object' };

/** One zod issue as the sentence a client reads, naming the field. */
function describe(issue: z.core.$ZodIssue, body: unknown): string {
  if (issue.path.length === 0) return NOT_AN_OBJECT;
  const name = fieldName(issue.path);
  const value = valueAt(body, issue.path);
  if (value === undefined || (value === '' && issue.code === 'too_small')) return `${name} is required`;
  if (issue.code === 'invalid_type') return `${name} must be ${KINDS[issue.expected] ?? issue.expected}`;
  if (issue.code === 'too_big' && issue.origin === 'string') {
    return `${name} must be at most ${String(issue.maximum)} characters`;
  }
  return `${name} is not valid: ${issue.message}`;
}

/**
 * The first thing that makes `body` unusable as an activity of `schema`, as a message naming
 * the field (`activity.locale must be a string`), or undefined when it is usable.
 */
export function activitySchemaProblem(schema: z.ZodType, body: unknown): string | undefined {
  const result = schema.safeParse(body);
  if (result.success) return undefined;
  const first = result.error.issues[0];
  return first ? describe(first, body) : NOT_AN_OBJECT;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, min: number, max: number): boolean =>
  typeof value === 'string' && value.length >= min && value.length <= max;
const isAccount = (value: unknown): boolean =>
  isObject(value) &&
  isText(value.id, 1, MAX_FIELD_LENGTH) &&
  (value.name === undefined || isText(value.name, 0, MAX_FIELD_LENGTH));

/**
 * How {@link plainlyValidBotFrameworkActivity} checks each field of
 * {@link botFrameworkActivitySchema} when present; `zod` leaves the body to zod. Exported for
 * the test that keeps it to the schema's fields.
 */
export const BOT_FRAMEWORK_FIELD_CHECKS = {
  type: (value) => isText(value, 1, MAX_FIELD_LENGTH),
  channelId: (value) => isText(value, 1, MAX_FIELD_LENGTH),
  conversation: (value) => isObject(value) && isText(value.id, 1, MAX_FIELD_LENGTH),
  from: isAccount,
  recipient: (value) => value === undefined || isAccount(value),
  ...Object.fromEntries(
    ['id', 'locale', 'serviceUrl', 'textFormat', 'name', 'inputHint', 'replyToId', 'localTimezone'].map(
      (field) => [field, (value: unknown) => value === undefined || isText(value, 0, MAX_FIELD_LENGTH)],
    ),
  ),
  text: (value) => value === undefined || isText(value, 0, MAX_TEXT_LENGTH),
  speak: (value) => value === undefined || isText(value, 0, MAX_TEXT_LENGTH),
  // Arrays are rare in a message and have items of their own: zod checks them.
  attachments: (value) => value === undefined,
  entities: (value) => value === undefined,
  membersAdded: (value) => value === undefined,
  membersRemoved: (value) => value === undefined,
  value: () => true,
  channelData: () => true,
} satisfies Record<string, (value: unknown) => boolean> as Record<string, (value: unknown) => boolean>;

const REQUIRED_BOT_FRAMEWORK_FIELDS = ['type', 'channelId', 'conversation', 'from'];

/**
 * True only for a body {@link botFrameworkActivitySchema} accepts, checked by hand: the shape
 * of nearly every message (strings, the conversation, the sender). NOTE: zod stays the
 * definition: anything this is not sure of (every invalid body, arrays) goes to zod, which also
 * words the problem; zod's parse built a copy of every activity and was 1 % of a turn. A test
 * keeps the checks to the schema's fields and checks that nothing zod refuses passes here.
 */
export function plainlyValidBotFrameworkActivity(body: unknown): boolean {
  if (!isObject(body)) return false;
  for (const field of REQUIRED_BOT_FRAMEWORK_FIELDS) if (body[field] === undefined) return false;
  for (const field in body) {
    const check = Object.hasOwn(BOT_FRAMEWORK_FIELD_CHECKS, field)
      ? BOT_FRAMEWORK_FIELD_CHECKS[field]
      : undefined;
    if (check && !check(body[field])) return false;
  }
  return true;
}

/** The first problem of an activity posted to `POST /api/messages`, if any. */
export function botFrameworkActivityProblem(body: unknown): string | undefined {
  if (plainlyValidBotFrameworkActivity(body)) return undefined;
  return activitySchemaProblem(botFrameworkActivitySchema, body);
}

/** The first problem of an activity a Direct Line client posts or uploads, if any. */
export function clientActivityProblem(body: unknown): string | undefined {
  return activitySchemaProblem(clientActivitySchema, body);
}
