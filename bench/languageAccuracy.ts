/**
 * Measures intent accuracy of the keyword baseline and the trained recognizer on the labelled
 * evaluation sets (`test/fixtures/language/<locale>.jsonl`), and training time; prints the
 * Markdown table in `docs/language.md`. Run: `npx tsx bench/languageAccuracy.ts [--misses]`.
 */
import path from 'node:path';
import { SUPPORTED_LOCALES } from '../bot/config';
import { localesDir } from '../bot/i18n';
import { evaluate, readLabelledPhrases } from '../bot/language/evaluation';
import { KeywordRecognizer } from '../bot/language/keywordRecognizer';
import { TrainedRecognizer } from '../bot/language/trainedRecognizer';

async function main(): Promise<void> {
  const showMisses = process.argv.includes('--misses');
  const started = performance.now();
  const trained = TrainedRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES);
  const trainingMs = performance.now() - started;
  const keyword = KeywordRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES);
  const lines = ['| locale | phrases | keyword (old) | trained (new) |', '|---|---:|---:|---:|'];
  for (const locale of SUPPORTED_LOCALES) {
    const phrases = readLabelledPhrases(
      path.join(__dirname, '..', 'test', 'fixtures', 'language', `${locale}.jsonl`),
    );
    const old = await evaluate(keyword, phrases);
    const current = await evaluate(trained, phrases);
    const percent = (value: number): string => `${(value * 100).toFixed(1)} %`;
    lines.push(`| ${locale} | ${phrases.length} | ${percent(old.accuracy)} | ${percent(current.accuracy)} |`);
    if (showMisses)
      for (const miss of current.misses) process.stderr.write(`${locale}\t${JSON.stringify(miss)}\n`);
  }
  process.stdout.write(`${lines.join('\n')}\n\nTraining of all locales: ${trainingMs.toFixed(0)} ms\n`);
}

void main();
