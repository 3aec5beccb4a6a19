import {
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { i18n } from 'i18next';
import type { SupportedLocale, WhatsAppConfig, WhatsAppTemplate } from '../../../bot/config';
import { setVerifiedIdentity } from '../../../bot/customerIdentity';
import { DeliveryFailedError, DeliveryHeldError } from '../../../bot/deliveryFailure';
import { resolveLocale, translator, type TranslationKey } from '../../../bot/i18n';
import type { Logger } from '../../../bot/logger';
import { findTurnLanguage } from '../../../bot/middleware/localeResolution';
import { proactivePurpose } from '../../../bot/proactivePurpose';
import { TurnQueue } from '../../../bot/turnQueue';
import type { TurnLogic } from '../../channel';
import type { SeenIds } from '../../seenIds';
import { fetchDocument, type DocumentLimits } from '../../documents';
import type { OfferedChoices } from '../offeredChoices';
import { messageParts, numberedText, pickChoice, type MessageParts } from '../outgoing';
import { WHATSAPP_CHANNEL_ID } from '../settings';
import type { DeliveryStatuses } from './deliveryStatuses';
import { GraphApiError, REENGAGEMENT_REQUIRED, type GraphApi } from './graphApi';
import { documentMessage, mapInboundMessage, phoneOf, renderParts, templateMessage } from './mapper';
import type { InboundMessage, Notification } from './notification';
import type { ServiceWindow } from './serviceWindow';
import { continuationActivity, handledInProcess } from '../../adapterParts';

const WHERE = 'WhatsAppCloudAdapter.sendActivities()';
const OUTCOME_KEY = Symbol('switchboard.whatsappCloudDelivery');

/** What went wrong delivering a turn's messages, for {@link WhatsAppCloudAdapter.continueConversation}. */
interface DeliveryOutcome {
  failure?: Error;
  held?: DeliveryHeldError;
}

export interface WhatsAppCloudAdapterDeps {
  api: GraphApi;
  seen: SeenIds;
  window: ServiceWindow;
  statuses: DeliveryStatuses;
  offers: OfferedChoices;
  templates: WhatsAppConfig['cloud']['templates'];
  phoneNumberId: string;
  /** Given to activities as their `serviceUrl`. */
  serviceUrl: string;
  i18n: i18n;
  defaultLocale: SupportedLocale;
  logger: Logger;
  documents: DocumentLimits;
}

/**
 * The WhatsApp Business Cloud API as a Bot Framework adapter: webhook messages become
 * activities run through the shared middleware and the bot; replies become Graph API calls
 * (interactive buttons and lists, documents uploaded through `/media`).
 *
 * Messages of one customer are handled one at a time in arrival order; a message id seen
 * before is dropped. Outside the 24-hour window a message goes out as the approved template
 * configured for its purpose and locale, or is held (the caller of a proactive turn learns so).
 */
export class WhatsAppCloudAdapter extends BotAdapter {
  private readonly chats = new TurnQueue();

  constructor(private readonly deps: WhatsAppCloudAdapterDeps) {
    super();
  }

  /**
   * Handles a verified notification; the webhook has already answered. Never rejects: a failed
   * turn went to `onTurnError`, anything else is logged.
   */
  async processNotification(notification: Notification, logic: TurnLogic): Promise<void> {
    const work: Promise<void>[] = [];
    for (const entry of notification.entry) {
      for (const change of entry.changes) {
        if (change.field !== 'messages') continue;
        const { value } = change;
        // NOTE: one app may serve several business numbers; only ours is answered.
        if (value.metadata?.phone_number_id !== this.deps.phoneNumberId) {
          this.deps.logger.debug(
            { phoneNumberId: value.metadata?.phone_number_id },
            'notification for another number',
          );
          continue;
        }
        for (const status of value.statuses ?? []) {
          work.push(
            this.deps.statuses
              .record(status)
              .catch((error: unknown) =>
                this.deps.logger.error({ err: error }, 'WhatsApp status not recorded'),
              ),
          );
        }
        const names = new Map(
          (value.contacts ?? []).map((contact) => [contact.wa_id, contact.profile?.name]),
        );
        for (const message of value.messages ?? []) {
          work.push(this.processMessage(message, names.get(message.from), logic));
        }
      }
    }
    await Promise.all(work);
  }

  private processMessage(
    message: InboundMessage,
    profileName: string | undefined,
    logic: TurnLogic,
  ): Promise<void> {
    const meaning = mapInboundMessage(message, {
      phoneNumberId: this.deps.phoneNumberId,
      profileName,
      serviceUrl: this.deps.serviceUrl,
    });
    if (meaning.kind === 'ignored') {
      this.deps.logger.debug({ messageId: message.id, reason: meaning.reason }, 'WhatsApp message ignored');
      return Promise.resolve();
    }
    // Both calls queue synchronously, so the arrival order is kept for each customer.
    const firstTime = this.deps.seen.firstTime(message.id);
    return this.chats.run(message.from, async () => {
      try {
        if (!(await firstTime)) {
          this.deps.logger.info({ messageId: message.id }, 'WhatsApp message delivered again; ignored');
          return;
        }
        await this.deps.window.customerWrote(message.from);
      } catch (error) {
        // NOTE: the webhook has answered, so Meta will not deliver it again: handling it
        // (perhaps twice) is better than losing it.
        this.deps.logger.error({ err: error, messageId: message.id }, 'WhatsApp message bookkeeping failed');
      }
      await this.markRead(message.id);
      await this.runTurn(message.from, meaning.activity, meaning.fromChoice, meaning.textOnly, logic);
    });
  }

  /**
   * Blue ticks for the customer.
   * NOTE: a failure is logged, not thrown: it is no message to the customer, and the message
   * itself is still answered.
   */
  private async markRead(messageId: string): Promise<void> {
    try {
      await this.deps.api.markRead(messageId);
    } catch (error) {
      this.deps.logger.warn({ err: error, messageId }, 'WhatsAppCloudAdapter: marking a message read failed');
    }
  }

  private async runTurn(
    waId: string,
    activity: Partial<Activity>,
    fromChoice: boolean,
    textOnly: boolean,
    logic: TurnLogic,
  ): Promise<void> {
    let text = activity.text ?? '';
    try {
      const offered = await this.deps.offers.takeOffer(waId);
      if (!fromChoice) text = pickChoice(text, offered) ?? text;
    } catch (error) {
      this.deps.logger.error({ err: error, conversationId: waId }, 'WhatsApp offered choices not read');
    }
    const context = new TurnContext(this, { ...activity, text });
    // WhatsApp proved the number: it is the customer's verified phone.
    setVerifiedIdentity(context, { phone: phoneOf(waId) });
    const run: TurnLogic = textOnly
      ? async (turn) => {
          await turn.sendActivity(this.noticeText(turn, 'channels.textOnly'));
          await logic(turn);
        }
      : logic;
    try {
      await this.runMiddleware(context, run);
    } catch (error) {
      // runMiddleware already gave it to onTurnError; this is onTurnError failing, or none set.
      this.deps.logger.error({ err: error, conversationId: waId }, 'WhatsApp turn failed');
    }
  }

  private locale(context: TurnContext): string {
    return (
      findTurnLanguage(context)?.locale ?? resolveLocale([context.activity.locale], this.deps.defaultLocale)
    );
  }

  private noticeText(context: TurnContext, key: TranslationKey): string {
    return (findTurnLanguage(context)?.t ?? translator(this.deps.i18n, this.locale(context)))(key);
  }

  override async sendActivities(
    context: TurnContext,
    activities: Partial<Activity>[],
  ): Promise<ResourceResponse[]> {
    const to = context.activity.conversation.id;
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (await handledInProcess(activity)) {
        responses.push({ id: '' });
        continue;
      }
      let parts: MessageParts | undefined;
      try {
        parts = messageParts(activity);
      } catch (error) {
        throw this.failed(context, new Error(`${WHERE}: ${(error as Error).message}`, { cause: error }));
      }
      // Typing and events have nothing to show on WhatsApp.
      if (!parts || (parts.text === '' && parts.choices.length === 0 && parts.documents.length === 0)) {
        responses.push({ id: '' });
        continue;
      }
      responses.push({ id: await this.deliver(context, to, parts) });
    }
    return responses;
  }

  /** Remembers a failure for the caller of a proactive turn, and returns it to throw. */
  private failed(context: TurnContext, error: Error): Error {
    const outcome = context.turnState.get<DeliveryOutcome | undefined>(OUTCOME_KEY) ?? {};
    outcome.failure ??= error;
    context.turnState.set(OUTCOME_KEY, outcome);
    return error;
  }

  /** Sends one activity's parts; returns the ids of the messages it became, comma-separated. */
  private async deliver(context: TurnContext, to: string, parts: MessageParts): Promise<string> {
    if (!(await this.deps.window.isOpen(to))) return this.outsideWindow(context, to, parts);
    const ids: string[] = [];
    const steps = renderParts(parts, to, this.noticeText(context, 'whatsapp.listButton'));
    try {
      for (const step of steps) {
        if (step.kind === 'message') {
          ids.push(await this.deps.api.sendMessage(step.message));
          if (step.offered) await this.deps.offers.offer(to, step.offered);
        } else {
          const { document } = step;
          const bytes = await fetchDocument(document, this.deps.documents, WHERE);
          const mediaId = await this.deps.api.uploadMedia(
            bytes,
            document.fileName,
            document.contentType ?? 'application/octet-stream',
          );
          ids.push(await this.deps.api.sendMessage(documentMessage(to, mediaId, document.fileName)));
        }
      }
    } catch (error) {
      // Our window said open but Meta's says closed (a clock apart, storage lost): believe Meta.
      if (error instanceof GraphApiError && error.code === REENGAGEMENT_REQUIRED && ids.length === 0) {
        this.deps.window.closed(to);
        return this.outsideWindow(context, to, parts);
      }
      throw this.failed(
        context,
        new DeliveryFailedError(WHATSAPP_CHANNEL_ID, `${WHERE}: to ${to}: ${(error as Error).message}`, {
          cause: error,
        }),
      );
    }
    return ids.join(',');
  }

  /** The approved template for this turn's purpose in the customer's locale, if configured. */
  private template(context: TurnContext): { template?: WhatsAppTemplate; purpose: string; locale: string } {
    const purpose = proactivePurpose(context) ?? 'other';
    const locale = this.locale(context);
    const byLocale = this.deps.templates[purpose];
    return { template: byLocale?.[locale] ?? byLocale?.[locale.split('-')[0] ?? locale], purpose, locale };
  }

  /**
   * Outside the 24-hour window: the text goes out as the approved template for the purpose, or
   * is held. A held message is not an error of the turn (nothing is wrong with the bot), so it
   * is not thrown here: {@link continueConversation} tells its caller.
   */
  private async outsideWindow(context: TurnContext, to: string, parts: MessageParts): Promise<string> {
    const { template, purpose, locale } = this.template(context);
    const text = numberedText(parts.text, parts.choices);
    if (!template || text === '' || parts.documents.length > 0) {
      const held = new DeliveryHeldError(
        WHATSAPP_CHANNEL_ID,
        `${WHERE}: the customer last wrote over 24 hours ago and WHATSAPP_CLOUD_TEMPLATES has no "${purpose}" template for ${locale}${parts.documents.length > 0 ? ' (documents need the window open)' : ''}; the message is held`,
      );
      const outcome = context.turnState.get<DeliveryOutcome | undefined>(OUTCOME_KEY) ?? {};
      outcome.held ??= held;
      context.turnState.set(OUTCOME_KEY, outcome);
      this.deps.logger.warn(
        { conversationId: to, purpose, locale },
        'WhatsApp message held: outside the 24-hour window',
      );
      return '';
    }
    try {
      const id = await this.deps.api.sendMessage(templateMessage(to, template, text));
      if (parts.choices.length > 0) await this.deps.offers.offer(to, parts.choices);
      return id;
    } catch (error) {
      throw this.failed(
        context,
        new DeliveryFailedError(
          WHATSAPP_CHANNEL_ID,
          `${WHERE}: template ${template.name} (${template.language}) to ${to}: ${(error as Error).message}`,
          { cause: error },
        ),
      );
    }
  }

  /** WhatsApp messages cannot be edited. */
  override updateActivity(): Promise<ResourceResponse | void> {
    return Promise.reject(
      new Error('WhatsAppCloudAdapter.updateActivity(): WhatsApp messages cannot be edited'),
    );
  }

  /** The Cloud API cannot delete a message the business sent. */
  override deleteActivity(): Promise<void> {
    return Promise.reject(
      new Error('WhatsAppCloudAdapter.deleteActivity(): the Cloud API cannot delete sent messages'),
    );
  }

  /**
   * Runs `logic` in an existing chat: an agent's reply, a queue update, the survey.
   * @throws DeliveryFailedError when a message could not be delivered (the turn's own error
   * handling ran too), DeliveryHeldError when one was held outside the 24-hour window.
   */
  override async continueConversation(
    reference: Partial<ConversationReference>,
    logic: TurnLogic,
  ): Promise<void> {
    const activity = continuationActivity(reference);
    const context = new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
    // NOTE: the shared error boundary recovers a failed turn without rethrowing; the desk still
    // needs to know the agent's words did not reach the customer.
    const outcome = context.turnState.get<DeliveryOutcome | undefined>(OUTCOME_KEY);
    if (outcome?.failure) throw outcome.failure;
    if (outcome?.held) throw outcome.held;
  }

  /** Resolves once every accepted message has been handled (shutdown). */
  idle(): Promise<void> {
    return this.chats.idle();
  }
}
