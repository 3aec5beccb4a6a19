import assert from 'node:assert/strict';
import { SUPPORTED_LOCALES } from '../../bot/config';
import { createI18n, flattenBundle, placeholdersOf, readBundle, type TranslationKey } from '../../bot/i18n';
import { rememberingTranslator } from '../../bot/rememberedTexts';

/** Every key of the English bundle, plural forms as the key code uses. */
const KEYS = [
  ...new Set(
    [...flattenBundle(readBundle('en')).keys()].map((key) =>
      key.replace(/_(zero|one|two|few|many|other)$/, ''),
    ),
  ),
] as TranslationKey[];

describe('rememberingTranslator()', () => {
  it('gives what i18next gives for every key of every locale, with and without variables', () => {
    const i18n = createI18n();
    let filledHere = 0;
    for (const locale of SUPPORTED_LOCALES) {
      const t = i18n.getFixedT(locale);
      const translate = rememberingTranslator(i18n, locale);
      for (const key of KEYS) {
        const text = i18n.getResource(locale, 'translation', key) as unknown;
        const names = typeof text === 'string' ? placeholdersOf(text) : ['count'];
        // Values that i18next could take for syntax of its own must come out as they went in.
        const vars = Object.fromEntries(
          names.map((name, i) => [name, i % 2 ? `{{${name}}} $t(menu.prompt) ${i}` : i + 0.5]),
        );
        assert.equal(translate(key), t(key, {}), `${locale} ${key} without variables`);
        assert.equal(translate(key), t(key, {}), `${locale} ${key} remembered`);
        assert.equal(translate(key, vars), t(key, vars), `${locale} ${key} with ${JSON.stringify(vars)}`);
        assert.equal(translate(key, { ...vars, extra: 'x' }), t(key, { ...vars, extra: 'x' }));
        if (names.length > 0 && !('count' in vars)) {
          filledHere += 1;
          const [first, ...rest] = names;
          const missing = Object.fromEntries(rest.map((name) => [name, 'v']));
          assert.equal(translate(key, missing), t(key, missing), `${locale} ${key} without ${first}`);
        }
      }
    }
    assert.ok(filledHere > 100, `texts with placeholders checked: ${filledHere}`);
  });

  it('fills a plain template itself, and leaves plurals, nesting and formats to i18next', () => {
    const i18n = createI18n(['en']);
    i18n.addResourceBundle(
      'en',
      'translation',
      {
        test: {
          plain: 'Order {{order}} is {{status}}.',
          nested: 'See $t(menu.prompt) for {{order}}',
          formatted: 'Total {{total, number}}',
          items_one: 'one item',
          items_other: '{{count}} items',
        },
      },
      true,
      true,
    );
    const translate = rememberingTranslator(i18n, 'en');
    const t = i18n.getFixedT('en');
    const key = (name: string) => name as TranslationKey;
    assert.equal(
      translate(key('test.plain'), { order: 'SB-1', status: 'shipped' }),
      'Order SB-1 is shipped.',
    );
    for (const [name, vars] of [
      ['test.nested', { order: 'SB-1' }],
      ['test.formatted', { total: 1234.5 }],
      ['test.items', { count: 1 }],
      ['test.items', { count: 3 }],
    ] as const)
      assert.equal(translate(key(name), vars), t(name, vars), name);
    assert.equal(translate(key('test.items'), { count: 3 }), '3 items');
  });
});
