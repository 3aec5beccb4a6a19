import type { IntentExamples, Recognizer } from '../language/recognizer';
import { TrainedRecognizer } from '../language/trainedRecognizer';
import type { TrainRecognizer } from './liveContent';
import type { LocaleContent } from './localeContent';

/** Trains the recognizer on the intents (and FAQ questions) of some content. */
export const trainRecognizer: TrainRecognizer = (content: Record<string, LocaleContent>): Recognizer => {
  const intents: Record<string, IntentExamples> = Object.fromEntries(
    Object.entries(content).map(([locale, localeContent]) => [locale, localeContent.intents]),
  );
  return new TrainedRecognizer(intents);
};
