import assert from 'node:assert/strict';
import { SUPPORTED_LOCALES } from '../../bot/config';
import { localesDir, resolveLocale } from '../../bot/i18n';
import { extractEntities } from '../../bot/language/entities';
import { KeywordRecognizer } from '../../bot/language/keywordRecognizer';
import { normalizeUtterance } from '../../bot/language/recognizer';
import { TrainedRecognizer } from '../../bot/language/trainedRecognizer';

describe('normalizeUtterance()', () => {
  it('folds case, accents and punctuation', () => {
    assert.equal(normalizeUtterance('  ¿Dónde ESTÁ mi pedido?! '), 'donde esta mi pedido');
  });
});

describe('TrainedRecognizer', () => {
  const recognizer = TrainedRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES);

  const cases: [text: string, locale: string, intent: string][] = [
    ['Where is my order #12345?', 'en', 'orderStatus'],
    ['I want to return my order', 'en', 'returnItem'],
    ['Can I book an appointment for Tuesday?', 'en', 'appointment'],
    ['cancel my appointment please', 'en', 'appointment'],
    // The traps: "cancel" inside a task about a visit is that task, alone it is cancel.
    ['cancel my visit on friday', 'en', 'appointment'],
    ['anular mi cita del viernes', 'es', 'appointment'],
    ['I want to cancel', 'en', 'cancel'],
    ['cancel', 'en', 'cancel'],
    ['HELP', 'en', 'help'],
    ['I want to talk to a person', 'en', 'humanAgent'],
    ['hi there', 'en', 'greeting'],
    ['wehre is my pakcage', 'en', 'orderStatus'],
    ['¿Dónde está mi pedido?', 'es', 'orderStatus'],
    ['quiero devolver unas zapatillas', 'es', 'returnItem'],
    ['cancelar mi cita', 'es', 'appointment'],
    ['quiero hablar con una persona', 'es', 'humanAgent'],
    ['idioma', 'es', 'changeLanguage'],
    ['我的订单到哪了', 'zh-CN', 'orderStatus'],
    ['我的訂單到哪了', 'zh-TW', 'orderStatus'],
    ['取消我周五的预约', 'zh-CN', 'appointment'],
    ['Kur ir mans pasūtījums?', 'lv', 'orderStatus'],
    ['atcelt manu piektdienas vizīti', 'lv', 'appointment'],
    ['the weather in Riga', 'en', 'None'],
    ['xyzzy 42', 'en', 'None'],
    ['yes', 'en', 'None'],
    ['', 'en', 'None'],
  ];
  for (const [text, locale, intent] of cases) {
    it(`recognize() reads "${text}" (${locale}) as ${intent}`, async () => {
      assert.equal((await recognizer.recognize(text, locale)).intent, intent);
    });
  }

  it('recognize() understands another supported language when the turn locale is unsure', async () => {
    const spanish = await recognizer.recognize('quiero hablar con alguien', 'en');
    assert.deepEqual([spanish.intent, spanish.locale], ['humanAgent', 'es']);
    const chinese = await recognizer.recognize('轉人工', 'en');
    assert.deepEqual([chinese.intent, chinese.locale], ['humanAgent', 'zh-TW']);
  });

  it('recognize() gives an exact example at least 0.95 and a near-miss less', async () => {
    const exact = await recognizer.recognize('Where is my order?', 'en');
    const longer = await recognizer.recognize('my order number is 1234 and also help', 'en');
    assert.ok(exact.score >= 0.95, String(exact.score));
    assert.ok(longer.score < exact.score, `${longer.score} < ${exact.score}`);
  });

  it('recognize() scores in 0..1 and ranks the best intents first', async () => {
    const result = await recognizer.recognize('cancel my visit', 'en');
    const scores = (result.ranking ?? []).map((entry) => entry.score);
    assert.equal(scores.length, 3);
    assert.deepEqual(
      [...scores].sort((a, b) => b - a),
      scores,
    );
    for (const score of scores) assert.ok(score >= 0 && score <= 1, String(score));
    assert.equal(result.ranking?.[0]?.intent, result.intent);
  });

  it('recognize() returns the entities of the message', async () => {
    const result = await recognizer.recognize(
      'return the jacket from SB-10002, write to ana@example.com',
      'en',
    );
    assert.deepEqual(result.entities, [
      { type: 'orderNumber', value: 'SB-10002' },
      { type: 'email', value: 'ana@example.com' },
    ]);
  });

  it('rejects an unknown intent name in the examples', () => {
    assert.throws(
      () => new TrainedRecognizer({ en: { refunds: ['x'] } as never }),
      /unknown intent "refunds" in locale en/,
    );
  });
});

describe('extractEntities()', () => {
  const cases: [text: string, expected: ReturnType<typeof extractEntities>][] = [
    ['帮我查一下订单SB-10001', [{ type: 'orderNumber', value: 'SB-10001' }]],
    [
      'pasūtījums 10002, tālr. +371 2000 0000',
      [
        { type: 'orderNumber', value: '10002' },
        { type: 'phone', value: '+371 2000 0000' },
      ],
    ],
    ['mover la cita BK-7Q4M2X', [{ type: 'bookingReference', value: 'BK-7Q4M2X' }]],
    ['Mi correo es Ana@Example.com', [{ type: 'email', value: 'ana@example.com' }]],
    ['nothing here', []],
  ];
  for (const [text, expected] of cases) {
    it(`finds ${expected.map((entity) => entity.type).join(', ') || 'nothing'} in "${text}"`, () => {
      assert.deepEqual(extractEntities(text), expected);
    });
  }
});

describe('KeywordRecognizer (the baseline)', () => {
  it('matches the longest example inside unspaced scripts', async () => {
    const zh = new KeywordRecognizer({ 'zh-CN': { orderStatus: ['订单'], cancel: ['取消'] } });
    assert.equal((await zh.recognize('我的订单在哪里', 'zh-CN')).intent, 'orderStatus');
  });
});

describe('resolveLocale()', () => {
  const cases: [candidates: (string | undefined)[], expected: string][] = [
    [['es'], 'es'],
    [['es-MX'], 'es'],
    [['ES_mx'], 'es'],
    [['en-GB'], 'en'],
    [[undefined, 'es-AR'], 'es'],
    [['fr-FR', 'es'], 'es'],
    [['fr-FR'], 'en'],
    [['zh'], 'zh-CN'],
    [['zh-Hans'], 'zh-CN'],
    [['zh-SG'], 'zh-CN'],
    [['zh-Hant'], 'zh-TW'],
    [['zh-HK'], 'zh-TW'],
    [['zh_TW'], 'zh-TW'],
    [['lv-LV'], 'lv'],
    [[], 'en'],
  ];
  for (const [candidates, expected] of cases) {
    it(`picks ${expected} from ${JSON.stringify(candidates)}`, () => {
      assert.equal(resolveLocale(candidates, 'en'), expected);
    });
  }

  it('uses the default locale when nothing matches', () => {
    assert.equal(resolveLocale(['de'], 'es'), 'es');
  });
});
