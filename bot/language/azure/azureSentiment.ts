import type { SentimentAnalyzer } from '../sentiment';
import type { AzureLanguage } from './azureLanguage';
import { DocumentBatcher } from './documentBatcher';
import { languageCodeOf, MAX_DOCUMENTS, splitDocument } from './limits';

/**
 * Sentiment from Azure AI Language (its `negative` confidence, 0..1), asked in batches of at most
 * ten documents; a message over 5,120 characters is sent in pieces and scored by its most
 * negative one. Whenever Azure does not answer in time, fails or is skipped by the breaker, the
 * local analyzer scores the message instead, so a turn always gets a score.
 */
export class AzureSentimentAnalyzer implements SentimentAnalyzer {
  private readonly batcher: DocumentBatcher<number>;

  constructor(
    private readonly azure: AzureLanguage,
    private readonly fallback: SentimentAnalyzer,
  ) {
    this.batcher = new DocumentBatcher(MAX_DOCUMENTS.SentimentAnalysis, (texts, language) =>
      this.azure.call('sentiment', async (abortSignal) => {
        const results = await this.azure.client.analyze(
          'SentimentAnalysis',
          texts.map((text, index) => ({ id: String(index), text, language })),
          { abortSignal },
        );
        return results.map((result) => (result.error ? undefined : result.confidenceScores.negative));
      }),
    );
  }

  async negativeScore(text: string, locale: string): Promise<number | undefined> {
    const language = languageCodeOf(locale);
    if (!language || !this.azure.uses('sentiment') || text.trim() === '')
      return this.fallback.negativeScore(text, locale);
    const scores = await Promise.all(
      splitDocument(text).map((piece) => this.batcher.submit(piece, language)),
    );
    if (scores.some((score) => score === undefined)) return this.fallback.negativeScore(text, locale);
    return Math.max(...(scores as number[]));
  }
}
