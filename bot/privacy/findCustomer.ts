import {
  impliedConversations,
  phoneDigits,
  type CustomerFootprint,
  type CustomerIdentity,
  type FoundFootprint,
} from './customerIdentity';
import type { CustomerStore } from './customerStores';

/** Rounds of linking conversations to users and back; a customer's traces settle in two or three. */
const MAX_ROUNDS = 6;

/**
 * Finds where a customer left data across every store and channel: the identity's direct
 * traces (a channel user; a Direct Line conversation the shop vouched for with the email or
 * phone; a WhatsApp chat of the phone number; state, cases, tickets or transcripts mentioning
 * the email or phone), then, until nothing new turns up, the users of those conversations and
 * the other conversations of those users. A customer who used two channels with one email is
 * found on both.
 */
export async function findCustomer(
  identity: CustomerIdentity,
  stores: readonly CustomerStore[],
): Promise<CustomerFootprint> {
  const conversations = new Set<string>();
  const users = new Set<string>();
  const add = (found: FoundFootprint): boolean => {
    const before = conversations.size + users.size;
    for (const key of found.conversations ?? []) conversations.add(key);
    for (const user of found.users ?? []) {
      users.add(user);
      for (const key of impliedConversations(user)) conversations.add(key);
    }
    return conversations.size + users.size > before;
  };
  if (identity.kind === 'channelUser') add({ users: [`${identity.channelId}/${identity.userId}`] });
  // WhatsApp knows its customers by their number: the chat id is it, the user id `wa:` and it.
  if (identity.kind === 'phone') add({ users: [`whatsapp/wa:${phoneDigits(identity.phone)}`] });
  for (const store of stores) add(await store.find(identity));
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const footprint = snapshot(conversations, users);
    let grew = false;
    for (const store of stores) grew = add(await store.linked(footprint)) || grew;
    if (!grew) break;
  }
  return snapshot(conversations, users);
}

function snapshot(conversations: Set<string>, users: Set<string>): CustomerFootprint {
  return { conversations: [...conversations].sort(), users: [...users].sort() };
}
