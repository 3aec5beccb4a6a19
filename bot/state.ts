import {
  BotState,
  ConversationState,
  UserState,
  type StatePropertyAccessor,
  type Storage,
  type TurnContext,
} from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { VerifiedBy } from '../services/customerMatch';
import { ReadETagStorage } from './storage/readETagStorage';
import { offerJsonForWrite, storedJsonOf, takeJsonForWrite } from './storage/storedJson';

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

/** What BotState keeps in turn state for one state object (see botbuilder-core's botState.js). */
interface CachedState {
  state: Record<string, unknown>;
  /** What the state looked like when read or last written; `''` forces a write (BotState.clear). */
  hash: string;
}

/** The state as JSON without its eTag: what decides whether it changed during the turn. */
function snapshotOf(state: Record<string, unknown>): string {
  const { eTag: _eTag, ...rest } = state;
  return JSON.stringify(rest);
}

/**
 * BotState's `load` and `saveChanges` with a cheaper change check. NOTE: botbuilder hashes the
 * whole state with its own `stringify` (a replacer function on every value) and SHA-256 when it
 * reads a state and twice when it saves one, about 4 % of the bot's CPU per turn; native
 * `JSON.stringify` of the same object, compared as a string, tells the same (state is JSON: it
 * is stored as JSON). As botbuilder's, a state the turn did not change is not written.
 */
class ChangeTracking {
  constructor(
    private readonly botState: BotState,
    private readonly storage: Storage,
    private readonly storageKey: (context: TurnContext) => string | Promise<string>,
  ) {}

  /** The turn-state key botbuilder keeps the state under (a private field of BotState). */
  private get stateKey(): symbol {
    return (this.botState as unknown as { stateKey: symbol }).stateKey;
  }

  async load(context: TurnContext, force: boolean): Promise<Record<string, unknown>> {
    const cached = context.turnState.get<CachedState | undefined>(this.stateKey);
    if (!force && cached?.state) return cached.state;
    const key = await this.storageKey(context);
    const items = await this.storage.read([key]);
    const state = (items[key] as Record<string, unknown> | undefined) ?? {};
    // The JSON the store parsed the state from is its snapshot already (SQLite's store tells it).
    const hash = storedJsonOf(state) ?? snapshotOf(state);
    context.turnState.set(this.stateKey, { state, hash } satisfies CachedState);
    return state;
  }

  async saveChanges(context: TurnContext, force: boolean): Promise<void> {
    let cached = context.turnState.get<CachedState | undefined>(this.stateKey);
    const snapshot = cached ? snapshotOf(cached.state) : '';
    if (!force && (!cached || cached.hash === snapshot)) return;
    // NOTE: the key is awaited only when it is a promise, so that nothing runs between taking the
    // snapshot and handing it to the write as the state's JSON.
    const storageKey = this.storageKey(context);
    const key = typeof storageKey === 'string' ? storageKey : await storageKey;
    cached ??= { state: {}, hash: '' };
    const json = storageKey === key && snapshot ? snapshot : snapshotOf(cached.state);
    cached.state.eTag = '*';
    offerJsonForWrite(cached.state, json);
    try {
      await this.storage.write({ [key]: cached.state });
    } finally {
      // Not taken by a store that does not know the offer, or that wrote a copy: never used later.
      takeJsonForWrite(cached.state);
    }
    cached.hash = json;
    context.turnState.set(this.stateKey, cached);
  }
}

/** Conversation state with {@link ChangeTracking}. */
class TrackedConversationState extends ConversationState {
  private readonly tracking: ChangeTracking;

  constructor(storage: Storage) {
    super(storage);
    this.tracking = new ChangeTracking(this, storage, (context) => this.storageKey(context));
  }

  override load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    return this.tracking.load(context, force);
  }

  override saveChanges(context: TurnContext, force = false): Promise<void> {
    return this.tracking.saveChanges(context, force);
  }
}

/** User state with {@link ChangeTracking}. */
class TrackedUserState extends UserState {
  private readonly tracking: ChangeTracking;

  constructor(storage: Storage) {
    super(storage);
    this.tracking = new ChangeTracking(this, storage, (context) => this.storageKey(context));
  }

  override load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
    return this.tracking.load(context, force);
  }

  override saveChanges(context: TurnContext, force = false): Promise<void> {
    return this.tracking.saveChanges(context, force);
  }
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
    this.conversationState = new TrackedConversationState(
      options.checkedConversationWrites ? new ReadETagStorage(storage) : storage,
    );
    this.userState = new TrackedUserState(storage);
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
