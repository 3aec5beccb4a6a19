import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../../bot/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('parseConfig() accepted an invalid environment');
}

describe('parseConfig() for AZURE_LANGUAGE_*', () => {
  it('leaves Azure AI Language off without endpoint and key', () => {
    assert.equal(parseConfig({}).azureLanguage, undefined);
  });

  it('reads endpoint, key, time limits and features, with every feature by default', () => {
    const config = parseConfig({
      AZURE_LANGUAGE_ENDPOINT: 'https://my-resource.cognitiveservices.azure.com/',
      AZURE_LANGUAGE_KEY: 'secret-key',
    });
    assert.deepEqual(config.azureLanguage, {
      endpoint: 'https://my-resource.cognitiveservices.azure.com',
      key: 'secret-key',
      timeoutMs: 1500,
      summaryTimeoutMs: 30_000,
      features: new Set(['languageDetection', 'sentiment', 'pii', 'summary']),
    });
    const chosen = parseConfig({
      AZURE_LANGUAGE_ENDPOINT: 'https://x.cognitiveservices.azure.com',
      AZURE_LANGUAGE_KEY: 'k',
      AZURE_LANGUAGE_TIMEOUT_MS: '800',
      AZURE_LANGUAGE_SUMMARY_TIMEOUT_MS: '10000',
      AZURE_LANGUAGE_FEATURES: ' sentiment, pii ',
    }).azureLanguage;
    assert.equal(chosen?.timeoutMs, 800);
    assert.equal(chosen?.summaryTimeoutMs, 10_000);
    assert.deepEqual(chosen?.features, new Set(['sentiment', 'pii']));
    assert.deepEqual(
      parseConfig({
        AZURE_LANGUAGE_ENDPOINT: 'https://x.example',
        AZURE_LANGUAGE_KEY: 'k',
        AZURE_LANGUAGE_FEATURES: 'none',
      }).azureLanguage?.features,
      new Set(),
    );
  });

  it('names the variable of each problem and never shows the key', () => {
    assert.deepEqual(problemsOf({ AZURE_LANGUAGE_KEY: 'secret-key' }), [
      'AZURE_LANGUAGE_ENDPOINT must be set when AZURE_LANGUAGE_KEY is set',
    ]);
    assert.deepEqual(problemsOf({ AZURE_LANGUAGE_ENDPOINT: 'https://x.example' }), [
      'AZURE_LANGUAGE_KEY must be set when AZURE_LANGUAGE_ENDPOINT is set (value hidden)',
    ]);
    assert.deepEqual(
      problemsOf({
        AZURE_LANGUAGE_ENDPOINT: 'http://x.example',
        AZURE_LANGUAGE_KEY: 'secret-key',
        AZURE_LANGUAGE_TIMEOUT_MS: '50',
        AZURE_LANGUAGE_SUMMARY_TIMEOUT_MS: 'soon',
        AZURE_LANGUAGE_FEATURES: 'sentiment,summaries',
      }),
      [
        'AZURE_LANGUAGE_TIMEOUT_MS must be a whole number of milliseconds from 100 to 60000 (received "50")',
        'AZURE_LANGUAGE_SUMMARY_TIMEOUT_MS must be a whole number of milliseconds from 100 to 600000 (received "soon")',
        'AZURE_LANGUAGE_FEATURES must be a comma-separated list of languageDetection, sentiment, pii, summary or none (received "summaries")',
        'AZURE_LANGUAGE_ENDPOINT must be an https URL such as https://my-resource.cognitiveservices.azure.com (received "http://x.example")',
      ],
    );
    assert.ok(
      problemsOf({ AZURE_LANGUAGE_ENDPOINT: 'nope', AZURE_LANGUAGE_KEY: 'secret-key' }).every(
        (problem) => !problem.includes('secret-key'),
      ),
    );
  });
});
