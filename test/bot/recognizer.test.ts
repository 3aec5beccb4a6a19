import assert from 'node:assert/strict';
import { SUPPORTED_LOCALES } from '../../bot/config';
import { localesDir, resolveLocale } from '../../bot/i18n';
import { KeywordRecognizer, normalizeUtterance } from '../../bot/language/recognizer';

describe('normalizeUtterance()', () => {
  it('folds case, accents and punctuation', () => {
    assert.equal(normalizeUtterance('  ¿Dónde ESTÁ mi pedido?! '), 'donde esta mi pedido');
  });
});

describe('KeywordRecognizer', () => {
  const recognizer = KeywordRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES);

  const cases: [text: string, locale: string, intent: string][] = [
    ['Where is my order #12345?', 'en', 'orderStatus'],
    ['I want to return my order', 'en', 'returnItem'],
    ['Can I book an appointment for Tuesday?', 'en', 'appointment'],
    ['cancel my appointment please', 'en', 'appointment'],
    ['cancel', 'en', 'cancel'],
    ['HELP', 'en', 'help'],
    ['I want to talk to a person', 'en', 'humanAgent'],
    ['hi there', 'en', 'greeting'],
    ['¿Dónde está mi pedido?', 'es', 'orderStatus'],
    ['quiero devolver unas zapatillas', 'es', 'returnItem'],
    ['cancelar mi cita', 'es', 'appointment'],
    ['quiero hablar con una persona', 'es', 'humanAgent'],
    ['idioma', 'es', 'changeLanguage'],
    ['the weather in Riga', 'en', 'None'],
    ['', 'en', 'None'],
  ];
  for (const [text, locale, intent] of cases) {
    it(`recognize() reads "${text}" (${locale}) as ${intent}`, async () => {
      assert.equal((await recognizer.recognize(text, locale)).intent, intent);
    });
  }

  it('recognize() understands another supported language when the turn locale has no match', async () => {
    const result = await recognizer.recognize('agente', 'en');
    assert.deepEqual(result, { intent: 'humanAgent', score: 1, locale: 'es' });
  });

  it('recognize() scores how much of the message the example covers', async () => {
    const whole = await recognizer.recognize('help', 'en');
    const part = await recognizer.recognize('my order number is 1234 help', 'en');
    assert.equal(whole.score, 1);
    assert.ok(part.score < 0.5, String(part.score));
  });

  it('matches inside unspaced scripts', async () => {
    const zh = new KeywordRecognizer({ 'zh-CN': { orderStatus: ['订单'] } });
    assert.equal((await zh.recognize('我的订单在哪里', 'zh-CN')).intent, 'orderStatus');
  });

  it('rejects an unknown intent name in the examples', () => {
    assert.throws(
      () => new KeywordRecognizer({ en: { refunds: ['x'] } as never }),
      /unknown intent "refunds" in locale en/,
    );
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

  it('maps Chinese tags to simplified or traditional', () => {
    const supported = ['en', 'zh-CN', 'zh-TW'];
    assert.equal(resolveLocale(['zh'], 'en', supported), 'zh-CN');
    assert.equal(resolveLocale(['zh-Hans-SG'], 'en', supported), 'zh-CN');
    assert.equal(resolveLocale(['zh-HK'], 'en', supported), 'zh-TW');
    assert.equal(resolveLocale(['zh-Hant'], 'en', supported), 'zh-TW');
    assert.equal(resolveLocale(['zh-tw'], 'en', supported), 'zh-TW');
  });
});
