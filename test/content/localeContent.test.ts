import assert from 'node:assert/strict';
import { mergeContent, nestTexts, type LocaleContent } from '../../bot/content';

const BASE: Record<string, LocaleContent> = {
  en: {
    texts: { 'menu.prompt': 'What can I do for you?', 'orders.found_one': 'One order' },
    intents: { orderStatus: ['where is my order'], help: ['help'] },
    faq: [{ id: 'shipping-costs', questions: ['how much is shipping'], answer: 'Free over 50 EUR.' }],
  },
};

describe('locale content: the shipped files with the overrides applied', () => {
  it('applies texts, intents and FAQ entries (null deletes one), without changing the shipped content', () => {
    const merged = mergeContent(BASE, [
      { locale: 'en', kind: 'text', key: 'menu.prompt', value: 'How can I help?' },
      { locale: 'en', kind: 'intent', key: 'help', value: ['help', 'what can you do'] },
      { locale: 'en', kind: 'faq', key: 'shipping-costs', value: null },
      { locale: 'en', kind: 'faq', key: 'gift-wrap', value: { questions: ['gift wrap?'], answer: 'Yes.' } },
    ]);
    assert.equal(merged.en?.texts['menu.prompt'], 'How can I help?');
    assert.deepEqual(merged.en?.intents.help, ['help', 'what can you do']);
    assert.deepEqual(
      merged.en?.faq.map((entry) => entry.id),
      ['gift-wrap'],
    );
    assert.equal(BASE.en?.texts['menu.prompt'], 'What can I do for you?');
    assert.equal(BASE.en?.faq.length, 1);
  });

  it('leaves out overrides a later build has no place for, instead of breaking the content', () => {
    const merged = mergeContent(BASE, [
      { locale: 'en', kind: 'text', key: 'removed.key', value: 'Old text' },
      { locale: 'en', kind: 'intent', key: 'weather', value: ['rain?'] },
      { locale: 'en', kind: 'faq', key: 'help', value: { questions: ['help me'], answer: 'No.' } },
      { locale: 'fr', kind: 'text', key: 'menu.prompt', value: 'Bonjour' },
      { locale: 'constructor', kind: 'text', key: 'menu.prompt', value: 'x' },
    ]);
    assert.deepEqual(merged, BASE);
  });

  it('nests dotted keys as translation.json has them', () => {
    assert.deepEqual(nestTexts(BASE.en!.texts), {
      menu: { prompt: 'What can I do for you?' },
      orders: { found_one: 'One order' },
    });
  });
});
