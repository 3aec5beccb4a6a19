import type { TextAnalysisClientOptions } from '@azure/ai-language-text';
import { SUPPORTED_LOCALES, type Config } from '../config';
import type { Logger } from '../logger';
import {
  AzureLanguage,
  createLanguageClient,
  type AzureLanguageStatus,
  type LanguageClient,
} from './azure/azureLanguage';
import { AzureLanguageDetector } from './azure/azureLanguageDetector';
import { AzurePiiRedactor } from './azure/azurePii';
import { AzureSentimentAnalyzer } from './azure/azureSentiment';
import { AzureConversationSummarizer, type ConversationSummarizer } from './azure/azureSummary';
import type { CircuitBreaker } from './azure/circuitBreaker';
import type { LanguageDetector } from './languageDetection';
import { LocalSentimentAnalyzer } from './localSentiment';
import { LocalPiiRedactor, type PiiRedactor } from './pii';
import { SentimentTracker } from './sentimentTracker';

/** The language services the bot and the handoff desk use, Azure-backed where configured. */
export interface LanguageServices {
  /** Sentiment of every customer message (Azure, else local), scored once per message. */
  sentiment: SentimentTracker;
  /** The local analyzer, also for scoring transcripts without recorded scores. */
  localSentiment: LocalSentimentAnalyzer;
  redactor: PiiRedactor;
  /** Azure's detection first, then the local detector given; undefined when neither exists. */
  languageDetector: LanguageDetector | undefined;
  /** Azure's summaries; undefined without Azure (the local digest stands alone). */
  summarizer: ConversationSummarizer | undefined;
  /** For `/readyz`: `{configured: false}` or the features and breaker state. */
  status(): { configured: false } | ({ configured: true } & AzureLanguageStatus);
}

export interface LanguageServicesDeps {
  config: Config;
  logger: Logger;
  /** The local language detector (eld), the fallback of Azure's. */
  localDetector?: LanguageDetector;
  /** A client other than the SDK's own for `AZURE_LANGUAGE_ENDPOINT` (tests stub it). */
  client?: LanguageClient;
  /** Options for the SDK client (tests pass a CA for their local endpoint). */
  clientOptions?: TextAnalysisClientOptions;
  breaker?: CircuitBreaker;
  /** How often a summary job is polled. */
  summaryPollMs?: number;
}

/**
 * Builds the language services: local ones always (they are the fallbacks), Azure AI Language in
 * front of them for the features `AZURE_LANGUAGE_FEATURES` names when `AZURE_LANGUAGE_ENDPOINT`
 * and `AZURE_LANGUAGE_KEY` are set.
 */
export function makeLanguageServices(deps: LanguageServicesDeps): LanguageServices {
  const localSentiment = LocalSentimentAnalyzer.load();
  const settings = deps.config.azureLanguage;
  if (!settings) {
    return {
      sentiment: new SentimentTracker(localSentiment),
      localSentiment,
      redactor: new LocalPiiRedactor(),
      languageDetector: deps.localDetector,
      summarizer: undefined,
      status: () => ({ configured: false }),
    };
  }
  const azure = new AzureLanguage({
    settings,
    client: deps.client ?? createLanguageClient(settings, deps.clientOptions),
    logger: deps.logger,
    ...(deps.breaker ? { breaker: deps.breaker } : {}),
  });
  const local = deps.localDetector;
  const detectorFallback: LanguageDetector = local ?? { detect: () => undefined };
  return {
    sentiment: new SentimentTracker(new AzureSentimentAnalyzer(azure, localSentiment)),
    localSentiment,
    redactor: new AzurePiiRedactor(azure),
    languageDetector: azure.uses('languageDetection')
      ? new AzureLanguageDetector(azure, detectorFallback, SUPPORTED_LOCALES)
      : local,
    summarizer: azure.uses('summary')
      ? new AzureConversationSummarizer(azure, deps.summaryPollMs)
      : undefined,
    status: () => ({ configured: true, ...azure.status() }),
  };
}
