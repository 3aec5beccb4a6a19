import {
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { i18n } from 'i18next';
import { MessageMedia } from 'whatsapp-web.js';
import type { SupportedLocale } from '../../../bot/config';
import { setVerifiedIdentity } from '../../../bot/customerIdentity';
import { DeliveryFailedError } from '../../../bot/deliveryFailure';
import { resolveLocale, translator } from '../../../bot/i18n';
import type { Logger } from '../../../bot/logger';
import { findTurnLanguage } from '../../../bot/middleware/localeResolution';
import { TurnQueue } from '../../../bot/turnQueue';
import type { TurnLogic } from '../../channel';
import { fetchDocument, type DocumentLimits } from '../../documents';
import type { SeenIds } from '../../seenIds';
import type { OfferedChoices } from '../offeredChoices';
import { messageParts, pickChoice } from '../outgoing';
import { WHATSAPP_CHANNEL_ID } from '../settings';
import type { WebMessage } from './client';
import { mapWebMessage, phoneOfChatId, renderWebParts } from './mapper';
import type { Pacer } from './pacing';
import type { WebSession } from './session';
import { continuationActivity, handledInProcess } from '../../adapterParts';

const WHERE = 'WhatsAppWebAdapter.sendActivities()';
const FAILURE_KEY = Symbol('switchboard.whatsappWebDelivery');

export interface WhatsAppWebAdapterDeps {
  session: WebSession;
  seen: SeenIds;
  offers: OfferedChoices;
  pacer: Pacer;
  allowGroups: boolean;
  i18n: i18n;
  defaultLocale: SupportedLocale;
  logger: Logger;
  documents: DocumentLimits;
}

/**
 * WhatsApp Web (whatsapp-web.js) as a Bot Framework adapter: a message becomes an activity run
 * through the shared middleware and the bot; replies are sent paced, choices as a numbered
 * list, files as documents (`MessageMedia`). Messages of one chat are handled one at a time in
 * arrival order; a message id seen before is dropped.
 */
export class WhatsAppWebAdapter extends BotAdapter {
  private readonly chats = new TurnQueue();

  constructor(private readonly deps: WhatsAppWebAdapterDeps) {
    super();
  }

  /** Handles one `message` event. Never rejects: a failed turn went to `onTurnError`, the rest is logged. */
  handleMessage(message: WebMessage, logic: TurnLogic): Promise<void> {
    const meaning = mapWebMessage(message, { allowGroups: this.deps.allowGroups });
    if (meaning.kind === 'ignored') {
      this.deps.logger.debug({ reason: meaning.reason }, 'WhatsApp Web message ignored');
      return Promise.resolve();
    }
    const id = message.id._serialized;
    const firstTime = this.deps.seen.firstTime(id);
    return this.chats.run(meaning.chatId, async () => {
      try {
        if (!(await firstTime)) {
          this.deps.logger.info({ messageId: id }, 'WhatsApp Web message seen before; ignored');
          return;
        }
      } catch (error) {
        this.deps.logger.error(
          { err: error, messageId: id },
          'WhatsApp Web seen ids not checked; handling it',
        );
      }
      await this.runTurn(meaning.chatId, meaning.activity, meaning.textOnly, logic);
    });
  }

  private async runTurn(
    chatId: string,
    activity: Partial<Activity>,
    textOnly: boolean,
    logic: TurnLogic,
  ): Promise<void> {
    let text = activity.text ?? '';
    try {
      text = pickChoice(text, await this.deps.offers.takeOffer(chatId)) ?? text;
    } catch (error) {
      this.deps.logger.error({ err: error }, 'WhatsApp Web offered choices not read');
    }
    const context = new TurnContext(this, { ...activity, text });
    const phone = phoneOfChatId(activity.from?.id.replace(/^wa:/, '') ?? '');
    // WhatsApp proved the number the message came from.
    if (phone) setVerifiedIdentity(context, { phone });
    const run: TurnLogic = textOnly
      ? async (turn) => {
          const t =
            findTurnLanguage(turn)?.t ??
            translator(this.deps.i18n, resolveLocale([turn.activity.locale], this.deps.defaultLocale));
          await turn.sendActivity(t('channels.textOnly'));
          await logic(turn);
        }
      : logic;
    try {
      await this.runMiddleware(context, run);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'WhatsApp Web turn failed');
    }
  }

  override async sendActivities(
    context: TurnContext,
    activities: Partial<Activity>[],
  ): Promise<ResourceResponse[]> {
    const chatId = context.activity.conversation.id;
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (await handledInProcess(activity)) {
        responses.push({ id: '' });
        continue;
      }
      try {
        responses.push({ id: await this.send(chatId, activity) });
      } catch (error) {
        const failure = new DeliveryFailedError(
          WHATSAPP_CHANNEL_ID,
          `${WHERE}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
        if (!context.turnState.get(FAILURE_KEY)) context.turnState.set(FAILURE_KEY, failure);
        throw failure;
      }
    }
    return responses;
  }

  private async send(chatId: string, activity: Partial<Activity>): Promise<string> {
    const parts = messageParts(activity);
    if (!parts) return '';
    const ids: string[] = [];
    for (const step of renderWebParts(parts)) {
      const client = this.deps.session.readyClient;
      if (!client) throw new Error(`WhatsApp Web is not connected (${this.deps.session.state})`);
      if (step.kind === 'text') {
        await this.deps.pacer.wait(chatId);
        ids.push((await client.sendMessage(chatId, step.text, { linkPreview: false })).id._serialized);
        if (step.offered) await this.deps.offers.offer(chatId, step.offered);
      } else {
        const { document } = step;
        const bytes = await fetchDocument(document, this.deps.documents, WHERE);
        const media = new MessageMedia(
          document.contentType ?? 'application/octet-stream',
          bytes.toString('base64'),
          document.fileName,
          bytes.length,
        );
        await this.deps.pacer.wait(chatId);
        ids.push((await client.sendMessage(chatId, media, { sendMediaAsDocument: true })).id._serialized);
      }
    }
    return ids.join(',');
  }

  override updateActivity(): Promise<ResourceResponse | void> {
    return Promise.reject(
      new Error('WhatsAppWebAdapter.updateActivity(): WhatsApp messages are not edited by the bot'),
    );
  }

  override deleteActivity(): Promise<void> {
    return Promise.reject(
      new Error('WhatsAppWebAdapter.deleteActivity(): WhatsApp messages are not deleted by the bot'),
    );
  }

  /**
   * Runs `logic` in an existing chat: an agent's reply, a queue update, the survey.
   * @throws DeliveryFailedError when a message could not be sent (the turn's own error handling ran too).
   */
  override async continueConversation(
    reference: Partial<ConversationReference>,
    logic: TurnLogic,
  ): Promise<void> {
    const activity = continuationActivity(reference);
    const context = new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
    // NOTE: the shared error boundary recovers a failed turn without rethrowing; the desk still
    // needs to know the customer was not reached.
    const failure = context.turnState.get<Error | undefined>(FAILURE_KEY);
    if (failure) throw failure;
  }

  /** Resolves once every accepted message has been handled (shutdown). */
  idle(): Promise<void> {
    return this.chats.idle();
  }
}
