import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseConfig, SUPPORTED_LOCALES } from '../../bot/config';
import { LocalSentimentAnalyzer } from '../../bot/language/localSentiment';

interface LabelledPhrase {
  text: string;
  label: 'angry' | 'neutral';
}

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'sentiment');

function phrasesOf(locale: string): LabelledPhrase[] {
  return fs
    .readFileSync(path.join(FIXTURES, `${locale}.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LabelledPhrase);
}

describe('LocalSentimentAnalyzer', () => {
  const analyzer = LocalSentimentAnalyzer.load();
  const threshold = parseConfig({}).handoff.sentimentThreshold;

  for (const locale of SUPPORTED_LOCALES) {
    it(`negativeScore() puts the labelled angry ${locale} phrases at or above HANDOFF_SENTIMENT_THRESHOLD and the neutral ones below`, async () => {
      const phrases = phrasesOf(locale);
      assert.ok(phrases.filter((phrase) => phrase.label === 'angry').length >= 10, 'angry phrases');
      assert.ok(phrases.filter((phrase) => phrase.label === 'neutral').length >= 10, 'neutral phrases');
      const wrong: string[] = [];
      for (const { text, label } of phrases) {
        const score = await analyzer.negativeScore(text, locale);
        assert.equal(typeof score, 'number', text);
        if (label === 'angry' ? score! < threshold : score! >= threshold)
          wrong.push(`${label} ${score}: ${text}`);
      }
      assert.deepEqual(wrong, []);
    });
  }

  it('read() names the escalation words it found, in each language', () => {
    assert.deepEqual(analyzer.read('This is ridiculous', 'en')?.escalations, ['ridiculous']);
    assert.deepEqual(analyzer.read('¡Es una estafa!', 'es')?.escalations, ['estafa']);
    assert.deepEqual(analyzer.read('你们是骗子', 'zh-CN')?.escalations, ['骗子']);
    assert.deepEqual(analyzer.read('你們是騙子', 'zh-TW')?.escalations, ['骗子']);
    assert.deepEqual(analyzer.read('Jūs esat krāpnieki', 'lv')?.escalations, ['krāpnieki']);
  });

  it('read() matches escalation words as whole words only', () => {
    assert.deepEqual(analyzer.read('I will scamper off to the shop', 'en')?.escalations, []);
  });

  it('read() turns a negated word around: "not happy" is negative, "not bad" is not', () => {
    assert.ok(analyzer.read('I am not happy', 'en')!.negative > 0);
    assert.ok(analyzer.read('not bad at all', 'en')!.negative < analyzer.read('bad at all', 'en')!.negative);
  });

  it('read() counts shouting only when the message is negative already', () => {
    assert.equal(analyzer.read('WHERE IS MY ORDER??', 'en')!.negative, 0);
    assert.ok(
      analyzer.read('TERRIBLE service!!', 'en')!.negative > analyzer.read('terrible service', 'en')!.negative,
    );
  });

  it('negativeScore() is undefined for a locale without a lexicon or a text without words', async () => {
    assert.equal(await analyzer.negativeScore('c’est ridicule', 'fr'), undefined);
    assert.equal(await analyzer.negativeScore('!!! ???', 'en'), undefined);
  });
});
