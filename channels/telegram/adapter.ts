import {
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder';
import type { i18n } from 'i18next';
import { Input } from 'telegraf';
import type { SupportedLocale } from '../../bot/config';
import { resolveLocale, translator, type TranslationKey } from '../../bot/i18n';
import type { Logger } from '../../bot/logger';
import { findTurnLanguage } from '../../bot/middleware/localeResolution';
import { TurnQueue } from '../../bot/turnQueue';
import type { ConversationGone, TurnLogic } from '../channel';
import { ChatGoneError, isChatGone, type BotApi } from './botApi';
import { CallbackData } from './callbackData';
import { fetchDocument } from '../documents';
import {
  mapUpdate,
  renderActivity,
  type BotApiCall,
  type BotIdentity,
  type ChannelNotice,
  type InboundUpdate,
  type WordCommand,
} from './mapper';
import type { SeenUpdates } from './seenUpdates';
import { TELEGRAM_CHANNEL_ID } from './settings';
import type { TelegramUpdate } from './update';
import { continuationActivity, handledInProcess } from '../adapterParts';

/** Texts of the notices the channel sends itself. */
const NOTICES: Record<ChannelNotice, TranslationKey> = {
  textOnly: 'channels.textOnly',
  editNotSeen: 'telegram.editNotSeen',
};

const COMMAND_TEXTS: Record<WordCommand, TranslationKey> = {
  help: 'telegram.commands.help.text',
  agent: 'telegram.commands.agent.text',
  language: 'telegram.commands.language.text',
};

export interface TelegramAdapterDeps {
  api: BotApi;
  seenUpdates: (bot: BotIdentity) => SeenUpdates;
  callbackData: CallbackData;
  i18n: i18n;
  defaultLocale: SupportedLocale;
  allowGroups: boolean;
  apiRoot: string;
  logger: Logger;
  /** Tells the bot a chat can no longer be reached (the customer blocked the bot). */
  conversationGone: (gone: ConversationGone) => Promise<void>;
  /** Limits for documents the bot uploads. */
  documents: { maxBytes: number; timeoutMs: number };
}

/**
 * Telegram as a Bot Framework adapter: an update becomes an activity run through the shared
 * middleware and the bot; replies become Bot API calls (see {@link renderActivity}).
 *
 * Updates of one chat are handled one at a time in the order they arrived (the shared
 * middleware serializes turns too, but only once a turn starts; this keeps the arrival order
 * through the asynchronous steps before it). An update id seen before is dropped.
 */
export class TelegramAdapter extends BotAdapter {
  private identity: BotIdentity | undefined;
  private seen: SeenUpdates | undefined;
  private readonly chats = new TurnQueue();
  /** Chats that answered 403: nothing more is sent until the customer writes again. */
  private readonly goneChats = new Set<string>();

  constructor(private readonly deps: TelegramAdapterDeps) {
    super();
  }

  /** The bot's own account; set by {@link identify}. */
  get bot(): BotIdentity | undefined {
    return this.identity;
  }

  /**
   * Asks Telegram who the bot is (`getMe`); updates are handled only after this.
   * @throws when the token is refused or the Bot API cannot be reached.
   */
  async identify(): Promise<BotIdentity> {
    const me = await this.deps.api.call('getMe', {});
    this.identity = { id: me.id, username: me.username, name: me.first_name };
    this.seen = this.deps.seenUpdates(this.identity);
    return this.identity;
  }

  /**
   * Handles one update. Resolves once its turn ran (a failed turn went to `onTurnError`);
   * rejects only when the update could not be accepted at all (the seen-ids storage failed), so
   * the caller leaves it to Telegram to deliver again.
   */
  processUpdate(update: TelegramUpdate, logic: TurnLogic): Promise<void> {
    const { identity, seen } = this;
    if (!identity || !seen) {
      return Promise.reject(new Error('TelegramAdapter.processUpdate(): identify() must run first'));
    }
    const mapped = mapUpdate(update, {
      bot: identity,
      allowGroups: this.deps.allowGroups,
      serviceUrl: this.deps.apiRoot,
      commandText: (command, languageCode) => this.translate(languageCode)(COMMAND_TEXTS[command]),
    });
    if (mapped.kind === 'ignored') {
      this.deps.logger.debug(
        { updateId: update.update_id, reason: mapped.reason },
        'Telegram update ignored',
      );
      return Promise.resolve();
    }
    // Both calls queue synchronously, so the arrival order is kept for each chat.
    const firstTime = seen.firstTime(update.update_id);
    const key = mapped.kind === 'answerOnly' ? `query/${mapped.queryId}` : mapped.chatId;
    return this.chats.run(key, async () => {
      if (!(await firstTime)) {
        this.deps.logger.info({ updateId: update.update_id }, 'Telegram update delivered again; ignored');
        return;
      }
      await this.handle(mapped, logic);
    });
  }

  private async handle(mapped: Exclude<InboundUpdate, { kind: 'ignored' }>, logic: TurnLogic): Promise<void> {
    switch (mapped.kind) {
      case 'answerOnly':
        this.deps.logger.debug({ reason: mapped.reason }, 'Telegram button press not served');
        await this.answerQuery(mapped.queryId);
        return;
      case 'membership':
        if (mapped.blocked) this.chatGone(mapped.chatId);
        else this.goneChats.delete(mapped.chatId);
        return;
      case 'choice':
        return this.choose(mapped, logic);
      case 'turn':
        return this.runTurn(mapped.chatId, mapped.activity, logic, mapped.notice);
    }
  }

  /** A button press: the query is answered first, then the button's value is the customer's text. */
  private async choose(mapped: Extract<InboundUpdate, { kind: 'choice' }>, logic: TurnLogic): Promise<void> {
    let value: string | undefined;
    try {
      value = await this.deps.callbackData.decode(mapped.data);
    } catch (error) {
      await this.answerQuery(mapped.queryId);
      await this.turnFailed(new TurnContext(this, mapped.activity), error);
      return;
    }
    if (value === undefined) {
      await this.answerQuery(
        mapped.queryId,
        this.translate(mapped.activity.locale)('telegram.buttonExpired'),
      );
      return;
    }
    await this.answerQuery(mapped.queryId);
    // What Web Chat sends when a suggested action is pressed: the value as the customer's text.
    await this.runTurn(mapped.chatId, { ...mapped.activity, text: value }, logic, undefined);
  }

  private async runTurn(
    chatId: string,
    activity: Partial<Activity>,
    logic: TurnLogic,
    notice: ChannelNotice | undefined,
  ): Promise<void> {
    this.goneChats.delete(chatId);
    const context = new TurnContext(this, activity);
    const run: TurnLogic = notice
      ? async (turn) => {
          await turn.sendActivity(this.noticeText(turn, NOTICES[notice]));
          await logic(turn);
        }
      : logic;
    try {
      await this.runMiddleware(context, run);
    } catch (error) {
      // runMiddleware already gave it to onTurnError; this is onTurnError failing, or none set.
      this.deps.logger.error({ err: error, conversationId: chatId }, 'Telegram turn failed');
    }
  }

  private async turnFailed(context: TurnContext, error: unknown): Promise<void> {
    const failure = error instanceof Error ? error : new Error(String(error));
    try {
      if (this.onTurnError) await this.onTurnError(context, failure);
      else throw failure;
    } catch (unrecovered) {
      this.deps.logger.error(
        { err: unrecovered, conversationId: context.activity.conversation?.id },
        'Telegram turn failed',
      );
    }
  }

  /**
   * Stops the button's spinner, showing `text` as a notice when given.
   * NOTE: a failure is logged, not thrown: it is no message to the customer, and the choice
   * itself still counts.
   */
  private async answerQuery(queryId: string, text?: string): Promise<void> {
    try {
      await this.deps.api.call('answerCallbackQuery', { callback_query_id: queryId, text });
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'TelegramAdapter: answerCallbackQuery failed');
    }
  }

  /** A notice in the turn's language, or the customer's Telegram language before locale resolution. */
  private noticeText(context: TurnContext, key: TranslationKey): string {
    const language = findTurnLanguage(context);
    return language ? language.t(key) : this.translate(context.activity.locale)(key);
  }

  private translate(languageCode: string | undefined): ReturnType<typeof translator> {
    return translator(this.deps.i18n, resolveLocale([languageCode], this.deps.defaultLocale));
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
      responses.push({ id: await this.send(chatId, activity) });
    }
    return responses;
  }

  /** Shows one activity; returns its id: the ids of the messages it became, comma-separated. */
  private async send(chatId: string, activity: Partial<Activity>): Promise<string> {
    if (this.goneChats.has(chatId)) {
      throw new ChatGoneError(chatId, 'the customer blocked the bot');
    }
    const values: string[] = [];
    const calls = this.render(activity, chatId, values);
    await this.deps.callbackData.remember(values);
    const ids: string[] = [];
    for (const call of calls) {
      const messageId = await this.perform(chatId, call);
      if (messageId !== undefined) ids.push(String(messageId));
    }
    return ids.join(',');
  }

  private render(activity: Partial<Activity>, chatId: string, values: string[]): BotApiCall[] {
    try {
      return renderActivity(activity, chatId, (value) => {
        values.push(value);
        return CallbackData.encode(value);
      });
    } catch (error) {
      throw new Error(`TelegramAdapter.sendActivities(): ${(error as Error).message}`, { cause: error });
    }
  }

  /** Makes one call; returns the id of the message it sent, if any. */
  private async perform(chatId: string, call: BotApiCall): Promise<number | undefined> {
    // Read before the try: a document that cannot be read is our failure, not Telegram's.
    const upload =
      call.method === 'sendDocument'
        ? Input.fromBuffer(
            await fetchDocument(call.document, this.deps.documents, 'TelegramAdapter.sendActivities()'),
            call.document.fileName,
          )
        : undefined;
    try {
      switch (call.method) {
        case 'sendChatAction':
          await this.deps.api.call('sendChatAction', { chat_id: call.chat_id, action: call.action });
          return undefined;
        case 'sendMessage': {
          const sent = await this.deps.api.call('sendMessage', {
            chat_id: call.chat_id,
            text: call.text,
            reply_markup: call.reply_markup,
          });
          return sent.message_id;
        }
        case 'sendDocument': {
          if (!upload) throw new Error('no document to upload');
          const sent = await this.deps.api.call('sendDocument', {
            chat_id: call.chat_id,
            document: upload,
            reply_markup: call.reply_markup,
          });
          return sent.message_id;
        }
      }
    } catch (error) {
      throw this.failure('sendActivities', chatId, call.method, error);
    }
  }

  /** The error to throw for a failed call; a 403 also marks the chat gone. */
  private failure(operation: string, chatId: string, method: string, error: unknown): Error {
    if (isChatGone(error)) {
      this.chatGone(chatId);
      return new ChatGoneError(chatId, error.description);
    }
    const message = error instanceof Error ? error.message : String(error);
    return new Error(`TelegramAdapter.${operation}(): ${method} to chat ${chatId} failed: ${message}`, {
      cause: error,
    });
  }

  /**
   * Marks the chat gone and tells the bot, once until the customer writes again.
   * NOTE: the bot is told without waiting: this runs inside a turn of the chat, and ending the
   * chat's handoff case may run a turn of the same chat, which would wait for this one forever.
   */
  private chatGone(chatId: string): void {
    if (this.goneChats.has(chatId)) return;
    this.goneChats.add(chatId);
    this.deps.logger.info({ conversationId: chatId }, 'Telegram chat blocked the bot');
    void this.deps
      .conversationGone({ channelId: TELEGRAM_CHANNEL_ID, conversationId: chatId, reason: 'blocked' })
      .catch((error: unknown) =>
        this.deps.logger.error(
          { err: error, conversationId: chatId },
          'TelegramAdapter: conversationGone failed',
        ),
      );
  }

  /** Edits the message the activity became (its text and buttons); extra parts of a split message are deleted. */
  override async updateActivity(
    context: TurnContext,
    activity: Partial<Activity>,
  ): Promise<ResourceResponse | void> {
    const chatId = context.activity.conversation.id;
    const [first, ...rest] = messageIds(activity.id);
    if (first === undefined)
      throw new Error('TelegramAdapter.updateActivity(): the activity needs the id it was sent with');
    const values: string[] = [];
    const calls = this.render(activity, chatId, values);
    const [call, ...more] = calls;
    if (call?.method !== 'sendMessage' || more.length > 0) {
      throw new Error(
        'TelegramAdapter.updateActivity(): only a text of one message (4096 characters) can be edited',
      );
    }
    await this.deps.callbackData.remember(values);
    try {
      await this.deps.api.call('editMessageText', {
        chat_id: chatId,
        message_id: first,
        text: call.text,
        reply_markup: call.reply_markup,
      });
      for (const id of rest) await this.deps.api.call('deleteMessage', { chat_id: chatId, message_id: id });
    } catch (error) {
      throw this.failure('updateActivity', chatId, 'editMessageText', error);
    }
    return { id: String(first) };
  }

  /** Deletes every message the activity became. */
  override async deleteActivity(
    context: TurnContext,
    reference: Partial<ConversationReference>,
  ): Promise<void> {
    const chatId = reference.conversation?.id ?? context.activity.conversation.id;
    const ids = messageIds(reference.activityId);
    if (ids.length === 0)
      throw new Error('TelegramAdapter.deleteActivity(): the reference needs an activityId');
    try {
      for (const id of ids) await this.deps.api.call('deleteMessage', { chat_id: chatId, message_id: id });
    } catch (error) {
      throw this.failure('deleteActivity', chatId, 'deleteMessage', error);
    }
  }

  /** Runs `logic` in an existing chat: an agent's reply, a queue update, the survey. */
  override async continueConversation(
    reference: Partial<ConversationReference>,
    logic: TurnLogic,
  ): Promise<void> {
    const activity = continuationActivity(reference);
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  /** Resolves once every accepted update has been handled (shutdown). */
  idle(): Promise<void> {
    return this.chats.idle();
  }
}

/** The message ids an activity id stands for (`"101,102"` after a split). */
function messageIds(id: string | undefined): number[] {
  return (id ?? '')
    .split(',')
    .filter((part) => /^\d+$/.test(part))
    .map(Number);
}
