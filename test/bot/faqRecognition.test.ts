import assert from 'node:assert/strict';
import { SUPPORTED_LOCALES } from '../../bot/config';
import { loadFaq } from '../../bot/content/faq';
import { localesDir } from '../../bot/i18n';
import { canonicalText } from '../../bot/language/features';
import { loadIntentExamples } from '../../bot/language/recognizer';
import { TrainedRecognizer } from '../../bot/language/trainedRecognizer';
import { recognizePhrase } from '../../bot/recognizeCommand';
import { DEFAULT_CONFIDENCE } from '../../dialogs/confidencePolicy';

/**
 * Ways of asking the shipped FAQ that are not in any faq.json, and task phrases the FAQ must not
 * take: [locale, text, expected intent or FAQ id].
 */
const HELD_OUT: [locale: string, text: string, expected: string][] = [
  ['en', 'how much is postage', 'shipping-costs'],
  ['en', 'how long is shipping to france', 'delivery-times'],
  ['en', 'do you ship to canada', 'international-shipping'],
  ['en', 'do you accept mastercard', 'payment-methods'],
  ['en', 'when does your store open on saturday', 'opening-hours'],
  ['en', 'is my gps watch still under guarantee', 'warranty'],
  ['en', 'do gift cards expire', 'gift-cards'],
  ['en', 'i need an invoice for my company', 'invoice'],
  ['en', 'wrong delivery address', 'change-delivery-address'],
  ['en', 'do you offer click & collect', 'store-pickup'],
  ['es', '¿los portes son gratis?', 'shipping-costs'],
  ['es', '¿cuántos días tarda en llegar a alemania?', 'delivery-times'],
  ['es', '¿enviáis a canadá?', 'international-shipping'],
  ['es', '¿puedo pagar con visa?', 'payment-methods'],
  ['es', '¿a qué hora abre la tienda el sábado?', 'opening-hours'],
  ['es', '¿cuánta garantía tienen las botas?', 'warranty'],
  ['es', 'necesito una factura para la empresa', 'invoice'],
  ['es', 'quiero cambiar la dirección del envío', 'change-delivery-address'],
  ['es', '¿puedo pasar a recogerlo por la tienda?', 'store-pickup'],
  ['zh-CN', '寄到上海运费多少钱', 'shipping-costs'],
  ['zh-CN', '寄到法国要几天', 'delivery-times'],
  ['zh-CN', '可以用visa付款吗', 'payment-methods'],
  ['zh-CN', '周六几点开门', 'opening-hours'],
  ['zh-CN', '登山靴保修多久', 'warranty'],
  ['zh-CN', '我想改一下收货地址', 'change-delivery-address'],
  ['zh-CN', '我可以去店里取货吗', 'store-pickup'],
  ['zh-TW', '寄到台北運費多少錢', 'shipping-costs'],
  ['zh-TW', '可以寄到加拿大嗎', 'international-shipping'],
  ['zh-TW', '週六幾點開門', 'opening-hours'],
  ['zh-TW', '登山靴保固多久', 'warranty'],
  ['zh-TW', '可以買禮物卡送人嗎', 'gift-cards'],
  ['zh-TW', '我需要公司發票', 'invoice'],
  ['lv', 'cik maksā sūtīšana uz liepāju', 'shipping-costs'],
  ['lv', 'cik dienas iet paka uz vāciju', 'delivery-times'],
  ['lv', 'vai sūtāt uz kanādu', 'international-shipping'],
  ['lv', 'vai var maksāt ar visa karti', 'payment-methods'],
  ['lv', 'cikos sestdien atverat veikalu', 'opening-hours'],
  ['lv', 'cik ilga garantija ir zābakiem', 'warranty'],
  ['lv', 'gribu nomainīt piegādes adresi', 'change-delivery-address'],
  ['lv', 'vai varu izņemt preci jūsu veikalā', 'store-pickup'],
  // Task phrases stay tasks.
  ['en', 'where is my order', 'orderStatus'],
  ['en', 'when will my order arrive', 'orderStatus'],
  ['en', 'has my order shipped', 'orderStatus'],
  ['en', 'delivery', 'orderStatus'],
  ['en', 'I want to return an item', 'returnItem'],
  ['es', '¿cuándo llega mi pedido?', 'orderStatus'],
  ['zh-CN', '我的快递什么时候到', 'orderStatus'],
  ['zh-TW', '我要退貨', 'returnItem'],
  ['lv', 'kad pienāks mans pasūtījums', 'orderStatus'],
  ['lv', 'gribu atgriezt preci', 'returnItem'],
];

describe('TrainedRecognizer with the FAQ (locales/<locale>/faq.json)', () => {
  const recognizer = TrainedRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES);
  const faq = loadFaq(localesDir(), SUPPORTED_LOCALES);

  it('the held-out phrasings are in no faq.json or intents.json', () => {
    const examples = loadIntentExamples(localesDir(), SUPPORTED_LOCALES);
    const taught = new Set(
      SUPPORTED_LOCALES.flatMap((locale) => [
        ...(faq[locale] ?? []).flatMap((entry) => entry.questions),
        ...Object.values(examples[locale] ?? {}).flat(),
      ]).map(canonicalText),
    );
    const faqIds = new Set(Object.values(faq).flatMap((entries) => entries.map((entry) => entry.id)));
    const heldOut = HELD_OUT.filter(([, , expected]) => faqIds.has(expected));
    assert.deepEqual(
      heldOut.filter(([, text]) => taught.has(canonicalText(text))),
      [],
    );
  });

  for (const [locale, text, expected] of HELD_OUT) {
    it(`${locale}: "${text}" is ${expected}, sure enough to act on`, () => {
      const result = recognizer.classify(text, locale);
      const got = result.intent === 'faq' ? result.faq : result.intent;
      assert.equal(got, expected, JSON.stringify(result.ranking));
      assert.ok(result.score >= DEFAULT_CONFIDENCE.route, `score ${result.score}`);
    });
  }

  it('"how much is shipping" is shipping-costs and "where is my order" stays orderStatus', () => {
    const shipping = recognizer.classify('how much is shipping', 'en');
    assert.deepEqual([shipping.intent, shipping.faq], ['faq', 'shipping-costs']);
    const order = recognizer.classify('where is my order', 'en');
    assert.equal(order.intent, 'orderStatus');
    assert.ok(order.score >= 0.95, String(order.score));
  });

  it('a question of the FAQ names its entry, with intent "faq" and a ranking that holds FAQ entries', () => {
    const result = recognizer.classify('How much does shipping cost?', 'en');
    assert.equal(result.intent, 'faq');
    assert.equal(result.faq, 'shipping-costs');
    assert.ok(result.score >= 0.95, String(result.score));
    assert.deepEqual(result.ranking?.[0], { intent: 'faq', faq: 'shipping-costs', score: result.score });
  });

  it('every shipped question is read as its own entry, in every locale', () => {
    const wrong: string[] = [];
    for (const locale of SUPPORTED_LOCALES) {
      for (const entry of faq[locale] ?? []) {
        for (const question of entry.questions) {
          const result = recognizer.classify(question, locale);
          if (result.faq !== entry.id) wrong.push(`${locale} "${question}" → ${result.faq ?? result.intent}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('an FAQ question identical to an intent example leaves the example to the intent', () => {
    const taught = new TrainedRecognizer(
      { en: { orderStatus: ['where is my order', 'track my parcel'], None: ['bananas'] } },
      undefined,
      {
        en: [{ id: 'order-help', questions: ['where is my order', 'can you help with orders'], answer: 'x' }],
      },
    );
    assert.equal(taught.classify('where is my order', 'en').intent, 'orderStatus');
  });

  it('refuses an FAQ id that is an intent name', () => {
    assert.throws(
      () =>
        new TrainedRecognizer({ en: { help: ['help'] } }, undefined, {
          en: [{ id: 'help', questions: ['what can you do'], answer: 'x' }],
        }),
      /FAQ id "help" in locale en is an intent name/,
    );
  });

  it('without an FAQ nothing is read as one', () => {
    const plain = new TrainedRecognizer(loadIntentExamples(localesDir(), ['en']));
    const result = plain.classify('how much does shipping cost', 'en');
    assert.notEqual(result.intent, 'faq');
    assert.ok(result.ranking?.every((entry) => entry.intent !== 'faq'));
  });

  it('recognizePhrase() (what cli recognize prints) gives the FAQ id as the intent', async () => {
    const printed = await recognizePhrase(
      { text: '¿Cuánto cuesta el envío?', locale: 'es' },
      { recognizer, detector: { detect: () => Promise.resolve(undefined) }, defaultLocale: 'en' },
    );
    assert.equal(printed.intent, 'shipping-costs');
    assert.equal(printed.locale, 'es');
  });
});
