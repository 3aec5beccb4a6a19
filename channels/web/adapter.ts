import {
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import { setCustomerTags, setVerifiedIdentity } from '../../bot/customerIdentity';
import { activityId, type ConversationStore, type StoredConversation } from './conversationStore';
import {
  conversationStarted,
  fromBot,
  fromClient,
  clientActivityIdOf,
  type DirectLineParticipants,
} from './mapper';
import type { ActivityStream } from './stream';
import { continuationActivity, handledInProcess } from '../adapterParts';

export interface DirectLineAdapterDeps {
  store: ConversationStore;
  stream: ActivityStream;
  botId: string;
  botName: string;
  /** Base URL of this server, given to the bot as the activities' `serviceUrl`. */
  serviceUrl: string;
  now?: () => Date;
}

type Logic = (context: TurnContext) => Promise<void>;

/**
 * The bot side of Switchboard's own Direct Line 3.0 endpoint. Client activities are stored
 * (which gives them their id and watermark), echoed to the client's streams and run through
 * the shared middleware and the bot; replies are stored and pushed the same way, so polling
 * clients, WebSocket clients and clients resuming after a restart all see one transcript.
 */
export class DirectLineAdapter extends BotAdapter {
  private readonly now: () => Date;

  constructor(private readonly deps: DirectLineAdapterDeps) {
    super();
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Accepts an activity a client posted and runs the bot's turn on it. A repeat of an activity
   * already received (same `channelData.clientActivityID`) is answered with the first one's id
   * and not run again.
   * @returns the id the server gave the activity.
   */
  async receive(conversation: StoredConversation, posted: Partial<Activity>, logic: Logic): Promise<string> {
    const participants = this.participants(conversation);
    const { activity, seq, duplicate } = await this.deps.store.append(
      conversation.id,
      (next) => fromClient(posted, participants, activityId(conversation.id, next), this.now()),
      clientActivityIdOf(posted),
    );
    const id = activityId(conversation.id, seq);
    if (duplicate) return id;
    this.publish(conversation.id, activity, seq);
    await this.runMiddleware(this.turnContext(conversation, activity), logic);
    return id;
  }

  /** Tells the bot that a new conversation started (it then sends its welcome). */
  async start(conversation: StoredConversation, logic: Logic): Promise<void> {
    const activity = conversationStarted(this.participants(conversation), conversation.locale, this.now());
    await this.runMiddleware(this.turnContext(conversation, activity), logic);
  }

  override async sendActivities(
    context: TurnContext,
    activities: Partial<Activity>[],
  ): Promise<ResourceResponse[]> {
    const conversationId = context.activity.conversation.id;
    const conversation = await this.deps.store.getConversation(conversationId);
    if (!conversation) {
      throw new Error(`DirectLineAdapter.sendActivities(): conversation ${conversationId} no longer exists`);
    }
    const participants = this.participants(conversation);
    const responses: ResourceResponse[] = [];
    for (const reply of activities) {
      if (await handledInProcess(reply)) {
        responses.push({ id: '' });
        continue;
      }
      const { activity, seq } = await this.deps.store.append(conversationId, (next) =>
        fromBot(reply, participants, activityId(conversationId, next), this.now()),
      );
      this.publish(conversationId, activity, seq);
      responses.push({ id: activityId(conversationId, seq) });
    }
    return responses;
  }

  /** Delivers the changed activity again under its id; Web Chat replaces the earlier one. */
  override async updateActivity(
    context: TurnContext,
    activity: Partial<Activity>,
  ): Promise<ResourceResponse | void> {
    const conversationId = context.activity.conversation.id;
    const conversation = await this.deps.store.getConversation(conversationId);
    if (!conversation || !activity.id) {
      throw new Error('DirectLineAdapter.updateActivity(): the activity needs an id of a live conversation');
    }
    const updated = fromBot(activity, this.participants(conversation), activity.id, this.now());
    const seq = await this.deps.store.replace(conversationId, updated);
    this.publish(conversationId, updated, seq);
    return { id: activity.id };
  }

  override deleteActivity(_context: TurnContext, _reference: Partial<ConversationReference>): Promise<void> {
    return Promise.reject(
      new Error('DirectLineAdapter.deleteActivity(): Direct Line 3.0 clients cannot delete activities'),
    );
  }

  /** Runs `logic` in an existing conversation, e.g. to deliver a human agent's reply. */
  override async continueConversation(
    reference: Partial<ConversationReference>,
    logic: Logic,
  ): Promise<void> {
    const activity = continuationActivity(reference);
    const conversation = await this.deps.store.getConversation(activity.conversation.id);
    const context = conversation ? this.turnContext(conversation, activity) : new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
  }

  /** A turn context carrying what the shop's server vouched for about the customer, if anything. */
  private turnContext(conversation: StoredConversation, activity: Activity): TurnContext {
    const context = new TurnContext(this, activity);
    const { customer } = conversation;
    if (customer?.verified) setVerifiedIdentity(context, customer.verified);
    if (customer?.tags) setCustomerTags(context, customer.tags);
    return context;
  }

  private participants(conversation: StoredConversation): DirectLineParticipants {
    return {
      conversationId: conversation.id,
      userId: conversation.userId,
      // Only the name the shop's server vouched for: the page could claim any name.
      ...(conversation.customer?.verified?.name ? { userName: conversation.customer.verified.name } : {}),
      botId: this.deps.botId,
      botName: this.deps.botName,
      serviceUrl: this.deps.serviceUrl,
    };
  }

  private publish(conversationId: string, activity: Activity, seq: number): void {
    this.deps.stream.publish(conversationId, { activities: [activity], watermark: String(seq) });
  }
}
