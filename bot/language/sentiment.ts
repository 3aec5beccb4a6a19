/**
 * Scores how negative a customer's message is. Azure AI Language provides one when configured;
 * without it, no message is scored and sentiment never triggers a handoff.
 */
export interface SentimentAnalyzer {
  /** 0 (not negative) to 1 (very negative), or undefined when the text cannot be scored. */
  negativeScore(text: string, locale: string): Promise<number | undefined>;
}

/** The hook that offers a person when a message is at least this negative. */
export interface SentimentTrigger {
  analyzer: SentimentAnalyzer;
  threshold: number;
}
