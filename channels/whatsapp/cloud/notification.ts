/**
 * What Meta posts to the webhook (Graph API reference, "Webhooks: messages"), checked before
 * anything reads it. Unknown fields pass: Meta adds fields over time. Only what the channel
 * reads is typed.
 */
import { z } from 'zod';

const text = z.string();

const inboundMessage = z.looseObject({
  id: z.string().min(1),
  from: z.string().min(1),
  timestamp: z.string().optional(),
  type: z.string().min(1),
  text: z.looseObject({ body: text }).optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: text, title: text }).optional(),
      list_reply: z.looseObject({ id: text, title: text }).optional(),
    })
    .optional(),
  /** A quick-reply button of a template. */
  button: z.looseObject({ text: text.optional(), payload: text.optional() }).optional(),
  image: z.looseObject({ caption: text.optional() }).optional(),
  video: z.looseObject({ caption: text.optional() }).optional(),
  document: z.looseObject({ caption: text.optional() }).optional(),
});

const status = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: z.string().optional(),
  recipient_id: z.string().optional(),
  errors: z.array(z.looseObject({ code: z.number().optional(), title: text.optional() })).optional(),
});

const change = z.looseObject({
  field: z.string(),
  value: z.looseObject({
    messaging_product: z.string().optional(),
    metadata: z.looseObject({ phone_number_id: z.string() }).optional(),
    contacts: z
      .array(z.looseObject({ wa_id: z.string(), profile: z.looseObject({ name: text }).optional() }))
      .optional(),
    messages: z.array(inboundMessage).optional(),
    statuses: z.array(status).optional(),
  }),
});

/** A webhook notification body. */
export const notificationSchema = z.looseObject({
  object: z.string(),
  entry: z.array(z.looseObject({ id: z.string().optional(), changes: z.array(change) })),
});

export type Notification = z.infer<typeof notificationSchema>;
export type NotificationValue = z.infer<typeof change>['value'];
export type InboundMessage = z.infer<typeof inboundMessage>;
export type MessageStatus = z.infer<typeof status>;

/** The notification in `body`, or the first problem as a sentence naming the field. */
export function parseNotification(body: unknown): { notification: Notification } | { problem: string } {
  const result = notificationSchema.safeParse(body);
  if (result.success) return { notification: result.data };
  const issue = result.error.issues[0];
  const path =
    issue?.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('') ?? '';
  return { problem: `body${path}: ${issue?.message ?? 'not a webhook notification'}` };
}
