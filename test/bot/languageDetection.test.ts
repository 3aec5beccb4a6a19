import assert from 'node:assert/strict';
import { MemoryStorage, TestAdapter, type TurnContext } from 'botbuilder';
import { SUPPORTED_LOCALES } from '../../bot/config';
import { createI18n } from '../../bot/i18n';
import { LocalLanguageDetector, wordCount } from '../../bot/language/languageDetection';
import { LocaleResolution, turnLanguage } from '../../bot/middleware';
import { BotStateSet } from '../../bot/state';

describe('LocalLanguageDetector', () => {
  let detector: LocalLanguageDetector;
  before(async () => {
    detector = await LocalLanguageDetector.load(SUPPORTED_LOCALES, 'en');
  });

  const phrases: [text: string, locale: string][] = [
    ['where is my order, it has been a week', 'en'],
    ['these shoes do not fit me', 'en'],
    ['¿dónde está mi pedido? llevo una semana esperando', 'es'],
    ['quiero devolver unas zapatillas', 'es'],
    ['我的订单到哪了，已经一个星期了', 'zh-CN'],
    ['我想预约下周二试穿靴子', 'zh-CN'],
    ['我的訂單到哪裡了，已經一個禮拜了', 'zh-TW'],
    ['我想預約下週二試穿靴子', 'zh-TW'],
    ['Kur ir mans pasūtījums? Gaidu jau nedēļu', 'lv'],
    ['gribu atgriezt šīs kurpes', 'lv'],
  ];
  for (const [text, locale] of phrases) {
    it(`detect() reads "${text}" as ${locale}`, () => {
      assert.equal(detector.detect(text, 'en-US'), locale);
    });
  }

  it('detect() leaves messages under three words alone', () => {
    for (const text of ['hola', 'gracias', 'sveiki', '你好', 'ok thanks']) {
      assert.equal(detector.detect(text, 'en'), undefined, text);
    }
  });

  it('detect() says nothing about a language the bot does not speak', () => {
    assert.equal(detector.detect('wo ist meine Bestellung, ich warte schon eine Woche', 'en'), undefined);
  });

  it("detect() follows the channel's hint when the characters are the same in both scripts", () => {
    const shared = '你好我想知道'; // no character differs between the scripts
    assert.equal(detector.detect(shared, 'zh-HK'), 'zh-TW');
    assert.equal(detector.detect(shared, 'en'), 'zh-CN');
  });

  it('wordCount() counts a word per two Chinese characters', () => {
    assert.deepEqual(
      [wordCount('where is my order'), wordCount('我的订单'), wordCount('订单 SB-10001')],
      [4, 2, 3],
    );
  });
});

describe('LocaleResolution with detection', () => {
  /** Sends each text with the channel locale `en-US`; returns the turn locale of each. */
  async function localesOf(texts: string[], choose?: string): Promise<string[]> {
    const detector = await LocalLanguageDetector.load(SUPPORTED_LOCALES, 'en');
    const state = new BotStateSet(new MemoryStorage());
    const seen: string[] = [];
    const adapter = new TestAdapter(async (context: TurnContext) => {
      seen.push(turnLanguage(context).locale);
      if (choose && context.activity.text === 'choose') {
        const profile = await state.profile.get(context, {});
        await state.profile.set(context, { ...profile, locale: choose });
      }
      await state.userState.saveChanges(context);
      await context.sendActivity('ok');
    });
    adapter.use(new LocaleResolution(createI18n(), state.profile, 'en', detector));
    for (const text of texts)
      await adapter.send({ type: 'message', text, locale: 'en-US' }).assertReply('ok');
    return seen;
  }

  it('onTurn() switches to the language of a first message of three words or more, and it sticks', async () => {
    assert.deepEqual(
      await localesOf(['¿dónde está mi pedido? llevo una semana', 'ok', 'where is my order please tell me']),
      ['es', 'es', 'es'],
    );
  });

  it('onTurn() keeps the channel locale for a short first message and detects a later longer one', async () => {
    assert.deepEqual(await localesOf(['hola', 'Kur ir mans pasūtījums? Gaidu jau nedēļu', 'hello']), [
      'en',
      'lv',
      'lv',
    ]);
  });

  it("onTurn() lets the customer's choice win over the detected language mid-conversation", async () => {
    assert.deepEqual(
      await localesOf(['我的订单到哪了，已经一个星期了', 'choose', 'where is my order now please'], 'lv'),
      ['zh-CN', 'zh-CN', 'lv'],
    );
  });
});
