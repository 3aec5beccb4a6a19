import type { IntentResult, Recognizer } from './recognizer';

/** Results kept by default: far more than the turns running at once on one instance. */
const DEFAULT_CAPACITY = 512;
/** Longer texts are recognized every time: a pasted e-mail is not asked about twice. */
const MAX_CACHED_TEXT = 1_000;

/**
 * A {@link Recognizer} that remembers its last results by (text, locale), so that one turn asks
 * the recognizer once however many places look at the same message: the main dialog's handoff
 * trigger, its language check and its routing, the interruptions of a task dialog and the
 * handoff middleware all recognize the customer's text of the turn.
 *
 * Bounded (least recently used out, O(1) per call: a `Map` keeps insertion order). The promise
 * is remembered, so calls made while the first is still running share it; a rejected call is
 * forgotten, so a failing recognizer is asked again next time.
 *
 * NOTE: callers get the same result object; none may change it. Call {@link clear} when the
 * model behind it changes (retraining), or the old answers are given until they age out.
 */
export class MemoRecognizer implements Recognizer {
  private readonly results = new Map<string, Promise<IntentResult>>();

  constructor(
    private readonly inner: Recognizer,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`MemoRecognizer: capacity must be a positive integer (got ${capacity})`);
  }

  get ready(): boolean {
    return this.inner.ready;
  }

  /** Results remembered now (for tests and metrics). */
  get size(): number {
    return this.results.size;
  }

  recognize(text: string, locale: string): Promise<IntentResult> {
    if (text.length > MAX_CACHED_TEXT) return this.inner.recognize(text, locale);
    // NOTE: NUL cannot be in a locale tag, so no (text, locale) pair shares a key with another.
    const key = `${locale}\u0000${text}`;
    const known = this.results.get(key);
    if (known) {
      // Most recently used goes to the end of the map's order.
      this.results.delete(key);
      this.results.set(key, known);
      return known;
    }
    const result = this.inner.recognize(text, locale);
    this.results.set(key, result);
    if (this.results.size > this.capacity) {
      const oldest = this.results.keys().next();
      if (!oldest.done) this.results.delete(oldest.value);
    }
    result.catch(() => {
      if (this.results.get(key) === result) this.results.delete(key);
    });
    return result;
  }

  /** Forgets every result: the model changed (the content store retrained it). */
  clear(): void {
    this.results.clear();
  }
}
