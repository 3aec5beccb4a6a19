import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SUPPORTED_LOCALES } from '../../bot/config';
import { flattenBundle, localesDir, placeholdersOf, readBundle } from '../../bot/i18n';
import { bundleProblems, checkLocales } from '../../bot/localeCheck';
import { INTENTS } from '../../bot/language/recognizer';
import { TrainedRecognizer } from '../../bot/language/trainedRecognizer';

const SOURCE_FOLDERS = ['bot', 'channels', 'dialogs', 'handoff', 'services'];
function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const root = path.dirname(localesDir());
const bundles = new Map(SUPPORTED_LOCALES.map((locale) => [locale, flattenBundle(readBundle(locale))]));
const english = bundles.get('en')!;
/** Top-level sections of the bundle; a quoted 'section.something' in code is taken as a key. */
const sections = new Set([...english.keys()].map((key) => key.split('.')[0]!));
/** A quoted file name such as 'handoff.sqlite' is not a translation key. */
const FILE_NAME = /\.(sqlite|json|js|ts|pdf|ics|png|html|css|yaml)$/;
const normalizeKey = (key: string): string => key.replace(/_(zero|one|two|few|many|other)$/, '');

describe('locale bundles', () => {
  it('bundleProblems() finds nothing wrong with the shipped bundles', () => {
    assert.deepEqual(bundleProblems(), []);
  });

  it('bundleProblems() reports missing, extra and empty keys and differing placeholders', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-locales-'));
    try {
      const write = (locale: string, bundle: unknown) => {
        fs.mkdirSync(path.join(dir, locale));
        fs.writeFileSync(path.join(dir, locale, 'translation.json'), JSON.stringify(bundle));
      };
      write('en', { a: { b: 'Hi {{name}}', c: 'Bye' }, d: 'x' });
      write('es', { a: { b: 'Hola {{nombre}}', c: '' }, e: 'y' });
      assert.deepEqual(bundleProblems(['en', 'es'], dir), [
        'es: a.b uses {{nombre}} but en uses {{name}}',
        'es: empty text for a.c',
        'es: missing key d',
        'es: key e is not in en',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checkLocales() reports plural forms a language needs or does not use, and texts left in English', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-locales-'));
    try {
      const write = (locale: string, bundle: unknown) => {
        fs.mkdirSync(path.join(dir, locale));
        fs.writeFileSync(path.join(dir, locale, 'translation.json'), JSON.stringify(bundle));
      };
      write('en', { n_one: '{{count}} day', n_other: '{{count}} days', hi: 'Hello there' });
      write('lv', { n_one: '{{count}} diena', n_other: '{{count}} dienas', hi: 'Hello there' });
      write('es', { n_one: '{{count}} día', n_other: '{{count}} días', n_few: 'x', hi: 'Hola' });
      assert.deepEqual(
        checkLocales(['lv', 'es'], dir).map(
          (problem) => `${problem.locale} ${problem.severity}: ${problem.message}`,
        ),
        [
          'lv warning: hi is the same as in en ("Hello there")',
          'lv error: n lacks the plural form(s) _zero',
          // Spanish has a `many` form in current CLDR (un millón de días), as i18next uses it.
          'es error: n lacks the plural form(s) _many',
          'es error: n has plural form(s) es does not use: _few',
        ],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [locale, bundle] of bundles) {
    it(`${locale} has exactly the keys of en (plural forms aside)`, () => {
      assert.deepEqual(
        [...bundle.keys()].map(normalizeKey).sort(),
        [...english.keys()].map(normalizeKey).sort(),
      );
    });

    it(`${locale} uses the same {{placeholders}} as en in every key`, () => {
      for (const [key, text] of english) {
        assert.deepEqual(placeholdersOf(bundle.get(key) ?? ''), placeholdersOf(text), `${locale}: ${key}`);
      }
    });

    it(`${locale} has no empty texts`, () => {
      for (const [key, text] of bundle) assert.notEqual(text.trim(), '', `${locale}: ${key}`);
    });

    it(`${locale} names every supported language`, () => {
      for (const other of SUPPORTED_LOCALES)
        assert.ok(bundle.has(`language.names.${other}`), `${locale}: ${other}`);
    });
  }

  it('every translation key used in code exists in every locale', () => {
    const used = new Set<string>();
    for (const file of SOURCE_FOLDERS.flatMap((folder) => sourceFiles(path.join(root, folder)))) {
      // Comments name events and files in prose; only string literals in code can be keys.
      const source = fs
        .readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      for (const [, key] of source.matchAll(/['"]([a-z][A-Za-z]*(?:\.[A-Za-z0-9_]+)+)['"]/g)) {
        if (sections.has(key!.split('.')[0]!) && !FILE_NAME.test(key!)) used.add(key!);
      }
    }
    assert.ok(used.size >= 15, `expected to find the keys used in code, found ${used.size}`);
    for (const [locale, bundle] of bundles) {
      const keys = new Set([...bundle.keys()].map(normalizeKey));
      const missing = [...used].filter((key) => !keys.has(key));
      assert.deepEqual(missing, [], `keys used in code but missing from ${locale}`);
    }
  });
});

describe('intent examples', () => {
  const recognizer = TrainedRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES);

  for (const locale of SUPPORTED_LOCALES) {
    it(`${locale} has at least 40 examples for every intent but None`, () => {
      const examples = JSON.parse(
        fs.readFileSync(path.join(localesDir(), locale, 'intents.json'), 'utf8'),
      ) as Record<string, string[]>;
      const expected = INTENTS.filter((intent) => intent !== 'None');
      assert.deepEqual(
        Object.keys(examples)
          .filter((intent) => intent !== 'None')
          .sort(),
        [...expected].sort(),
      );
      for (const intent of expected) {
        const count = (examples[intent] ?? []).length;
        assert.ok(count >= 40, `${locale}: ${intent} has ${count}`);
      }
    });

    it(`${locale}: every menu label is recognized as its own intent`, async () => {
      const bundle = bundles.get(locale)!;
      const menu = {
        orderStatus: 'menu.orderStatus',
        returnItem: 'menu.returnItem',
        appointment: 'menu.appointment',
        humanAgent: 'menu.humanAgent',
      };
      for (const [intent, key] of Object.entries(menu)) {
        const result = await recognizer.recognize(bundle.get(key)!, locale);
        assert.equal(result.intent, intent, `${locale}: "${bundle.get(key)}"`);
        assert.ok(result.score >= 0.95, `${locale}: "${bundle.get(key)}" scores ${result.score}`);
      }
    });
  }
});
