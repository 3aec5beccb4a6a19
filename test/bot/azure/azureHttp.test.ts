import assert from 'node:assert/strict';
import { parseConfig } from '../../../bot/config';
import { silentLogger } from '../../../bot/logger';
import { CircuitBreaker } from '../../../bot/language/azure/circuitBreaker';
import { LocalSentimentAnalyzer } from '../../../bot/language/localSentiment';
import { makeLanguageServices, type LanguageServices } from '../../../bot/language/languageServices';
import { FAKE_LANGUAGE_KEY, FakeAzureLanguage, testCertificate } from '../../support/fakeAzureLanguage';

/** The HTTP path: the real SDK client against the local https fake of the Language REST API. */
describe('Azure AI Language over HTTPS (local fake endpoint)', function () {
  this.timeout(30_000);
  const local = LocalSentimentAnalyzer.load();
  let fake: FakeAzureLanguage;
  let now: number;
  let breaker: CircuitBreaker;

  function services(env: Record<string, string> = {}): LanguageServices {
    const config = parseConfig({
      AZURE_LANGUAGE_ENDPOINT: fake.url,
      AZURE_LANGUAGE_KEY: FAKE_LANGUAGE_KEY,
      AZURE_LANGUAGE_TIMEOUT_MS: '500',
      AZURE_LANGUAGE_SUMMARY_TIMEOUT_MS: '5000',
      ...env,
    });
    return makeLanguageServices({
      config,
      logger: silentLogger(),
      clientOptions: { tlsOptions: { ca: testCertificate().cert } },
      breaker,
      summaryPollMs: 10,
    });
  }
  const analyzeRequests = (): number =>
    fake.requests.filter((request) => request.path === '/language/:analyze-text').length;

  beforeEach(async () => {
    fake = new FakeAzureLanguage();
    await fake.start();
    now = 1_000_000;
    breaker = new CircuitBreaker('azureLanguage', { failureThreshold: 3, openMs: 30_000, now: () => now });
  });
  afterEach(() => fake.close());

  it('sentiment: POST /language/:analyze-text?api-version=2023-04-01 with kind SentimentAnalysis gives the negative confidence', async () => {
    const language = services();
    assert.equal(await language.sentiment.negativeScore('This is ridiculous', 'en'), 0.97);
    assert.equal(await language.sentiment.negativeScore('Where is my order?', 'es'), 0.02);
    const [request] = fake.requests;
    assert.equal(request?.query['api-version'], '2023-04-01');
    assert.deepEqual(fake.bodiesOf('SentimentAnalysis')[0]?.analysisInput.documents, [
      { id: '0', text: 'This is ridiculous', language: 'en' },
    ]);
  });

  it('PII: entities the service finds (a name without any lead-in) become labels, offsets right after an emoji', async () => {
    fake.persons.add('Zoë Quill');
    const language = services();
    assert.equal(
      await language.redactor.redact(
        '😀 Zoë Quill wrote from zoe@example.com, card 4111 1111 1111 1111',
        'en',
      ),
      '😀 [name] wrote from [email], card [card]',
    );
    // Without Azure the same text keeps the name: nothing states it is one.
    const offline = makeLanguageServices({ config: parseConfig({}), logger: silentLogger() });
    assert.equal(await offline.redactor.redact('😀 Zoë Quill wrote', 'en'), '😀 Zoë Quill wrote');
  });

  it('PII: twelve documents at once go in requests of at most five; a 6,000-character message in two documents', async () => {
    const language = services();
    await Promise.all(
      Array.from({ length: 12 }, (_, index) => language.redactor.redact(`line ${index} a@b.com`, 'lv')),
    );
    const sizes = fake.bodiesOf('PiiEntityRecognition').map((body) => body.analysisInput.documents.length);
    assert.deepEqual(sizes, [5, 5, 2]);
    await language.redactor.redact(`${'a'.repeat(5999)} b@c.com`, 'en');
    const last = fake.bodiesOf('PiiEntityRecognition').at(-1)?.analysisInput.documents ?? [];
    assert.deepEqual(
      last.map((document) => document.text.length),
      [5120, 887],
    );
  });

  it("language detection: the service's zh_cht is zh-TW, its confident German keeps the channel's locale", async () => {
    const language = services();
    assert.equal(await language.languageDetector?.detect('我想查一下我的訂單狀態', 'en'), 'zh-TW');
    assert.equal(
      await language.languageDetector?.detect('wo ist meine Bestellung und nicht', 'en'),
      undefined,
    );
    assert.equal(fake.bodiesOf('LanguageDetection').length, 2);
  });

  it('summary: POST /language/analyze-text/jobs answers 202, the job is polled through notStarted and running until it succeeds', async () => {
    fake.pollsUntilDone = 3;
    const language = services();
    const sentences = await language.summarizer?.summarize(
      ['hello', 'My parcel with the blue jacket never arrived at my door.', 'I want a refund.'],
      'en',
    );
    assert.deepEqual(sentences, [
      'hello',
      'My parcel with the blue jacket never arrived at my door.',
      'I want a refund.',
    ]);
    const polls = fake.requests.filter((request) => request.method === 'GET');
    assert.ok(polls.length > fake.pollsUntilDone, `${polls.length} polls`);
    assert.ok(polls.every((request) => request.query['api-version'] === '2023-04-01'));
  });

  it('summary: a job that does not finish within AZURE_LANGUAGE_SUMMARY_TIMEOUT_MS gives no summary', async () => {
    fake.pollsUntilDone = 1_000_000;
    const language = services({ AZURE_LANGUAGE_SUMMARY_TIMEOUT_MS: '300' });
    assert.equal(await language.summarizer?.summarize(['My parcel never arrived.'], 'es'), undefined);
  });

  for (const [name, failure] of [
    ['a wrong key (401)', undefined],
    [
      '429 with Retry-After, without retrying',
      { status: 429, code: '429', message: 'Rate limit is exceeded.', retryAfter: 10 },
    ],
    ['503', { status: 503, code: 'ServiceUnavailable', message: 'Service is temporarily unavailable.' }],
    ['500', { status: 500, code: 'InternalServerError', message: 'Internal error.' }],
  ] as const) {
    it(`answers locally after ${name}, with one request sent`, async () => {
      if (failure) fake.fail(failure);
      const language = failure ? services() : services({ AZURE_LANGUAGE_KEY: 'wrong-key' });
      const text = 'This is ridiculous, I want my money back';
      assert.equal(await language.sentiment.negativeScore(text, 'en'), await local.negativeScore(text, 'en'));
      assert.equal(analyzeRequests(), 1);
      assert.equal(breaker.status().failures, 1);
    });
  }

  it('answers locally when the service is slower than AZURE_LANGUAGE_TIMEOUT_MS', async () => {
    fake.delayMs = 5000;
    const language = services();
    const text = 'Esto es una estafa';
    assert.equal(await language.sentiment.negativeScore(text, 'es'), await local.negativeScore(text, 'es'));
    assert.equal(await language.redactor.redact('mi correo es ana@example.es', 'es'), 'mi correo es [email]');
    assert.equal(breaker.status().failures, 2);
  });

  it('the breaker opens after three failures, sends nothing while open, probes when due and closes on success', async () => {
    fake.fail({ status: 500, code: 'InternalServerError', message: 'Internal error.' }, 3);
    const language = services();
    for (let i = 0; i < 3; i += 1) await language.sentiment.negativeScore(`angry message ${i}`, 'en');
    assert.equal(breaker.status().state, 'open');
    assert.equal(analyzeRequests(), 3);
    assert.deepEqual(language.status(), {
      configured: true,
      features: ['languageDetection', 'sentiment', 'pii', 'summary'],
      breaker: { state: 'open', failures: 3, probeAt: now + 30_000 },
    });
    await language.sentiment.negativeScore('this is ridiculous', 'en');
    await language.redactor.redact('a@b.com', 'en');
    assert.equal(analyzeRequests(), 3, 'nothing sent while open');

    now += 30_000;
    assert.equal(await language.sentiment.negativeScore('this is terrible', 'en'), 0.97);
    assert.equal(analyzeRequests(), 4);
    assert.deepEqual(breaker.status(), { state: 'closed', failures: 0 });
  });

  it('a failed probe opens the breaker again for another period', async () => {
    fake.fail({ status: 503, code: 'ServiceUnavailable', message: 'down' }, 4);
    const language = services();
    for (let i = 0; i < 3; i += 1) await language.sentiment.negativeScore(`message ${i}`, 'en');
    now += 30_000;
    await language.sentiment.negativeScore('the probe', 'en');
    assert.equal(analyzeRequests(), 4);
    assert.equal(breaker.status().state, 'open');
    now += 29_999;
    await language.sentiment.negativeScore('still open', 'en');
    assert.equal(analyzeRequests(), 4);
  });
});
