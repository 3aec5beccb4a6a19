import assert from 'node:assert/strict';
import sinon from 'sinon';
import { SUPPORTED_LOCALES } from '../../bot/config';
import { localesDir } from '../../bot/i18n';
import { MemoRecognizer } from '../../bot/language/memoRecognizer';
import type { IntentResult, Recognizer } from '../../bot/language/recognizer';
import { TrainedRecognizer } from '../../bot/language/trainedRecognizer';

/** A recognizer that counts its calls and answers by the text. */
function countingRecognizer(): Recognizer & { recognize: sinon.SinonStub } {
  const recognize = sinon.stub<[string, string], Promise<IntentResult>>();
  recognize.callsFake((text) =>
    text === 'boom'
      ? Promise.reject(new Error('recognizer down'))
      : Promise.resolve({ intent: text === 'help' ? 'help' : 'None', score: 0.9 }),
  );
  return { ready: true, recognize };
}

describe('MemoRecognizer', () => {
  it('recognize() asks the inner recognizer once for the same text and locale', async () => {
    const inner = countingRecognizer();
    const memo = new MemoRecognizer(inner);
    const first = await memo.recognize('help', 'en');
    const second = await memo.recognize('help', 'en');
    assert.equal(inner.recognize.callCount, 1);
    assert.equal(second, first);
    assert.deepEqual(first, { intent: 'help', score: 0.9 });
  });

  it('recognize() shares a call still running with a second caller', async () => {
    const inner = countingRecognizer();
    const memo = new MemoRecognizer(inner);
    const [a, b] = await Promise.all([memo.recognize('help', 'en'), memo.recognize('help', 'en')]);
    assert.equal(inner.recognize.callCount, 1);
    assert.equal(a, b);
  });

  it('recognize() keeps locales apart', async () => {
    const inner = countingRecognizer();
    const memo = new MemoRecognizer(inner);
    await memo.recognize('help', 'en');
    await memo.recognize('help', 'es');
    assert.deepEqual(
      inner.recognize.args.map((args) => String(args[1])),
      ['en', 'es'],
    );
  });

  it('recognize() forgets the least recently used result beyond its capacity', async () => {
    const inner = countingRecognizer();
    const memo = new MemoRecognizer(inner, 2);
    await memo.recognize('a', 'en');
    await memo.recognize('b', 'en');
    await memo.recognize('a', 'en'); // a is now the most recent
    await memo.recognize('c', 'en'); // b goes
    assert.equal(memo.size, 2);
    await memo.recognize('a', 'en');
    assert.equal(inner.recognize.callCount, 3, 'a was still remembered');
    await memo.recognize('b', 'en');
    assert.equal(inner.recognize.callCount, 4, 'b had been forgotten');
  });

  it('recognize() does not remember a failure', async () => {
    const inner = countingRecognizer();
    const memo = new MemoRecognizer(inner);
    await assert.rejects(memo.recognize('boom', 'en'), /recognizer down/);
    await assert.rejects(memo.recognize('boom', 'en'), /recognizer down/);
    assert.equal(inner.recognize.callCount, 2);
    assert.equal(memo.size, 0);
  });

  it('recognize() does not remember very long texts', async () => {
    const inner = countingRecognizer();
    const memo = new MemoRecognizer(inner);
    const long = 'x'.repeat(5000);
    await memo.recognize(long, 'en');
    await memo.recognize(long, 'en');
    assert.equal(inner.recognize.callCount, 2);
  });

  it('clear() forgets every result, so a retrained model answers', async () => {
    const inner = countingRecognizer();
    const memo = new MemoRecognizer(inner);
    await memo.recognize('help', 'en');
    memo.clear();
    assert.equal(memo.size, 0);
    await memo.recognize('help', 'en');
    assert.equal(inner.recognize.callCount, 2);
  });

  it('reports the inner recognizer as ready and refuses a capacity below 1', () => {
    assert.equal(new MemoRecognizer({ ready: false, recognize: sinon.stub() }).ready, false);
    assert.throws(() => new MemoRecognizer(countingRecognizer(), 0), RangeError);
  });

  it('answers as the trained recognizer does', async () => {
    const trained = TrainedRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES);
    const memo = new MemoRecognizer(trained);
    for (const [text, locale] of [
      ['where is my order SB-10001', 'en'],
      ['quiero devolver algo', 'es'],
      ['where is my order SB-10001', 'en'],
    ] as const) {
      assert.deepEqual(await memo.recognize(text, locale), await trained.recognize(text, locale));
    }
  });
});
