import type { AzureLanguage } from './azureLanguage';
import { languageCodeOf, MAX_BATCH_TOTAL_CHARS, summarySupported } from './limits';

/** Sentences an agent reads at a glance. */
const SUMMARY_SENTENCES = 3;

/** Writes the few sentences an agent reads instead of the whole conversation. */
export interface ConversationSummarizer {
  /** The key sentences of what the customer wrote, or undefined when no summary could be made. */
  summarize(customerLines: readonly string[], locale: string): Promise<string[] | undefined>;
}

/**
 * Extractive summarization of what the customer wrote, as an analyze-batch job: submitted, polled
 * until it succeeds, abandoned after `AZURE_LANGUAGE_SUMMARY_TIMEOUT_MS`. Latvian (which the
 * feature does not support) and every failure give undefined: the local summary stands alone.
 */
export class AzureConversationSummarizer implements ConversationSummarizer {
  constructor(
    private readonly azure: AzureLanguage,
    /** How often the job's state is asked for. */
    private readonly pollIntervalMs = 1000,
  ) {}

  async summarize(customerLines: readonly string[], locale: string): Promise<string[] | undefined> {
    const language = languageCodeOf(locale);
    if (!language || !summarySupported(locale) || !this.azure.uses('summary')) return undefined;
    // The most recent part of a very long conversation, within the job's character limit.
    const text = customerLines.join('\n').slice(-MAX_BATCH_TOTAL_CHARS).trim();
    if (text === '') return undefined;
    return this.azure.call(
      'summary',
      async (abortSignal) => {
        const poller = await this.azure.client.beginAnalyzeBatch(
          [{ kind: 'ExtractiveSummarization', maxSentenceCount: SUMMARY_SENTENCES, orderBy: 'Offset' }],
          [{ id: '0', text, language }],
          { abortSignal, updateIntervalInMs: this.pollIntervalMs },
        );
        const actions = await poller.pollUntilDone({ abortSignal });
        for await (const action of actions) {
          if (action.kind !== 'ExtractiveSummarization' || action.error) continue;
          for (const document of action.results) {
            if (!document.error) return document.sentences.map((sentence) => sentence.text);
          }
        }
        throw new Error('AzureConversationSummarizer.summarize(): the job succeeded without a summary');
      },
      this.azure.settings.summaryTimeoutMs,
    );
  }
}
