import { DEFAULT_RECOGNIZER_THRESHOLDS } from '../bot/config';
import { FAQ_INTENT, isIntent, type Intent, type IntentResult } from '../bot/language/recognizer';

/** How sure the recognizer must be before the bot acts on what it read (`RECOGNIZER_*_THRESHOLD`). */
export interface ConfidenceThresholds {
  /** From this score on, the intent is routed to at once. */
  route: number;
  /** From this score on (and below `route`), the customer is asked "did you mean …?". */
  suggest: number;
}

/**
 * Measured on the 225 evaluation phrases of test/fixtures/language (five locales): 203 scored
 * 0.45 or more and 202 of them were right; 7 fell between 0.25 and 0.45, and for 5 of those the
 * right intent was the first of the two offered, so asking costs one tap where routing blindly
 * would start the wrong task for 2 in 7.
 */
export const DEFAULT_CONFIDENCE: ConfidenceThresholds = { ...DEFAULT_RECOGNIZER_THRESHOLDS };

/** A second intent less likely than this is not worth offering next to the first. */
const SECOND_SUGGESTION_MIN = 0.05;

/** What the bot makes of a recognized message. */
export type Reading =
  | { kind: 'route'; intent: Intent }
  /** Sure enough that the message is this FAQ question: answer it. */
  | { kind: 'faq'; faq: string }
  /** Not sure enough: ask which of these (best first, one or two) the customer meant. */
  | { kind: 'suggest'; intents: Intent[] }
  | { kind: 'notUnderstood' };

/**
 * The confidence policy: the recognized intent is routed when it is sure enough, and a sure
 * `None` is not understood; otherwise the two best intents other than `None` are offered when
 * the best is at least `suggest`, and below that the message was not understood. NOTE: FAQ
 * entries are answered when sure enough but never offered as "did you mean …?" (its choices are
 * the intents by name); an unsure FAQ reading leaves the offer to the intents below it.
 */
export function readIntent(result: IntentResult, thresholds: ConfidenceThresholds): Reading {
  if (result.score >= thresholds.route) {
    if (result.intent === FAQ_INTENT) {
      return result.faq ? { kind: 'faq', faq: result.faq } : { kind: 'notUnderstood' };
    }
    return result.intent === 'None' ? { kind: 'notUnderstood' } : { kind: 'route', intent: result.intent };
  }
  const ranking = result.ranking?.length ? result.ranking : [{ intent: result.intent, score: result.score }];
  const candidates = ranking.flatMap((entry) =>
    entry.intent !== 'None' && isIntent(entry.intent) ? [{ intent: entry.intent, score: entry.score }] : [],
  );
  const best = candidates[0];
  if (!best || best.score < thresholds.suggest) return { kind: 'notUnderstood' };
  return {
    kind: 'suggest',
    intents: candidates
      .slice(0, 2)
      .filter((entry, index) => index === 0 || entry.score >= SECOND_SUGGESTION_MIN)
      .map((entry) => entry.intent),
  };
}
