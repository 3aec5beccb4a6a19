import type { IntentExamples, Recognizer } from '../language/recognizer';
import { DEFAULT_TRAINING } from '../language/intentModel';
import { TrainedRecognizer } from '../language/trainedRecognizer';
import type { FaqEntry } from './faq';
import type { TrainRecognizer } from './liveContent';
import type { LocaleContent } from './localeContent';

/**
 * Trains the recognizer on the intent examples and FAQ questions of some content. Only the
 * languages with a changed locale are trained again (about a fifth of the work for one edit); the
 * others keep the previous recognizer's models.
 */
export const trainRecognizer: TrainRecognizer = (content, previous): Recognizer => {
  const intents: Record<string, IntentExamples> = {};
  const faq: Record<string, FaqEntry[]> = {};
  for (const [locale, localeContent] of Object.entries(content) as [string, LocaleContent][]) {
    intents[locale] = localeContent.intents;
    faq[locale] = localeContent.faq;
  }
  const reusable = previous?.recognizer instanceof TrainedRecognizer ? previous.recognizer : undefined;
  return new TrainedRecognizer(
    intents,
    DEFAULT_TRAINING,
    faq,
    reusable && previous ? { previous: reusable, changedLocales: previous.changedLocales } : undefined,
  );
};
