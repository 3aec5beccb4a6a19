/**
 * The contract every channel implements. `bot/server.ts` builds the enabled channels from the
 * configuration and loops over this interface only: it puts the shared turn path on each
 * channel's adapter (once), mounts its routes, starts it after listening, reaches its customers
 * proactively through it, and closes it on shutdown. It never knows a channel by name.
 */
import type { BotAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import type restify from 'restify';
import type { Config } from '../bot/config';
import type { Logger } from '../bot/logger';
import type { StateStore } from '../bot/storage';
import type { ClaimOnce, FanOut } from '../bot/coordination';
import type { SharedDatabase } from '../bot/database';
import type { SecretSource } from '../bot/secrets';

/** The bot's turn logic, as every adapter runs it after the shared middleware. */
export type TurnLogic = (context: TurnContext) => Promise<void>;

/** A running channel. */
export interface Channel {
  /** Short name for logs and readiness checks (`web`, `botframework`, `telegram`). */
  readonly name: string;
  /** The adapter its turns run on; the server puts the shared middleware on it. */
  readonly adapter: BotAdapter;
  /**
   * Whether this channel reaches conversations of `channelId` (an activity's `channelId`).
   * The Bot Framework channel answers true for every id no other channel claims.
   */
  serves(channelId: string): boolean;
  /**
   * Whether the standard `handoff.initiate` event (with the transcript) is sent on handoff, for
   * agent hubs listening on Bot Framework channels. Switchboard's own channels do not need it.
   */
  readonly announcesHandoff: boolean;
  /**
   * Whether the platform may deliver a customer message again under the same activity id and
   * the adapter does not remember ids itself (Bot Framework does; Telegram, WhatsApp and Direct
   * Line adapters drop repeats before the turn): the shared turn path then runs a repeat once.
   */
  readonly redelivers?: boolean;
  /** Mounts the channel's HTTP routes and WebSocket upgrades. Called once, before listening. */
  mount(server: restify.Server): void;
  /**
   * Starts what needs the server listening or the outside world (long polling, `setWebhook`).
   * @throws an error naming the variable to fix when the channel cannot start.
   */
  start(): Promise<void>;
  /** Runs `logic` in an existing conversation: an agent's reply, a queue update, the survey. */
  continueConversation(reference: Partial<ConversationReference>, logic: TurnLogic): Promise<void>;
  /** Whether the channel can take turns now (its stores open, its connection up). */
  isReady(): boolean;
  /**
   * Details `/readyz` shows next to its checks, for a channel whose connection is worth seeing
   * there (WhatsApp Web: `{whatsappWeb: {state, since}}`); most channels have none.
   */
  checks?(): Record<string, unknown>;
  /**
   * A code an admin scans to link the channel's account, while the channel waits for one (the
   * WhatsApp Web QR code); undefined otherwise. The console shows it to admins only.
   */
  linkCode?(): string | undefined;
  /**
   * What the channel last heard about the delivery of the bot's and agents' messages to this
   * conversation (sent, delivered, read, failed), newest last, for the agent console. Only
   * channels that report delivery (the WhatsApp Cloud API) have it.
   */
  deliveryReports?(conversationId: string): Promise<DeliveryReport[]>;
  /** First step of shutdown: stop taking new messages (close streams, stop polling). */
  stopAccepting(): void | Promise<void>;
  /** Last step of shutdown, after in-flight turns finished: close stores and timers. */
  close(): void | Promise<void>;
}

/** One delivery status the customer's channel reported for a message sent to them. */
export interface DeliveryReport {
  /** `sent`, `delivered`, `read` or `failed`, as the channel says it. */
  status: string;
  /** When, ISO 8601. */
  at: string;
  /** Why a message failed, in the channel's words. */
  problem?: string;
}

/** Why a channel tells the bot a conversation can no longer be reached. */
export interface ConversationGone {
  channelId: string;
  conversationId: string;
  /** e.g. `blocked`: the customer blocked the bot. */
  reason: string;
}

/** What a channel is built from. */
export interface ChannelDeps {
  config: Config;
  /** The bot's turn logic. */
  logic: TurnLogic;
  i18n: i18n;
  logger: Logger;
  /** Bot state storage, for what a channel must keep across restarts (seen update ids, …). */
  stateStore: StateStore;
  /** The bot's own generated secrets (from `DATA_DIR` or the shared database). */
  secrets: SecretSource;
  /** The database instances share (`STORAGE=postgres`); channels keep their own files without it. */
  database?: SharedDatabase;
  /** Messages to the other instances (Redis), when there are several. */
  fanOut?: (topic: string) => FanOut;
  /** Claims shared by every instance (Redis), when there are several: for the channels' dedupe. */
  claimOnce?: ClaimOnce;
  /** True while the server drains for shutdown. */
  isClosing: () => boolean;
  /**
   * Tells the bot a conversation can no longer be reached (e.g. the customer blocked the bot),
   * so a queued handoff case is ended with the reason.
   */
  conversationGone: (gone: ConversationGone) => Promise<void>;
  /**
   * The enabled channel that serves `channelId` (the first whose `serves` says yes), once the
   * server has built them all; lets a channel refuse activities that claim another's id.
   */
  channelFor: (channelId: string) => Channel | undefined;
}

/** Builds a channel when the configuration enables it, or returns undefined. */
export type ChannelFactory = (deps: ChannelDeps) => Channel | undefined;
