import type { Intent, IntentResult } from '../bot/language/recognizer';

/** How sure the recognizer must be before the bot acts on what it read (`RECOGNIZER_*_THRESHOLD`). */
export interface ConfidenceThresholds {
  /** From this score on, the intent is routed to at once. */
  route: number;
  /** From this score on (and below `route`), the customer is asked "did you mean …?". */
  suggest: number;
}

/**
 * Measured on the evaluation phrases (docs/language.md): above 0.45 the recognizer was right on
 * every phrase but one; between 0.25 and 0.45 the right intent was among its two best on most,
 * but first on barely half.
 */
export const DEFAULT_CONFIDENCE: ConfidenceThresholds = { route: 0.45, suggest: 0.25 };

/** A second intent less likely than this is not worth offering next to the first. */
const SECOND_SUGGESTION_MIN = 0.05;

/** What the bot makes of a recognized message. */
export type Reading =
  | { kind: 'route'; intent: Intent }
  /** Not sure enough: ask which of these (best first, one or two) the customer meant. */
  | { kind: 'suggest'; intents: Intent[] }
  | { kind: 'notUnderstood' };

/**
 * The confidence policy: the best intent other than `None` is routed when it is first and sure
 * enough; in the grey zone the two best intents are offered; below it, or when `None` itself is
 * sure, the message was not understood.
 */
export function readIntent(result: IntentResult, thresholds: ConfidenceThresholds): Reading {
  const ranking = result.ranking?.length ? result.ranking : [{ intent: result.intent, score: result.score }];
  const candidates = ranking.filter((entry) => entry.intent !== 'None');
  const best = candidates[0];
  const none = ranking.find((entry) => entry.intent === 'None')?.score ?? 0;
  if (!best || best.score < thresholds.suggest || none >= thresholds.route) return { kind: 'notUnderstood' };
  if (result.intent === best.intent && best.score >= thresholds.route)
    return { kind: 'route', intent: best.intent };
  return {
    kind: 'suggest',
    intents: candidates
      .slice(0, 2)
      .filter((entry, index) => index === 0 || entry.score >= SECOND_SUGGESTION_MIN)
      .map((entry) => entry.intent),
  };
}
