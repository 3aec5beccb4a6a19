import {
  ConversationState,
  UserState,
  type StatePropertyAccessor,
  type Storage,
  type TurnContext,
} from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { VerifiedBy } from '../services/customerMatch';
import { ReadETagStorage } from './storage/readETagStorage';

/** What the bot remembers about a customer across conversations (user state). */
export interface CustomerProfile {
  /** Locale the customer chose explicitly; wins over the channel's locale. */
  locale?: string;
  /**
   * Locale detected from one of the customer's first messages (three words or more, detector
   * sure); it sticks, so a later short or mixed message never switches the language. A choice
   * (`locale`) wins over it.
   */
  detectedLocale?: string;
}

/**
 * What the task dialogs learned in this conversation, kept so a human agent who takes over can
 * see it. Only facts the customer proved or the bot created go here, never a guess.
 */
export interface CaseFile {
  /** Last order number the customer gave or picked. */
  orderNumber?: string;
  /** Whether the customer proved they own {@link orderNumber}, and how. */
  orderVerified?: boolean;
  verifiedBy?: VerifiedBy;
  /** Orders verified in this conversation; they are not asked about again. */
  verifiedOrders?: string[];
  /** Return created in this conversation (RMA number). */
  rma?: string;
  /** Booking made, moved, cancelled or looked up in this conversation. */
  bookingReference?: string;
  /** Why the bot last offered a person (backend down, not eligible, locked, …). */
  handoffReason?: string;
}

/** What the bot remembers about one conversation, beside the dialog stack. */
export interface ConversationData {
  /** The automated-assistant notice was shown. */
  welcomed: boolean;
  /** Customer messages handled so far in this conversation. */
  turns: number;
  /** Consecutive customer messages the bot did not understand. */
  notUnderstoodInARow: number;
  /** Data the task dialogs collected (absent until a task collects something). */
  caseFile?: CaseFile;
  /** Ids of the latest customer messages handled, on channels that redeliver (middleware/redeliveredActivities.ts). */
  recentActivityIds?: string[];
}

export function newConversationData(): ConversationData {
  return { welcomed: false, turns: 0, notUnderstoodInARow: 0 };
}

/** Conversation and user state with typed accessors for everything the bot keeps. */
export class BotStateSet {
  readonly conversationState: ConversationState;
  readonly userState: UserState;
  readonly dialogState: StatePropertyAccessor<DialogState>;
  readonly conversationData: StatePropertyAccessor<ConversationData>;
  readonly profile: StatePropertyAccessor<CustomerProfile>;

  /**
   * `checkedConversationWrites`: conversation state is written with the eTag the turn read (see
   * {@link ReadETagStorage}), for instances that share one store.
   */
  constructor(storage: Storage, options: { checkedConversationWrites?: boolean } = {}) {
    this.conversationState = new ConversationState(
      options.checkedConversationWrites ? new ReadETagStorage(storage) : storage,
    );
    this.userState = new UserState(storage);
    this.dialogState = this.conversationState.createProperty<DialogState>('dialogState');
    this.conversationData = this.conversationState.createProperty<ConversationData>('conversationData');
    this.profile = this.userState.createProperty<CustomerProfile>('customerProfile');
  }

  /** The conversation's data, created on first use. */
  async conversation(context: TurnContext): Promise<ConversationData> {
    return this.conversationData.get(context, newConversationData());
  }

  /** Writes both states when they changed during the turn. */
  async save(context: TurnContext): Promise<void> {
    await this.conversationState.saveChanges(context, false);
    await this.userState.saveChanges(context, false);
  }
}
