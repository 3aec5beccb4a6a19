import { MemoRecognizer } from '../language/memoRecognizer';
import type { IntentResult, Recognizer } from '../language/recognizer';

/**
 * A recognizer whose model can be replaced while turns run: each call goes to the model current
 * when it starts, so a turn in flight during a re-training finishes on the old model and the next
 * call uses the new one. Each model answers through a {@link MemoRecognizer} of its own (one
 * recognition per message and turn), so no answer of an old model outlives it. Not ready until
 * the content it is trained on has been loaded.
 */
export class LiveRecognizer implements Recognizer {
  private loaded = false;
  private memo: MemoRecognizer;

  constructor(private current: Recognizer) {
    this.memo = new MemoRecognizer(current);
  }

  get ready(): boolean {
    return this.loaded && this.current.ready;
  }

  /** The model answering now. */
  get model(): Recognizer {
    return this.current;
  }

  /** Answers with `next` from now on. */
  replace(next: Recognizer): void {
    this.current = next;
    this.memo = new MemoRecognizer(next);
    this.loaded = true;
  }

  /** The content is loaded and the current model is the one to use. */
  markLoaded(): void {
    this.loaded = true;
  }

  recognize(text: string, locale: string): Promise<IntentResult> {
    return this.memo.recognize(text, locale);
  }
}
