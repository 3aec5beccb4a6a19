import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SUPPORTED_LOCALES } from '../../bot/config';
import { localesDir } from '../../bot/i18n';
import { evaluate, readLabelledPhrases } from '../../bot/language/evaluation';
import { canonicalText } from '../../bot/language/features';
import { loadIntentExamples } from '../../bot/language/recognizer';
import { TrainedRecognizer } from '../../bot/language/trainedRecognizer';

const fixtures = path.join(__dirname, '..', 'fixtures', 'language');

describe('intent accuracy on the evaluation sets (test/fixtures/language)', () => {
  const recognizer = TrainedRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES);
  const examples = loadIntentExamples(localesDir(), SUPPORTED_LOCALES);

  for (const locale of SUPPORTED_LOCALES) {
    const phrases = readLabelledPhrases(path.join(fixtures, `${locale}.jsonl`));

    it(`${locale}: at least 40 phrases, none of them a training example`, () => {
      assert.ok(phrases.length >= 40, `${phrases.length} phrases`);
      const trained = new Set(
        Object.values(examples[locale] ?? {}).flatMap((list) => list.map(canonicalText)),
      );
      const copied = phrases.filter((phrase) => trained.has(canonicalText(phrase.text)));
      assert.deepEqual(copied, []);
    });

    it(`${locale}: TrainedRecognizer reads at least 90% of the intents right`, async () => {
      const result = await evaluate(recognizer, phrases);
      assert.ok(
        result.accuracy >= 0.9,
        `${(result.accuracy * 100).toFixed(1)}%, missed: ${JSON.stringify(result.misses)}`,
      );
    });
  }

  it('readLabelledPhrases() names the line of a malformed entry', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sb-eval-')), 'x.jsonl');
    fs.writeFileSync(file, '{"text":"hi","locale":"en","intent":"greeting"}\n{"text":"hi","locale":"en"}\n');
    assert.throws(() => readLabelledPhrases(file), /x\.jsonl:2 needs "text", "locale" and a known "intent"/);
  });
});
