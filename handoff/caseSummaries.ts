import type { ConversationSummarizer } from '../bot/language/azure/azureSummary';
import type { SentimentReading } from '../bot/language/localSentiment';
import type { Logger } from '../bot/logger';
import { digestConversation, type CaseDigest } from './caseDigest';
import type { HandoffCase, TranscriptLine } from './handoffStore';

/** Cases whose service summary is kept at once (in memory); the oldest is forgotten first. */
const MAX_CASES = 5000;

export interface CaseSummariesDeps {
  /** Azure AI Language's summarizer, when configured for summaries. */
  summarizer?: ConversationSummarizer;
  /** Each conversation's sentiment scores as they were taken, oldest first. */
  trend?: (conversationKey: string) => readonly number[];
  /** Scores a transcript line when the conversation has no scores (after a restart). */
  localSentiment?: { read(text: string, locale: string): SentimentReading | undefined };
  logger: Logger;
}

/**
 * The summaries agents read: the local digest, computed when a case is opened, and Azure AI
 * Language's summary, asked for when the case is queued, off the customer's reply path (the
 * reply never waits for it), and shown once it has arrived.
 */
export class CaseSummaries {
  private readonly service = new Map<number, Promise<string[] | undefined>>();
  private readonly ready = new Map<number, string[]>();

  constructor(private readonly deps: CaseSummariesDeps) {}

  /** Starts the service summary of a case just queued, if a summarizer is configured. */
  prepare(handoffCase: HandoffCase, transcript: readonly TranscriptLine[]): void {
    const { summarizer } = this.deps;
    if (!summarizer || this.service.has(handoffCase.id)) return;
    const lines = transcript.filter((line) => line.role === 'customer').map((line) => line.text);
    const pending = summarizer.summarize(lines, handoffCase.locale).then(
      (sentences) => {
        if (sentences && sentences.length > 0) this.ready.set(handoffCase.id, sentences);
        return sentences;
      },
      (error: unknown) => {
        this.deps.logger.warn({ err: error, caseId: handoffCase.id }, 'case summary not made');
        return undefined;
      },
    );
    this.service.set(handoffCase.id, pending);
    if (this.service.size > MAX_CASES) {
      const oldest = this.service.keys().next().value as number;
      this.service.delete(oldest);
      this.ready.delete(oldest);
    }
  }

  /** Resolves when the service summary of a case has arrived or failed (tests, shutdown). */
  async settled(caseId: number): Promise<void> {
    await this.service.get(caseId);
  }

  /** The digest of a case as it stands: local parts now, the service summary if it arrived. */
  digest(handoffCase: HandoffCase, transcript: readonly TranscriptLine[]): CaseDigest {
    let scores = this.deps.trend?.(handoffCase.conversationKey) ?? [];
    if (scores.length === 0 && this.deps.localSentiment) {
      const { localSentiment } = this.deps;
      scores = transcript
        .filter((line) => line.role === 'customer')
        .map((line) => localSentiment.read(line.text, handoffCase.locale)?.negative)
        .filter((score): score is number => score !== undefined);
    }
    const azure = this.ready.get(handoffCase.id);
    return { ...digestConversation(transcript, scores), ...(azure ? { azure } : {}) };
  }
}
