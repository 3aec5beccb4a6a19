import type { Storage } from 'botbuilder';
import type { ConversationStore } from '../../channels/web/conversationStore';
import type { HandoffStore } from '../../handoff/handoffStore';
import { hasStateRecords, type KeyShape, type StateRecords } from '../storage/stateRecords';
import {
  mentionsOf,
  phoneDigits,
  splitKey,
  type CustomerFootprint,
  type CustomerIdentity,
  type FoundFootprint,
} from './customerIdentity';

/** Absolute times (ms) before which data has expired. */
export interface RetentionCutoffs {
  /** Transcripts: handoff transcript lines, Direct Line activities and uploads, idle conversation state. */
  transcriptsBefore: number;
  /** Tickets and ended cases. */
  recordsBefore: number;
}

/** How many records of each kind a store removed. */
export type RecordCounts = Record<string, number>;

/**
 * One store's part in the privacy tools: it finds a customer's traces, links conversations to
 * users and back, lists and erases what it holds of a footprint, and removes expired data.
 */
export interface CustomerStore {
  readonly name: string;
  find(identity: CustomerIdentity): Promise<FoundFootprint>;
  linked(footprint: CustomerFootprint): Promise<FoundFootprint>;
  recordsOf(footprint: CustomerFootprint): Promise<Record<string, unknown[]>>;
  erase(footprint: CustomerFootprint): Promise<RecordCounts>;
  expire(cutoffs: RetentionCutoffs): Promise<RecordCounts>;
}

const CHANNEL_KEY_KINDS = ['statuses', 'lastInbound', 'offeredChoices'] as const;

/** The bot state keys of a footprint, by kind (how Bot Framework and Switchboard build them). */
function stateKeys(footprint: CustomerFootprint): {
  userState: string[];
  conversationState: string[];
  verificationGuard: string[];
  channelState: KeyShape[];
} {
  const conversations = footprint.conversations.map(splitKey);
  return {
    // UserState / ConversationState: `<channel>/users/<user>/` and `<channel>/conversations/<id>/`.
    userState: footprint.users.map(splitKey).map(({ channelId, id }) => `${channelId}/users/${id}/`),
    conversationState: conversations.map(({ channelId, id }) => `${channelId}/conversations/${id}/`),
    verificationGuard: footprint.conversations.map((key) => `verification/conversation/${key}`),
    // WhatsApp keeps per-chat records under its namespace (`whatsapp/cloud/<phone id>/…`).
    channelState: conversations
      .filter(({ channelId }) => channelId === 'whatsapp')
      .flatMap(({ id }) =>
        CHANNEL_KEY_KINDS.map((kind) => ({
          prefix: 'whatsapp/',
          suffix: `/${kind}/${kind === 'offeredChoices' ? encodeURIComponent(id) : id}`,
        })),
      ),
  };
}

/** The footprint a state key shows: its conversation or user. */
function footprintOfKey(key: string): FoundFootprint {
  const guard = /^verification\/conversation\/(.+)$/.exec(key);
  if (guard?.[1]) return { conversations: [guard[1]] };
  const state = /^([^/]+)\/(conversations|users)\/(.+)\/$/.exec(key);
  if (!state?.[1] || !state[3]) return {};
  return state[2] === 'users'
    ? { users: [`${state[1]}/${state[3]}`] }
    : { conversations: [`${state[1]}/${state[3]}`] };
}

/**
 * The bot state (conversation and user state, verification counters, channel records) in the
 * state store. A storage without {@link StateRecords} (`STORAGE=memory`) keeps nothing past
 * the process and is read key by key only.
 */
export function botStateRecords(
  storage: Storage,
  options: { activeConversations?: () => Promise<readonly string[]> } = {},
): CustomerStore {
  const records: StateRecords | undefined = hasStateRecords(storage) ? storage : undefined;
  const read = async (keys: string[]): Promise<{ key: string; value: unknown }[]> => {
    const items = await storage.read(keys);
    return keys.flatMap((key) => {
      const item = items[key] as Record<string, unknown> | undefined;
      if (!item) return [];
      const { eTag: _eTag, ...value } = item;
      return [{ key, value }];
    });
  };
  const channelRecords = async (shapes: KeyShape[]) =>
    records && shapes.length > 0 ? records.recordsOf({ keys: shapes }) : [];
  return {
    name: 'botState',
    async find(identity) {
      const mentions = mentionsOf(identity);
      if (!records || mentions.length === 0) return {};
      const found = await records.recordsOf({ mentions });
      return {
        conversations: found.flatMap((record) => footprintOfKey(record.key).conversations ?? []),
        users: found.flatMap((record) => footprintOfKey(record.key).users ?? []),
      };
    },
    linked: () => Promise.resolve({}),
    async recordsOf(footprint) {
      const keys = stateKeys(footprint);
      return {
        userState: await read(keys.userState),
        conversationState: await read(keys.conversationState),
        verificationGuard: await read(keys.verificationGuard),
        channelState: (await channelRecords(keys.channelState)).map(({ key, value }) => ({ key, value })),
      };
    },
    async erase(footprint) {
      const keys = stateKeys(footprint);
      const channelKeys = (await channelRecords(keys.channelState)).map((record) => record.key);
      const remove = async (list: string[]): Promise<number> => {
        if (records) return records.erase(list);
        const present = (await read(list)).length;
        await storage.delete(list);
        return present;
      };
      return {
        userState: await remove(keys.userState),
        conversationState: await remove(keys.conversationState),
        verificationGuard: await remove(keys.verificationGuard),
        channelState: await remove(channelKeys),
      };
    },
    async expire(cutoffs): Promise<RecordCounts> {
      if (!records) return {};
      const before = cutoffs.transcriptsBefore;
      // A conversation waiting for (or talking to) a person keeps its state, however long it waits.
      const active = stateKeys({
        conversations: [...((await options.activeConversations?.()) ?? [])],
        users: [],
      });
      return {
        conversationState: await records.expire(
          { prefix: '', contains: '/conversations/', suffix: '/' },
          before,
          new Set(active.conversationState),
        ),
        verificationGuard: await records.expire(
          { prefix: 'verification/conversation/' },
          before,
          new Set(active.verificationGuard),
        ),
        // WhatsApp's per-chat records, and Telegram's long button values (order labels, slots):
        // a button pressed after the transcript is gone has nothing left to answer.
        channelState: (
          await Promise.all([
            ...CHANNEL_KEY_KINDS.map((kind) =>
              records.expire({ prefix: 'whatsapp/', contains: `/${kind}/` }, before),
            ),
            records.expire({ prefix: 'telegram/callbackData/' }, before),
          ])
        ).reduce((sum, n) => sum + n, 0),
      };
    },
  };
}

const DIRECT_LINE = 'directline';

/** The Direct Line transcript store: conversations, activities and uploads. */
export function directLineRecords(store: () => ConversationStore | undefined): CustomerStore {
  const ids = (footprint: CustomerFootprint): string[] =>
    footprint.conversations
      .map(splitKey)
      .filter(({ channelId }) => channelId === DIRECT_LINE)
      .map(({ id }) => id);
  const keys = (conversationIds: string[]): string[] => conversationIds.map((id) => `${DIRECT_LINE}/${id}`);
  return {
    name: 'directLine',
    async find(identity) {
      const conversations = store();
      if (!conversations) return {};
      switch (identity.kind) {
        case 'email':
          return { conversations: keys(await conversations.conversationsOf({ emails: [identity.email] })) };
        case 'phone':
          return {
            conversations: keys(
              await conversations.conversationsOf({ phones: [phoneDigits(identity.phone)] }),
            ),
          };
        case 'channelUser':
          return identity.channelId === DIRECT_LINE
            ? { conversations: keys(await conversations.conversationsOf({ userIds: [identity.userId] })) }
            : {};
      }
    },
    async linked(footprint) {
      const conversations = store();
      if (!conversations) return {};
      const users: string[] = [];
      for (const id of ids(footprint)) {
        const conversation = await conversations.getConversation(id);
        if (conversation) users.push(`${DIRECT_LINE}/${conversation.userId}`);
      }
      const userIds = footprint.users
        .map(splitKey)
        .filter(({ channelId }) => channelId === DIRECT_LINE)
        .map(({ id }) => id);
      return { users, conversations: keys(await conversations.conversationsOf({ userIds })) };
    },
    async recordsOf(footprint) {
      const conversations = store();
      if (!conversations) return {};
      return conversations.recordsOf(ids(footprint));
    },
    async erase(footprint) {
      return (await store()?.erase(ids(footprint))) ?? {};
    },
    async expire(cutoffs) {
      return (await store()?.expire(cutoffs.transcriptsBefore)) ?? {};
    },
  };
}

/**
 * The handoff store: cases (with satisfaction answers and what the bot collected), transcripts
 * and tickets. `forget` drops what the process remembers of a conversation (known names).
 */
export function handoffRecords(
  store: HandoffStore,
  forget: (conversationKey: string) => void = () => undefined,
): CustomerStore {
  return {
    name: 'handoff',
    async find(identity) {
      if (identity.kind === 'channelUser') {
        return {
          conversations: await store.conversationsOf({ users: [`${identity.channelId}/${identity.userId}`] }),
        };
      }
      return { conversations: await store.conversationsOf({ mentions: mentionsOf(identity) }) };
    },
    async linked(footprint) {
      return {
        users: await store.usersOf(footprint.conversations),
        conversations: await store.conversationsOf({ users: footprint.users }),
      };
    },
    recordsOf(footprint) {
      return store.recordsOf(footprint.conversations);
    },
    async erase(footprint) {
      const counts = await store.erase(footprint.conversations);
      for (const key of footprint.conversations) forget(key);
      return counts;
    },
    expire(cutoffs) {
      return store.expire(cutoffs);
    },
  };
}
