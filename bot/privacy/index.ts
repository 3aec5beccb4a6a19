import type { Storage } from 'botbuilder';
import type { UnrecognizedInbox } from '../content/unrecognizedInbox';
import type { ConversationStore } from '../../channels/web/conversationStore';
import type { HandoffStore } from '../../handoff/handoffStore';
import type { Logger } from '../logger';
import { CustomerPrivacy } from './customerPrivacy';
import { botStateRecords, directLineRecords, handoffRecords, type CustomerStore } from './customerStores';
import { RetentionSweeper, type RetentionPolicy } from './retentionSweeper';

export { CustomerPrivacy, CUSTOMER_ERASED, CUSTOMER_EXPORTED } from './customerPrivacy';
export { parseCustomerIdentity, type CustomerIdentity } from './customerIdentity';
export { RetentionSweeper, retentionCutoffs, type RetentionPolicy } from './retentionSweeper';
export type { CustomerExport } from './exportCustomer';
export type { CustomerErasure } from './eraseCustomer';

/** The stores that hold customer data, as the server and the CLI open them. */
export interface CustomerDataStores {
  /** Bot Framework state (conversation and user state, verification counters, channel records). */
  state: Storage;
  /** The Direct Line transcript store, once the web channel has opened it. */
  directLine: () => ConversationStore | undefined;
  handoff: HandoffStore;
  /** Drops what the process remembers of a conversation (the server's known-PII memory). */
  forget?: (conversationKey: string) => void;
  /** The content studio's inbox of messages the bot did not understand: swept, not exported (it holds no personal data). */
  unrecognized?: UnrecognizedInbox;
}

/** Every store's privacy part, in the order exports list them. */
export function customerStores(stores: CustomerDataStores): CustomerStore[] {
  return [
    botStateRecords(stores.state, { activeConversations: () => stores.handoff.activeConversationKeys() }),
    directLineRecords(stores.directLine),
    handoffRecords(stores.handoff, stores.forget),
  ];
}

/**
 * The unrecognized inbox's part: its texts are redacted before they are kept and belong to no
 * conversation, so there is nothing of one customer to find, export or erase; they expire with
 * the transcripts (`TRANSCRIPT_RETENTION_DAYS`, by when the text was last written).
 */
function unrecognizedRecords(inbox: UnrecognizedInbox): CustomerStore {
  const nothing = (): Promise<Record<string, never>> => Promise.resolve({});
  return {
    name: 'unrecognizedInbox',
    find: nothing,
    linked: nothing,
    recordsOf: nothing,
    erase: nothing,
    expire: async (cutoffs) => ({ messages: await inbox.expire(cutoffs.transcriptsBefore) }),
  };
}

/** Export and erasure, audited in the handoff store's audit log. */
export function customerPrivacy(stores: CustomerDataStores, now: () => number = Date.now): CustomerPrivacy {
  return new CustomerPrivacy(
    customerStores(stores),
    (actor, action, detail) => stores.handoff.audit(actor, action, undefined, detail),
    now,
  );
}

/** The retention sweeper over every store, started (and unref'd); close it before the stores. */
export function startRetentionSweeper(
  stores: CustomerDataStores,
  policy: RetentionPolicy,
  logger: Logger,
  now: () => number = Date.now,
): RetentionSweeper {
  const sweeper = new RetentionSweeper(
    [...customerStores(stores), ...(stores.unrecognized ? [unrecognizedRecords(stores.unrecognized)] : [])],
    policy,
    logger.child({ component: 'retention' }),
    now,
  );
  sweeper.start();
  return sweeper;
}
