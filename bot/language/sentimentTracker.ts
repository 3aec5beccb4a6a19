import type { SentimentAnalyzer } from './sentiment';

/** Scores kept for the messages last scored, so the same message is not sent twice. */
const MEMO_SIZE = 500;
/** Conversations whose trend is kept at once; the oldest is forgotten first. */
const MAX_CONVERSATIONS = 10_000;
/** Scores kept per conversation: enough for a trend. */
const MAX_SCORES = 20;
/** A handoff's priority looks at this many of the latest messages. */
const RECENT = 3;

/**
 * The sentiment of every customer message, scored once: the shared turn path starts scoring as
 * a message arrives (and does not wait), the dialogs' "offer a person" check asks for the same
 * message and gets the same answer, and the scores of each conversation make the trend and the
 * priority of a handoff. NOTE: the trend lives in process memory, bounded; a restarted or other
 * instance starts a conversation's trend afresh, which only loses history, never a turn.
 */
export class SentimentTracker implements SentimentAnalyzer {
  private readonly memo = new Map<string, Promise<number | undefined>>();
  private readonly scores = new Map<string, number[]>();

  constructor(private readonly analyzer: SentimentAnalyzer) {}

  negativeScore(text: string, locale: string): Promise<number | undefined> {
    const key = `${locale}\u0000${text}`;
    const known = this.memo.get(key);
    if (known) return known;
    const pending = this.analyzer.negativeScore(text, locale).catch(() => undefined);
    this.memo.set(key, pending);
    if (this.memo.size > MEMO_SIZE) this.memo.delete(this.memo.keys().next().value as string);
    return pending;
  }

  /** Scores a customer message of `conversationKey` and adds it to that conversation's trend. */
  async observe(conversationKey: string, text: string, locale: string): Promise<number | undefined> {
    const score = await this.negativeScore(text, locale);
    if (score === undefined) return undefined;
    const list = this.scores.get(conversationKey) ?? [];
    this.scores.delete(conversationKey);
    this.scores.set(conversationKey, [...list, score].slice(-MAX_SCORES));
    if (this.scores.size > MAX_CONVERSATIONS) this.scores.delete(this.scores.keys().next().value as string);
    return score;
  }

  /** The most negative of the conversation's latest messages, for a handoff's priority. */
  recent(conversationKey: string): number | undefined {
    const list = this.scores.get(conversationKey)?.slice(-RECENT) ?? [];
    return list.length === 0 ? undefined : Math.max(...list);
  }

  /** The conversation's scores, oldest first (at most the last twenty). */
  trend(conversationKey: string): readonly number[] {
    return this.scores.get(conversationKey) ?? [];
  }
}
