import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SUPPORTED_LOCALES } from '../../bot/config';
import type { FaqEntry } from '../../bot/content/faq';
import { contentProblems, faqProblems, intentProblems } from '../../bot/content/faqCheck';
import { localesDir } from '../../bot/i18n';
import { checkLocales } from '../../bot/localeCheck';

const SHIPPING: FaqEntry = {
  id: 'shipping-costs',
  questions: ['how much is shipping', 'shipping costs'],
  answer: 'Shipping costs 4.95 EUR.',
};
const HOURS: FaqEntry = {
  id: 'opening-hours',
  questions: ['when are you open'],
  answer: 'Monday to Saturday.',
};

const messages = (
  problems: { severity: string; message: string }[],
  severity: 'error' | 'warning',
): string[] => problems.filter((problem) => problem.severity === severity).map((problem) => problem.message);

describe('faqProblems()', () => {
  it('finds nothing wrong in a good FAQ', () => {
    assert.deepEqual(faqProblems('en', [SHIPPING, HOURS], [SHIPPING, HOURS]), []);
  });

  it('refuses what is not a list of entries', () => {
    assert.deepEqual(messages(faqProblems('en', { id: 'x' }), 'error'), [
      'faq.json must be a list of {"id", "questions", "answer"} entries',
    ]);
  });

  it('refuses ids that are not kebab-case, used twice or intent names', () => {
    const errors = messages(
      faqProblems('en', [
        { ...SHIPPING, id: 'Shipping_Costs' },
        { ...HOURS, id: 'help', questions: ['what can you do'] },
        { ...HOURS, id: 'faq', questions: ['faq'] },
        { ...HOURS },
        { ...HOURS, questions: ['what time do you open'] },
      ]),
      'error',
    );
    assert.deepEqual(errors, [
      'FAQ "Shipping_Costs": the id must be kebab-case like "shipping-costs"',
      'FAQ "help": the id is an intent name; pick another',
      'FAQ "faq": the id is an intent name; pick another',
      'FAQ "opening-hours": the id is used twice',
    ]);
  });

  it('refuses empty answers, missing, empty and repeated questions, and one question in two entries', () => {
    const errors = messages(
      faqProblems('es', [
        { id: 'a', questions: [], answer: 'x' },
        { id: 'b', questions: ['hola', '  '], answer: ' ' },
        { id: 'c', questions: ['¿Cuánto cuesta?', '¿cuánto cuesta?'], answer: 'x' },
        { id: 'd', questions: ['cuanto cuesta'], answer: 'x' },
        { id: 'e', answer: 'x' },
      ]),
      'error',
    );
    assert.deepEqual(errors, [
      'FAQ "a": give at least one question',
      'FAQ "b": the answer is empty',
      'FAQ "b": a question is empty',
      'FAQ "c": the question "¿cuánto cuesta?" is there twice',
      'FAQ "d": the question "cuanto cuesta" is also in FAQ "c"',
      'FAQ "e": give at least one question',
    ]);
  });

  it('warns of variants the recognizer reads as one, entries missing against English, answers left in English and intent examples', () => {
    const warnings = messages(
      faqProblems(
        'es',
        [
          {
            id: 'shipping-costs',
            questions: ['¿cuánto cuesta el envío?', 'cuanto cuesta el envio'],
            answer: SHIPPING.answer,
          },
          { id: 'pedido', questions: ['¿dónde está mi pedido?'], answer: 'Pregúntame.' },
        ],
        [SHIPPING, HOURS],
        { orderStatus: ['donde esta mi pedido'] },
      ),
      'warning',
    );
    assert.deepEqual(warnings, [
      'FAQ "shipping-costs": "cuanto cuesta el envio" reads as "¿cuánto cuesta el envío?" to the recognizer (case, accents, punctuation)',
      'FAQ "pedido": the question "¿dónde está mi pedido?" is an example of orderStatus, which keeps it',
      'FAQ "shipping-costs": the answer is the same as in en',
      'FAQ "opening-hours" is missing; customers get the English answer',
    ]);
  });
});

describe('intentProblems()', () => {
  it('refuses unknown intents, empty examples and one example under two intents', () => {
    const errors = messages(
      intentProblems('en', {
        orderStatus: ['where is my order', ''],
        trackOrder: ['track'],
        help: 'help',
        returnItem: ['Where is my order?'],
      }),
      'error',
    );
    assert.deepEqual(errors, [
      'intents.json: orderStatus has an empty example',
      'intents.json: unknown intent "trackOrder" (known: orderStatus, returnItem, appointment, humanAgent, help, cancel, greeting, changeLanguage, None)',
      'intents.json: help must be a list of examples',
      'intents.json: "Where is my order?" is an example of both orderStatus and returnItem',
    ]);
  });

  it('refuses what is not an object of lists', () => {
    assert.deepEqual(messages(intentProblems('en', ['help']), 'error'), [
      'intents.json must be an object of example lists by intent',
    ]);
  });
});

describe('locales check of intents.json and faq.json', () => {
  it('the shipped locales have no errors in either file', () => {
    for (const locale of SUPPORTED_LOCALES) {
      assert.deepEqual(messages(contentProblems(locale, localesDir()), 'error'), [], locale);
    }
  });

  it('checkLocales() reports a broken faq.json and a bad intents.json of a locale folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-faqcheck-'));
    try {
      for (const locale of SUPPORTED_LOCALES) {
        fs.cpSync(path.join(localesDir(), locale), path.join(dir, locale), { recursive: true });
      }
      fs.writeFileSync(path.join(dir, 'lv', 'faq.json'), '[{"id": "x",');
      fs.writeFileSync(path.join(dir, 'es', 'intents.json'), JSON.stringify({ orderStatus: ['  '] }));
      const errors = checkLocales(SUPPORTED_LOCALES, dir)
        .filter((problem) => problem.severity === 'error')
        .map((problem) => `${problem.locale}: ${problem.message}`);
      assert.equal(errors.length, 2, errors.join('\n'));
      assert.equal(errors[0], 'es: intents.json: orderStatus has an empty example');
      assert.match(errors[1] ?? '', /^lv: faq\.json is not valid JSON \(/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
