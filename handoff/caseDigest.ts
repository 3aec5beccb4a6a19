/**
 * The local extractive summary of a conversation, for the agent who takes it over: why the
 * customer got in touch (in their own words), the sentences that carry the most of what they
 * said, and how their mood went. Built from the redacted transcript only, in any language.
 */
import { wordCount } from '../bot/language/languageDetection';
import type { TranscriptLine } from './handoffStore';

/** A change of negativity (0..1) from the first message to the last that counts as a trend. */
const TREND_STEP = 0.2;
/** Sentences picked besides the reason for contact and the last message. */
const KEY_SENTENCES = 2;
/** Customer messages that say nothing about the problem: a menu choice, "agent", a greeting. */
const MIN_REASON_WORDS = 4;

/** How the customer's negativity went over the conversation. */
export interface SentimentTrend {
  first: number;
  last: number;
  peak: number;
  direction: 'worsening' | 'improving' | 'steady';
}

/** The local extractive summary; `azure` holds Azure AI Language's sentences when it made some. */
export interface CaseDigest {
  /** The customer's first message that says what they want. */
  contactReason?: string;
  /** Other sentences of the customer's that carry the most, in the order they were written. */
  keySentences: string[];
  trend?: SentimentTrend;
  /** Azure AI Language's extractive summary of what the customer wrote. */
  azure?: string[];
}

/**
 * Content words of a sentence: Latin-script words of four letters or more (short ones are
 * mostly "the", "and", "que", "par"), Chinese as character pairs.
 */
function terms(sentence: string): string[] {
  const lower = sentence.toLowerCase();
  const words = lower.match(/[\p{L}\p{N}]{4,}/gu)?.filter((word) => !/\p{Script=Han}/u.test(word)) ?? [];
  const han = [...lower.replace(/[^\p{Script=Han}]+/gu, ' ')].join('');
  const pairs: string[] = [];
  for (const run of han.split(' '))
    for (let i = 0; i + 1 < run.length; i += 1) pairs.push(run.slice(i, i + 2));
  return [...words, ...pairs];
}

function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?。！？])\s*|\n+/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}

/** The direction of `scores` (oldest first), or undefined with fewer than two. */
export function trendOf(scores: readonly number[]): SentimentTrend | undefined {
  const first = scores[0];
  const last = scores[scores.length - 1];
  if (first === undefined || last === undefined || scores.length < 2) return undefined;
  const direction =
    last - first >= TREND_STEP ? 'worsening' : first - last >= TREND_STEP ? 'improving' : 'steady';
  return { first, last, peak: Math.max(...scores), direction };
}

/**
 * Picks the reason for contact and the key sentences from the customer's lines: each sentence
 * scores by how many other sentences share its terms (what the customer keeps coming back to),
 * per term, so long sentences do not win by length alone.
 */
export function digestConversation(
  transcript: readonly TranscriptLine[],
  scores: readonly number[],
): CaseDigest {
  const customer = transcript.filter((line) => line.role === 'customer').map((line) => line.text);
  const contactReason = customer.find((text) => wordCount(text) >= MIN_REASON_WORDS);
  const last = customer[customer.length - 1];
  const candidates = customer
    .filter((text) => text !== contactReason && text !== last)
    .flatMap(sentencesOf)
    .filter((sentence) => wordCount(sentence) >= MIN_REASON_WORDS);
  // Terms counted over everything the customer wrote, the reason included: a sentence about
  // what the customer came for outranks small talk.
  const frequency = new Map<string, number>();
  for (const sentence of customer.flatMap(sentencesOf))
    for (const term of new Set(terms(sentence))) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  const ranked = candidates
    .map((sentence, index) => {
      const own = [...new Set(terms(sentence))];
      const weight =
        own.reduce((sum, term) => sum + (frequency.get(term) ?? 1) - 1, 0) /
        Math.max(1, Math.sqrt(own.length));
      return { sentence, index, weight };
    })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .slice(0, KEY_SENTENCES)
    .sort((a, b) => a.index - b.index)
    .map((entry) => entry.sentence);
  const trend = trendOf(scores);
  return {
    ...(contactReason ? { contactReason } : {}),
    keySentences: [...new Set(ranked)],
    ...(trend ? { trend } : {}),
  };
}
