import { createHash } from 'node:crypto';

/** How an admin names the customer whose data is exported or erased. */
export type CustomerIdentity =
  | { kind: 'email'; email: string }
  | { kind: 'phone'; phone: string }
  | { kind: 'channelUser'; channelId: string; userId: string };

/**
 * Where one customer left data: conversations as turns are keyed (`channelId/conversationId`)
 * and channel users (`channelId/userId`). Every store finds its records from these.
 */
export interface CustomerFootprint {
  conversations: string[];
  users: string[];
}

/** What a store found: a footprint, possibly partial. */
export type FoundFootprint = Partial<CustomerFootprint>;

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/u;

/** The digits of a phone number (`+371 2000-0000` → `37120000000`), as WhatsApp ids are written. */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}

/**
 * Reads an identity from what an admin typed: an email, a phone number (at least 6 digits), or
 * `CHANNEL:ID` (the channel id before the first colon, the user id after it, e.g.
 * `telegram:tg:42`). Returns an error message instead when the value is not one.
 */
export function parseCustomerIdentity(given: {
  email?: unknown;
  phone?: unknown;
  channelUser?: unknown;
}): CustomerIdentity | string {
  const named = (['email', 'phone', 'channelUser'] as const).filter((name) => given[name] !== undefined);
  if (named.length !== 1) return 'name the customer by exactly one of email, phone or channel user';
  if (given.email !== undefined) {
    const email = typeof given.email === 'string' ? given.email.trim() : '';
    if (!EMAIL.test(email)) return 'email must be an address such as ana@example.com';
    return { kind: 'email', email: email.toLowerCase() };
  }
  if (given.phone !== undefined) {
    const phone = typeof given.phone === 'string' ? given.phone.trim() : '';
    if (phoneDigits(phone).length < 6 || !/^\+?[\d\s().-]+$/.test(phone)) {
      return 'phone must be a number of at least 6 digits, such as +37120000000';
    }
    return { kind: 'phone', phone };
  }
  const channelUser = typeof given.channelUser === 'string' ? given.channelUser.trim() : '';
  const colon = channelUser.indexOf(':');
  if (colon <= 0 || colon === channelUser.length - 1) {
    return 'channel user must be CHANNEL:ID, such as telegram:tg:42 or directline:dl_3f2a';
  }
  return {
    kind: 'channelUser',
    channelId: channelUser.slice(0, colon),
    userId: channelUser.slice(colon + 1),
  };
}

/** The texts whose mention in a stored value names the customer (emails and phones only). */
export function mentionsOf(identity: CustomerIdentity): string[] {
  switch (identity.kind) {
    case 'email':
      return [identity.email];
    case 'phone': {
      const digits = phoneDigits(identity.phone);
      return [...new Set([identity.phone, digits, `+${digits}`])];
    }
    case 'channelUser':
      return [];
  }
}

/** How the identity is shown in the audit log: its kind and a SHA-256 of its value, not the value. */
export function auditedIdentity(identity: CustomerIdentity): {
  kind: CustomerIdentity['kind'];
  sha256: string;
} {
  const value =
    identity.kind === 'email'
      ? identity.email
      : identity.kind === 'phone'
        ? phoneDigits(identity.phone)
        : `${identity.channelId}:${identity.userId}`;
  return { kind: identity.kind, sha256: createHash('sha256').update(value).digest('hex') };
}

/** Splits `channelId/rest` at the first slash. */
export function splitKey(key: string): { channelId: string; id: string } {
  const slash = key.indexOf('/');
  return { channelId: key.slice(0, slash), id: key.slice(slash + 1) };
}

/**
 * Conversations a channel user id implies where a channel keys a private chat by the user:
 * Telegram private chats have the user's id (`tg:42` → chat `42`), WhatsApp chats the
 * sender's number (`wa:371…` → chat `371…`).
 */
export function impliedConversations(user: string): string[] {
  const { channelId, id } = splitKey(user);
  const prefix = channelId === 'telegram' ? 'tg:' : channelId === 'whatsapp' ? 'wa:' : undefined;
  return prefix && id.startsWith(prefix) ? [`${channelId}/${id.slice(prefix.length)}`] : [];
}
