import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { SUPPORTED_LOCALES } from '../../../bot/config';
import { translator } from '../../../bot/i18n';
import { resolveLocale } from '../../../bot/i18n';
import { CallbackData } from '../../../channels/telegram/callbackData';
import {
  MAX_MESSAGE_LENGTH,
  mapUpdate,
  renderActivity,
  splitText,
  type InboundContext,
  type InboundUpdate,
} from '../../../channels/telegram/mapper';
import { parseUpdate, type TelegramUpdate } from '../../../channels/telegram/update';
import { i18n, recognizer } from '../../support/dialogTable';

const context: InboundContext = {
  bot: { id: 42, username: 'shop_bot', name: 'Shop' },
  allowGroups: false,
  serviceUrl: 'https://api.telegram.org',
  commandText: (command, languageCode) =>
    translator(i18n, resolveLocale([languageCode], 'en'))(`telegram.commands.${command}.text`),
};

const ana = { id: 1001, is_bot: false, first_name: 'Ana', last_name: 'López', language_code: 'es-ES' };
const bob = { id: 1002, is_bot: false, first_name: 'Bob', language_code: 'en' };
const privateChat = (user: { id: number }) => ({ id: user.id, type: 'private' });

function update(body: Record<string, unknown>): TelegramUpdate {
  const parsed = parseUpdate({ update_id: 9, ...body });
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.update;
}

function message(extra: Record<string, unknown>, from: Record<string, unknown> = bob): TelegramUpdate {
  return update({
    message: {
      message_id: 5,
      date: 1_750_000_000,
      chat: privateChat(from as { id: number }),
      from,
      ...extra,
    },
  });
}

function turnOf(mapped: InboundUpdate): Extract<InboundUpdate, { kind: 'turn' }> {
  assert.equal(mapped.kind, 'turn', JSON.stringify(mapped));
  return mapped;
}

const command = (text: string, from = bob) =>
  message({ text, entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] }, from);

describe('Telegram mapper', () => {
  describe('mapUpdate()', () => {
    it('maps a text message to a message activity with the customer identity and locale hint', () => {
      const { chatId, activity, notice } = turnOf(
        mapUpdate(message({ text: 'where is my order' }, ana), context),
      );
      assert.equal(chatId, '1001');
      assert.equal(notice, undefined);
      assert.deepEqual(
        {
          type: activity.type,
          id: activity.id,
          channelId: activity.channelId,
          text: activity.text,
          from: activity.from,
          recipient: activity.recipient,
          conversation: activity.conversation,
          locale: activity.locale,
          timestamp: activity.timestamp?.toISOString(),
        },
        {
          type: 'message',
          id: '5',
          channelId: 'telegram',
          text: 'where is my order',
          from: { id: 'tg:1001', name: 'Ana López', role: 'user' },
          recipient: { id: 'tg:42', name: 'Shop', role: 'bot' },
          conversation: { id: '1001', isGroup: false, conversationType: 'private', name: '' },
          locale: 'es-ES',
          timestamp: new Date(1_750_000_000_000).toISOString(),
        },
      );
    });

    it('maps /start to an empty message and carries the deep-link payload', () => {
      const plain = turnOf(mapUpdate(command('/start'), context)).activity;
      assert.equal(plain.text, '');
      assert.equal(plain.value, undefined);
      const linked = turnOf(mapUpdate(command('/start campaign_42'), context)).activity;
      assert.equal(linked.text, '');
      assert.deepEqual(linked.value, { startPayload: 'campaign_42' });
    });

    const commands: [text: string, from: typeof ana | typeof bob, expected: string][] = [
      ['/help', bob, 'help'],
      ['/agent', bob, 'agent'],
      ['/language', bob, 'language'],
      ['/help', ana, 'ayuda'],
      ['/agent', ana, 'agente'],
      ['/language', ana, 'idioma'],
      [`/help@shop_bot`, bob, 'help'],
    ];
    for (const [text, from, expected] of commands) {
      it(`maps ${text} from a ${from.language_code} customer to "${expected}"`, () => {
        assert.equal(turnOf(mapUpdate(command(text, from), context)).activity.text, expected);
      });
    }

    it('gives every command a word the recognizer takes for its intent, in every locale', async () => {
      const intents = { help: 'help', agent: 'humanAgent', language: 'changeLanguage' } as const;
      for (const locale of SUPPORTED_LOCALES) {
        for (const [name, intent] of Object.entries(intents)) {
          const text = context.commandText(name as keyof typeof intents, locale);
          const result = await recognizer.recognize(text, locale);
          assert.equal(result.intent, intent, `${locale} /${name} → "${text}"`);
          // The word is one of the intent's own examples, which the recognizer is sure of.
          assert.ok(result.score >= 0.95, `${locale} /${name} → "${text}" scored ${result.score}`);
        }
      }
    });

    it('ignores a command addressed to another bot and passes unknown commands through as text', () => {
      assert.equal(mapUpdate(command('/help@other_bot'), context).kind, 'ignored');
      assert.equal(turnOf(mapUpdate(command('/order'), context)).activity.text, '/order');
    });

    for (const [kind, body] of [
      ['photo', [{ file_id: 'p', width: 1, height: 1 }]],
      ['document', { file_id: 'd', file_name: 'invoice.pdf' }],
      ['voice', { file_id: 'v', duration: 3 }],
      ['sticker', { file_id: 's', type: 'regular' }],
      ['location', { latitude: 40.4, longitude: -3.7 }],
    ] as const) {
      it(`maps a ${kind} to a text-less message with the text-only notice`, () => {
        const { activity, notice } = turnOf(mapUpdate(message({ [kind]: body }), context));
        assert.equal(notice, 'textOnly');
        assert.equal(activity.type, 'message');
        assert.equal(activity.text, '');
        assert.deepEqual(activity.attachments, [
          { contentType: 'application/vnd.telegram.unreadable', name: kind },
        ]);
      });
    }

    it('keeps the caption of a photo as the text', () => {
      const { activity, notice } = turnOf(
        mapUpdate(message({ photo: [{ file_id: 'p' }], caption: 'it arrived broken' }), context),
      );
      assert.equal(activity.text, 'it arrived broken');
      assert.equal(notice, 'textOnly');
    });

    it('maps an edited message to a messageUpdate with the edit notice', () => {
      const mapped = turnOf(
        mapUpdate(
          update({
            edited_message: { message_id: 5, date: 1, chat: privateChat(bob), from: bob, text: 'SB-10002' },
          }),
          context,
        ),
      );
      assert.equal(mapped.activity.type, 'messageUpdate');
      assert.equal(mapped.activity.text, 'SB-10002');
      assert.equal(mapped.notice, 'editNotSeen');
    });

    it('maps a button press to a choice carrying its data', () => {
      const mapped = mapUpdate(
        update({
          callback_query: {
            id: 'q1',
            from: ana,
            message: { message_id: 7, chat: privateChat(ana) },
            data: 'v:Yes',
          },
        }),
        context,
      );
      assert.equal(mapped.kind, 'choice');
      if (mapped.kind !== 'choice') return;
      assert.deepEqual([mapped.chatId, mapped.queryId, mapped.data], ['1001', 'q1', 'v:Yes']);
      assert.equal(mapped.activity.type, 'message');
      assert.equal(mapped.activity.from?.id, 'tg:1001');
      assert.equal(mapped.activity.locale, 'es-ES');
    });

    it('only answers button presses it does not serve', () => {
      const group = { id: -500, type: 'supergroup', title: 'Fans' };
      const mapped = mapUpdate(
        update({
          callback_query: { id: 'q2', from: bob, message: { message_id: 7, chat: group }, data: 'v:x' },
        }),
        context,
      );
      assert.deepEqual(mapped, {
        kind: 'answerOnly',
        queryId: 'q2',
        reason: 'group chats are not served (TELEGRAM_ALLOW_GROUPS)',
      });
      assert.equal(
        mapUpdate(update({ callback_query: { id: 'q3', from: bob, data: 'v:x' } }), context).kind,
        'answerOnly',
      );
    });

    it('ignores group chats unless they are allowed', () => {
      const group = { id: -500, type: 'group', title: 'Fans' };
      const inGroup = update({ message: { message_id: 1, date: 1, chat: group, from: bob, text: 'hi' } });
      assert.equal(mapUpdate(inGroup, context).kind, 'ignored');
      const mapped = turnOf(mapUpdate(inGroup, { ...context, allowGroups: true }));
      assert.equal(mapped.chatId, '-500');
      assert.equal(mapped.activity.conversation?.isGroup, true);
      assert.equal(mapped.activity.from?.id, 'tg:1002');
    });

    it('ignores messages from bots, channel posts, service messages and other update types', () => {
      assert.equal(mapUpdate(message({ text: 'hi' }, { ...bob, is_bot: true }), context).kind, 'ignored');
      const channel = { id: -100, type: 'channel' };
      assert.equal(
        mapUpdate(
          update({ message: { message_id: 1, date: 1, chat: channel, from: bob, text: 'x' } }),
          context,
        ).kind,
        'ignored',
      );
      assert.equal(mapUpdate(message({ new_chat_title: 'x' }), context).kind, 'ignored');
      assert.equal(mapUpdate(update({ inline_query: { id: 'i' } }), context).kind, 'ignored');
    });

    it('maps the customer blocking and unblocking the bot', () => {
      const member = (status: string) =>
        update({ my_chat_member: { chat: privateChat(bob), from: bob, new_chat_member: { status } } });
      assert.deepEqual(mapUpdate(member('kicked'), context), {
        kind: 'membership',
        chatId: '1002',
        blocked: true,
      });
      assert.deepEqual(mapUpdate(member('member'), context), {
        kind: 'membership',
        chatId: '1002',
        blocked: false,
      });
    });
  });

  describe('parseUpdate()', () => {
    it('names what is wrong with a body that is not an update', () => {
      assert.deepEqual(parseUpdate({ message: {} }), {
        problem: 'update_id: Invalid input: expected number, received undefined',
      });
      assert.ok('problem' in parseUpdate('nonsense'));
      assert.ok('problem' in parseUpdate({ update_id: 1, message: { message_id: 'x' } }));
    });

    it('keeps only the fields the channel reads', () => {
      const parsed = parseUpdate({
        update_id: 1,
        message: { message_id: 1, date: 1, chat: { id: 1, type: 'private' }, secret: 'x' },
      });
      assert.ok('update' in parsed);
      assert.equal('secret' in (parsed.update.message ?? {}), false);
    });
  });

  describe('splitText()', () => {
    it('leaves a message within the limit alone', () => {
      assert.deepEqual(splitText('short'), ['short']);
    });

    it('cuts at paragraph breaks first', () => {
      const first = 'a'.repeat(3000);
      const second = 'b'.repeat(3000);
      assert.deepEqual(splitText(`${first}\n\n${second}`), [first, second]);
    });

    it('cuts after a sentence when a paragraph is too long', () => {
      const sentence = `${'word '.repeat(19)}end.`; // 99 characters
      const text = Array.from({ length: 60 }, () => sentence).join(' ');
      const parts = splitText(text);
      assert.equal(parts.length, 2);
      for (const part of parts) {
        assert.ok(part.length <= MAX_MESSAGE_LENGTH, `${part.length}`);
        assert.ok(part.endsWith('end.'), part.slice(-10));
      }
      assert.equal(parts.join(' '), text);
    });

    it('cuts a word longer than a message without splitting a character', () => {
      const text = `${'x'.repeat(MAX_MESSAGE_LENGTH - 1)}😀${'y'.repeat(10)}`;
      const parts = splitText(text);
      assert.deepEqual(parts, ['x'.repeat(MAX_MESSAGE_LENGTH - 1), `😀${'y'.repeat(10)}`]);
    });
  });

  describe('renderActivity()', () => {
    const encode = (value: string) => CallbackData.encode(value);

    it('sends plain text with no parse mode and nothing from channelData', () => {
      const calls = renderActivity(
        {
          type: 'message',
          text: 'Hi *there* <b>',
          channelData: { parse_mode: 'HTML', switchboardAgent: { id: 'a' } },
        },
        '1002',
        encode,
      );
      assert.deepEqual(calls, [{ method: 'sendMessage', chat_id: '1002', text: 'Hi *there* <b>' }]);
    });

    it("sends an agent's reply signed with the agent's name, Telegram having no sender per message", () => {
      const calls = renderActivity(
        {
          type: 'message',
          text: 'hi',
          channelData: {
            switchboardSender: { id: 'agent:7', name: 'Ana García', signedText: 'Ana (agent): hi' },
          },
        },
        '1002',
        encode,
      );
      assert.deepEqual(calls, [{ method: 'sendMessage', chat_id: '1002', text: 'Ana (agent): hi' }]);
    });

    it('turns suggested actions into an inline keyboard on the last part', () => {
      const activity: Partial<Activity> = {
        type: 'message',
        text: `${'a'.repeat(3000)}\n\n${'b'.repeat(3000)}`,
        suggestedActions: {
          to: [],
          actions: [
            { type: 'imBack', title: 'Yes', value: 'Yes' },
            { type: 'imBack', title: 'No', value: 'No' },
            { type: 'imBack', title: 'Return an item', value: 'Return an item' },
            { type: 'openUrl', title: 'Our returns policy', value: 'https://shop.example/returns' },
          ],
        },
      };
      const calls = renderActivity(activity, '1002', encode);
      assert.equal(calls.length, 2);
      assert.equal(calls[0]!.method === 'sendMessage' && calls[0]!.reply_markup, undefined);
      assert.deepEqual(calls[1]!.method === 'sendMessage' && calls[1]!.reply_markup, {
        inline_keyboard: [
          [
            { text: 'Yes', callback_data: 'v:Yes' },
            { text: 'No', callback_data: 'v:No' },
            { text: 'Return an item', callback_data: 'v:Return an item' },
          ],
          [{ text: 'Our returns policy', url: 'https://shop.example/returns' }],
        ],
      });
    });

    it('puts a long value behind a short id that fits in 64 bytes', () => {
      const value = 'SB-10001 del 3 de junio de 2025 — Zapatillas de correr, talla 42';
      const calls = renderActivity(
        {
          type: 'message',
          text: '?',
          suggestedActions: { to: [], actions: [{ type: 'imBack', title: value, value }] },
        },
        '1',
        encode,
      );
      const button =
        calls[0]!.method === 'sendMessage' ? calls[0]!.reply_markup?.inline_keyboard[0]?.[0] : undefined;
      assert.ok(button && 'callback_data' in button);
      assert.match(button.callback_data, /^h:[\w-]{22}$/);
      assert.equal(button.text, value);
    });

    it('sends files as documents after the text, and renders hero cards', () => {
      const calls = renderActivity(
        {
          type: 'message',
          text: 'Your return is ready.',
          attachments: [
            {
              contentType: 'application/pdf',
              contentUrl: 'https://bot.example/labels/R1?sig=x',
              name: 'label.pdf',
            },
            {
              contentType: 'application/vnd.microsoft.card.hero',
              content: { title: 'Pick one', buttons: [{ type: 'imBack', title: 'A', value: 'A' }] },
            },
          ],
        },
        '1',
        encode,
      );
      assert.deepEqual(calls, [
        { method: 'sendMessage', chat_id: '1', text: 'Your return is ready.\n\nPick one' },
        {
          method: 'sendDocument',
          chat_id: '1',
          document: {
            url: 'https://bot.example/labels/R1?sig=x',
            fileName: 'label.pdf',
            contentType: 'application/pdf',
          },
          reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'v:A' }]] },
        },
      ]);
    });

    it('maps typing to a chat action and skips events', () => {
      assert.deepEqual(renderActivity({ type: 'typing' }, '1', encode), [
        { method: 'sendChatAction', chat_id: '1', action: 'typing' },
      ]);
      assert.deepEqual(renderActivity({ type: 'event', name: 'handoff.initiate' }, '1', encode), []);
    });

    it('refuses what Telegram cannot show, naming it', () => {
      assert.throws(
        () =>
          renderActivity(
            {
              type: 'message',
              attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: {} }],
            },
            '1',
            encode,
          ),
        /renderActivity\(\): an attachment of type application\/vnd\.microsoft\.card\.adaptive cannot be shown/,
      );
    });
  });
});
