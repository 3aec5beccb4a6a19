import assert from 'node:assert/strict';
import sinon from 'sinon';
import { silentLogger } from '../../../bot/logger';
import { AzureLanguage, type LanguageClient } from '../../../bot/language/azure/azureLanguage';
import { AzureLanguageDetector } from '../../../bot/language/azure/azureLanguageDetector';
import { AzurePiiRedactor } from '../../../bot/language/azure/azurePii';
import { AzureSentimentAnalyzer } from '../../../bot/language/azure/azureSentiment';
import { AzureConversationSummarizer } from '../../../bot/language/azure/azureSummary';
import {
  AZURE_LANGUAGE_FEATURES,
  type AzureLanguageFeature,
} from '../../../bot/language/azure/azureSettings';
import { CircuitBreaker } from '../../../bot/language/azure/circuitBreaker';
import { LocalSentimentAnalyzer } from '../../../bot/language/localSentiment';
import { SUPPORTED_LOCALES } from '../../../bot/config';

type Analyze = sinon.SinonStub;

interface SentDocument {
  id: string;
  text: string;
  language?: string;
  countryHint?: string;
}

function azureWith(
  client: Record<string, unknown>,
  features: readonly AzureLanguageFeature[] = AZURE_LANGUAGE_FEATURES,
  breaker?: CircuitBreaker,
): AzureLanguage {
  return new AzureLanguage({
    settings: {
      endpoint: 'https://fake.cognitiveservices.azure.com',
      key: 'k',
      timeoutMs: 1000,
      summaryTimeoutMs: 5000,
      features: new Set(features),
    },
    client: client as unknown as LanguageClient,
    logger: silentLogger(),
    ...(breaker ? { breaker } : {}),
  });
}

/** The documents of each call to `analyze`, per call. */
const documentsOf = (stub: Analyze): SentDocument[][] =>
  stub.getCalls().map((call) => call.args[1] as SentDocument[]);

describe('Azure AI Language features (client stubbed)', () => {
  const local = LocalSentimentAnalyzer.load();
  let sandbox: sinon.SinonSandbox;
  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });
  afterEach(() => sandbox.restore());

  describe('AzureSentimentAnalyzer', () => {
    function sentimentStub(): Analyze {
      return sandbox.stub().callsFake((_kind: string, documents: SentDocument[]) =>
        Promise.resolve(
          documents.map((document) => ({
            id: document.id,
            sentiment: 'negative',
            confidenceScores: {
              positive: 0,
              neutral: 0.1,
              negative: document.text.includes('angry') ? 0.9 : 0.1,
            },
            sentences: [],
            warnings: [],
          })),
        ),
      );
    }

    it('negativeScore() sends the messages of one moment in requests of at most ten documents, with the language code', async () => {
      const analyze = sentimentStub();
      const analyzer = new AzureSentimentAnalyzer(azureWith({ analyze }), local);
      const texts = Array.from(
        { length: 12 },
        (_, index) => `message ${index} ${index === 3 ? 'angry' : ''}`,
      );
      const scores = await Promise.all(texts.map((text) => analyzer.negativeScore(text, 'zh-CN')));
      assert.equal(analyze.callCount, 2);
      assert.deepEqual(
        documentsOf(analyze).map((documents) => documents.length),
        [10, 2],
      );
      assert.equal(analyze.firstCall.args[0], 'SentimentAnalysis');
      assert.deepEqual(documentsOf(analyze)[0]?.[0], { id: '0', text: texts[0], language: 'zh-hans' });
      assert.ok(
        (analyze.firstCall.args[2] as { abortSignal?: AbortSignal }).abortSignal instanceof AbortSignal,
      );
      assert.equal(scores[3], 0.9);
      assert.equal(scores[0], 0.1);
    });

    it('negativeScore() sends a message over 5,120 characters in pieces within the limit and takes the most negative', async () => {
      const analyze = sentimentStub();
      const analyzer = new AzureSentimentAnalyzer(azureWith({ analyze }), local);
      const long = `${'all fine here. '.repeat(400)}I am angry.`;
      assert.equal(await analyzer.negativeScore(long, 'en'), 0.9);
      const [documents = []] = documentsOf(analyze);
      assert.equal(documents.length, 2);
      assert.ok(documents.every((document) => document.text.length <= 5120));
      assert.equal(documents.map((document) => document.text).join(''), long);
    });

    it('negativeScore() answers with the local analyzer when Azure fails or reports a document error', async () => {
      const failing = sandbox.stub().rejects(new Error('503'));
      const text = 'This is ridiculous, where is my order?';
      const expected = await local.negativeScore(text, 'en');
      assert.equal(
        await new AzureSentimentAnalyzer(azureWith({ analyze: failing }), local).negativeScore(text, 'en'),
        expected,
      );
      const documentError = sandbox
        .stub()
        .resolves([{ id: '0', error: { code: 'InvalidArgument', message: 'x' } }]);
      assert.equal(
        await new AzureSentimentAnalyzer(azureWith({ analyze: documentError }), local).negativeScore(
          text,
          'en',
        ),
        expected,
      );
    });

    it('negativeScore() does not call Azure when AZURE_LANGUAGE_FEATURES leaves sentiment out', async () => {
      const analyze = sentimentStub();
      const analyzer = new AzureSentimentAnalyzer(azureWith({ analyze }, ['pii']), local);
      assert.equal(
        await analyzer.negativeScore('This is ridiculous', 'en'),
        await local.negativeScore('This is ridiculous', 'en'),
      );
      assert.equal(analyze.callCount, 0);
    });
  });

  describe('AzurePiiRedactor', () => {
    function piiStub(): Analyze {
      return sandbox.stub().callsFake((_kind: string, documents: SentDocument[]) =>
        Promise.resolve(
          documents.map((document) => {
            const at = document.text.indexOf('Zoë Quill');
            return {
              id: document.id,
              redactedText: '',
              warnings: [],
              entities: [
                ...(at >= 0
                  ? [{ text: 'Zoë Quill', category: 'Person', offset: at, length: 9, confidenceScore: 0.9 }]
                  : []),
                { text: 'customer', category: 'PersonType', offset: 0, length: 0, confidenceScore: 0.9 },
              ],
            };
          }),
        ),
      );
    }

    it('redact() asks for at most five documents per request, in UTF-16 offsets, and labels entities as local redaction does', async () => {
      const analyze = piiStub();
      const redactor = new AzurePiiRedactor(azureWith({ analyze }));
      const texts = Array.from({ length: 7 }, (_, index) => `😀 line ${index}: Zoë Quill wrote`);
      const redacted = await Promise.all(texts.map((text) => redactor.redact(text, 'es')));
      assert.deepEqual(
        documentsOf(analyze).map((documents) => documents.length),
        [5, 2],
      );
      assert.equal(analyze.firstCall.args[0], 'PiiEntityRecognition');
      assert.equal(
        (analyze.firstCall.args[2] as { stringIndexType?: string }).stringIndexType,
        'Utf16CodeUnit',
      );
      assert.equal(documentsOf(analyze)[0]?.[0]?.language, 'es');
      assert.equal(redacted[0], '😀 line 0: [name] wrote');
    });

    it("redact() runs the local patterns over Azure's result, and alone when Azure fails", async () => {
      const card = '4111 1111 1111 1111';
      const withAzure = new AzurePiiRedactor(azureWith({ analyze: piiStub() }));
      assert.equal(await withAzure.redact(`Zoë Quill paid with ${card}`, 'en'), '[name] paid with [card]');
      const failing = new AzurePiiRedactor(azureWith({ analyze: sandbox.stub().rejects(new Error('down')) }));
      assert.equal(
        await failing.redact(`my name is Zoë Quill, card ${card}`, 'en'),
        'my name is [name], card [card]',
      );
    });
  });

  describe('AzureLanguageDetector', () => {
    const detectionStub = (iso6391Name: string, confidenceScore: number): Analyze =>
      sandbox
        .stub()
        .resolves([
          { id: '0', primaryLanguage: { name: iso6391Name, iso6391Name, confidenceScore }, warnings: [] },
        ]);
    const localSays = (answer: string | undefined): { detect: sinon.SinonStub } => ({
      detect: sandbox.stub().returns(answer),
    });

    it("detect() takes Azure's confident answer, mapping zh_chs and zh_cht to zh-CN and zh-TW, without asking the local detector", async () => {
      for (const [code, locale] of [
        ['zh_cht', 'zh-TW'],
        ['zh_chs', 'zh-CN'],
        ['es', 'es'],
        ['lv', 'lv'],
      ] as const) {
        const fallback = localSays('en');
        const analyze = detectionStub(code, 0.95);
        const detector = new AzureLanguageDetector(azureWith({ analyze }), fallback, SUPPORTED_LOCALES);
        assert.equal(await detector.detect('some words to detect here', 'en'), locale);
        assert.equal(fallback.detect.callCount, 0);
        assert.equal(analyze.firstCall.args[0], 'LanguageDetection');
        assert.deepEqual(analyze.firstCall.args[1], [
          { id: '0', text: 'some words to detect here', countryHint: '' },
        ]);
      }
    });

    it("detect() keeps the channel's locale for a language the bot does not speak, and asks the local detector when Azure is unsure or down", async () => {
      const german = new AzureLanguageDetector(
        azureWith({ analyze: detectionStub('de', 0.99) }),
        localSays('en'),
        SUPPORTED_LOCALES,
      );
      assert.equal(await german.detect('wo ist meine Bestellung bitte', 'en'), undefined);
      const unsure = new AzureLanguageDetector(
        azureWith({ analyze: detectionStub('es', 0.4) }),
        localSays('lv'),
        SUPPORTED_LOCALES,
      );
      assert.equal(await unsure.detect('kur ir mans pasūtījums', 'en'), 'lv');
      const down = new AzureLanguageDetector(
        azureWith({ analyze: sandbox.stub().rejects(new Error('down')) }),
        localSays('es'),
        SUPPORTED_LOCALES,
      );
      assert.equal(await down.detect('dónde está mi pedido', 'en'), 'es');
    });

    it('detect() does not call Azure for a message too short to tell', async () => {
      const analyze = detectionStub('es', 0.99);
      const detector = new AzureLanguageDetector(
        azureWith({ analyze }),
        localSays(undefined),
        SUPPORTED_LOCALES,
      );
      assert.equal(await detector.detect('hola', 'en'), undefined);
      assert.equal(analyze.callCount, 0);
    });
  });

  describe('AzureConversationSummarizer', () => {
    function batchStub(sentences: string[]): sinon.SinonStub {
      return sandbox.stub().resolves({
        pollUntilDone: () =>
          Promise.resolve(
            (async function* () {
              yield {
                kind: 'ExtractiveSummarization',
                results: [
                  {
                    id: '0',
                    sentences: sentences.map((text) => ({
                      text,
                      rankScore: 1,
                      offset: 0,
                      length: text.length,
                    })),
                    warnings: [],
                  },
                ],
              };
            })(),
          ),
      });
    }

    it("summarize() submits one extractive summarization job of the customer's lines in the service's language code", async () => {
      const begin = batchStub(['My parcel never arrived.']);
      const summarizer = new AzureConversationSummarizer(azureWith({ beginAnalyzeBatch: begin }), 10);
      assert.deepEqual(await summarizer.summarize(['hi', 'My parcel never arrived.'], 'zh-TW'), [
        'My parcel never arrived.',
      ]);
      const [actions, documents, options] = begin.firstCall.args as [
        unknown[],
        SentDocument[],
        { updateIntervalInMs: number },
      ];
      assert.deepEqual(actions, [
        { kind: 'ExtractiveSummarization', maxSentenceCount: 3, orderBy: 'Offset' },
      ]);
      assert.deepEqual(documents, [{ id: '0', text: 'hi\nMy parcel never arrived.', language: 'zh-hant' }]);
      assert.equal(options.updateIntervalInMs, 10);
    });

    it('summarize() never sends a Latvian conversation (the feature does not support Latvian)', async () => {
      const begin = batchStub(['x']);
      const summarizer = new AzureConversationSummarizer(azureWith({ beginAnalyzeBatch: begin }));
      assert.equal(await summarizer.summarize(['Kur ir mans pasūtījums?'], 'lv'), undefined);
      assert.equal(begin.callCount, 0);
    });
  });

  describe('the breaker in front of every feature', () => {
    it('after three failures Azure is not called until the probe is due; a good probe closes the breaker', async () => {
      let now = 1_000_000;
      const breaker = new CircuitBreaker('test', { failureThreshold: 3, openMs: 30_000, now: () => now });
      const analyze = sandbox.stub().rejects(new Error('500'));
      const analyzer = new AzureSentimentAnalyzer(azureWith({ analyze }, ['sentiment'], breaker), local);
      for (let i = 0; i < 3; i += 1) await analyzer.negativeScore(`message ${i}`, 'en');
      assert.equal(breaker.status().state, 'open');
      assert.equal(analyze.callCount, 3);
      await analyzer.negativeScore('message 4', 'en');
      assert.equal(analyze.callCount, 3, 'not called while open');
      now += 30_000;
      analyze.resolves([
        {
          id: '0',
          sentiment: 'neutral',
          confidenceScores: { positive: 0, neutral: 1, negative: 0.05 },
          sentences: [],
          warnings: [],
        },
      ] as never);
      assert.equal(await analyzer.negativeScore('message 5', 'en'), 0.05);
      assert.equal(analyze.callCount, 4);
      assert.deepEqual(breaker.status(), { state: 'closed', failures: 0 });
    });
  });
});
