import { loadFaq, type FaqEntry } from '../content/faq';
import { appointmentEntities } from './appointmentEntities';
import { chineseScriptOf } from './chineseScript';
import { extractEntities, type Entity } from './entities';
import { canonicalText, featuresOf, isContentFeature } from './features';
import { DEFAULT_TRAINING, IntentModel, type TrainingExample, type TrainingOptions } from './intentModel';
import {
  FAQ_INTENT,
  INTENTS,
  isIntent,
  loadIntentExamples,
  type IntentExamples,
  type IntentResult,
  type RankedIntent,
  type Recognizer,
} from './recognizer';

/** Below this share of known n-grams a message is mostly words the examples never used. */
const COVERAGE_FLOOR = 0.1;
/** From this share of known n-grams on, the model's probabilities are taken as they are. */
const COVERAGE_FULL = 0.45;
/** A result of the turn's language this sure is not second-guessed by the other languages. */
const OWN_LANGUAGE_ENOUGH = 0.5;
/** Another language's result must be at least this sure to be taken instead. */
const OTHER_LANGUAGE_MIN = 0.6;
/** From this coverage on, a `None` of the turn's language is final. */
const KNOWN_ENOUGH = 0.9;
/** An utterance identical to an example of an intent scores at least this: leads can rely on it. */
const EXACT_EXAMPLE_SCORE = 0.95;
/** Messages whose appointment entities are remembered. */
const RECENT_TASK_ENTITIES = 64;
/** Two intents this close are told apart by the longer example phrase the message contains. */
const TIE_MARGIN = 0.05;

/**
 * What a model tells apart: the intents (in {@link INTENTS} order, so their label is their index)
 * and after them the FAQ entries of the language, by id.
 */
type Label = string;
const NONE_LABEL = INTENTS.indexOf('None');

interface LanguageModel {
  model: IntentModel;
  /** Label names by index: the intents, then the FAQ ids. */
  labels: Label[];
  /** Canonical example → its label index, for exact hits. */
  exact: Map<string, number>;
  /** Canonical examples, longest first, for the keyword tie-break. */
  phrases: { label: number; phrase: string }[];
  /** Locales whose examples trained it, as given. */
  locales: string[];
}

/** What one language's model is trained from. */
interface TrainingGroup {
  locales: string[];
  examples: { label: Label; text: string }[];
  /** FAQ ids of the language's locales, in first-seen order. */
  faqIds: string[];
}

/** The model a locale uses: its language; zh-CN and zh-TW share one (Traditional is converted). */
const languageOf = (locale: string): string => locale.split(/[-_]/)[0]?.toLowerCase() ?? locale;

/**
 * Recognizes intents with a classifier per language trained at start-up from the example
 * phrases in `locales/<locale>/intents.json`: softmax regression over character n-grams, words
 * and word pairs, so misspellings, inflection and unspaced Chinese need no rule per phrase.
 *
 * - The score is the model's probability of the intent, lowered towards `None` when the message
 *   is mostly n-grams no example contains ("xyzzy 42").
 * - A message that is exactly one of the examples gets that intent (score ≥ 0.95).
 * - The turn's language is tried first; when it is unsure, the other languages are asked, so
 *   "agente" or "人工" work whatever language is set (the result names the locale that matched).
 * - Entities (order numbers, booking references, emails, phones) are returned with every result;
 *   an `appointment` result also has the action and the day the message names.
 * - The questions of the FAQ (`faq.json`) are learnt as labels of their own, one per entry: a
 *   result `{intent: 'faq', faq: 'shipping-costs'}` names the entry. NOTE: an FAQ question
 *   identical to an intent's example does not take the exact hit from the intent, so a lead's FAQ
 *   cannot steal a task phrase verbatim.
 */
export class TrainedRecognizer implements Recognizer {
  readonly ready = true;
  private readonly models = new Map<string, LanguageModel>();
  /** Appointment entities of the last few messages, oldest first. */
  private readonly recentTaskEntities = new Map<string, Entity[]>();

  constructor(
    examplesByLocale: Record<string, IntentExamples>,
    options: TrainingOptions = DEFAULT_TRAINING,
    faqByLocale: Record<string, readonly FaqEntry[]> = {},
    /** A recognizer whose models of languages without a locale in `changedLocales` are kept as they are. */
    reuse?: { previous: TrainedRecognizer; changedLocales: ReadonlySet<string> },
  ) {
    const byLanguage = new Map<string, TrainingGroup>();
    const groupOf = (locale: string): TrainingGroup => {
      const language = languageOf(locale);
      const group = byLanguage.get(language) ?? { locales: [], examples: [], faqIds: [] };
      if (!group.locales.includes(locale)) group.locales.push(locale);
      byLanguage.set(language, group);
      return group;
    };
    for (const [locale, byIntent] of Object.entries(examplesByLocale)) {
      const group = groupOf(locale);
      for (const [intent, phrases] of Object.entries(byIntent)) {
        if (!isIntent(intent)) {
          throw new Error(`TrainedRecognizer: unknown intent "${intent}" in locale ${locale}`);
        }
        for (const text of phrases ?? []) group.examples.push({ label: intent, text });
      }
    }
    for (const [locale, entries] of Object.entries(faqByLocale)) {
      if (entries.length === 0) continue;
      const group = groupOf(locale);
      for (const entry of entries) {
        if (isIntent(entry.id) || entry.id === FAQ_INTENT) {
          throw new Error(`TrainedRecognizer: FAQ id "${entry.id}" in locale ${locale} is an intent name`);
        }
        if (!group.faqIds.includes(entry.id)) group.faqIds.push(entry.id);
        for (const text of entry.questions) group.examples.push({ label: entry.id, text });
      }
    }
    for (const [language, group] of byLanguage) {
      const kept = reuse?.previous.models.get(language);
      const unchanged = kept && !group.locales.some((locale) => reuse?.changedLocales.has(locale));
      this.models.set(language, unchanged ? kept : train(group, options));
    }
  }

  /** Reads `intents.json` and `faq.json` of each locale from a `locales/` folder and trains on them. */
  static fromLocalesDir(localesDir: string, locales: readonly string[]): TrainedRecognizer {
    return new TrainedRecognizer(
      loadIntentExamples(localesDir, locales),
      DEFAULT_TRAINING,
      loadFaq(localesDir, locales),
    );
  }

  recognize(text: string, locale: string): Promise<IntentResult> {
    return Promise.resolve(this.withTaskEntities(this.classify(text, locale), text, locale));
  }

  /**
   * Adds what an `appointment` message says of its task: the action (book, move, cancel) and the
   * day. NOTE: only for that intent, and remembered for a few messages (MainDialog and a task's
   * interruption check read the same text), because reading dates (Recognizers-Text) costs 4 to
   * 25 ms a message, far over the recognizer's budget of 1 ms.
   */
  private withTaskEntities(result: IntentResult, text: string, locale: string): IntentResult {
    if (result.intent !== 'appointment') return result;
    const language = result.locale ?? locale;
    const key = `${language}\u0000${text}`;
    let found = this.recentTaskEntities.get(key);
    if (!found) {
      found = appointmentEntities(text, language);
      if (this.recentTaskEntities.size >= RECENT_TASK_ENTITIES) {
        this.recentTaskEntities.delete(this.recentTaskEntities.keys().next().value ?? '');
      }
      this.recentTaskEntities.set(key, found);
    }
    return { ...result, entities: [...(result.entities ?? []), ...found] };
  }

  /** The synchronous core of {@link recognize}, for tools that read many phrases. */
  classify(text: string, locale: string): IntentResult {
    const entities = extractEntities(text);
    const canonical = canonicalText(text);
    if (!canonical) return { intent: 'None', score: 0, entities, ranking: [] };
    const first = this.models.get(languageOf(locale)) ?? this.models.values().next().value;
    if (!first) throw new Error('TrainedRecognizer.classify(): no examples were given');
    const own = this.inLanguage(first, canonical, text, locale);
    let best: IntentResult = { ...own.result, entities };
    if (best.intent !== 'None' && best.score >= OWN_LANGUAGE_ENOUGH) return best;
    // Words the turn's language knows and reads as no intent ("no", "ok") stay no intent: another
    // language would find one in them too easily.
    if (best.intent === 'None' && own.known >= KNOWN_ENOUGH) return best;
    // A `None` of the turn's language is no competition for another language's intent.
    let bestScore = best.intent === 'None' ? 0 : best.score;
    for (const model of this.models.values()) {
      if (model === first) continue;
      const other = this.inLanguage(model, canonical, text, locale).result;
      if (other.intent !== 'None' && other.score >= OTHER_LANGUAGE_MIN && other.score > bestScore) {
        best = { ...other, entities };
        bestScore = other.score;
      }
    }
    return best;
  }

  /** The result of one language's model, and how much of the message that model knows (0..1). */
  private inLanguage(
    language: LanguageModel,
    canonical: string,
    text: string,
    turnLocale: string,
  ): { result: IntentResult; known: number } {
    const features = featuresOf(canonical);
    const probabilities = language.model.predict(features);
    const sure = coverageFactor(language.model, features);
    let moved = 0;
    for (let k = 0; k < probabilities.length; k += 1) {
      if (k === NONE_LABEL) continue;
      moved += probabilities[k]! * (1 - sure);
      probabilities[k]! *= sure;
    }
    probabilities[NONE_LABEL]! += moved;
    const ranking = language.labels
      .map((_, label) => ({ label, score: probabilities[label]! }))
      .sort((a, b) => b.score - a.score);
    const exact = language.exact.get(canonical);
    if (exact !== undefined) {
      const hit = ranking.find((entry) => entry.label === exact)!;
      hit.score = Math.max(hit.score, EXACT_EXAMPLE_SCORE);
      ranking.sort((a, b) => b.score - a.score);
    } else {
      breakTie(ranking, language.phrases, canonical);
    }
    const top = ranking[0]!;
    const result: IntentResult = {
      ...reading(language, top.label, top.score),
      locale: matchedLocale(language.locales, text, turnLocale),
      ranking: ranking.slice(0, 3).map((entry) => reading(language, entry.label, entry.score)),
    };
    return { result, known: sure };
  }
}

/** A label of a model as a result names it: an intent, or `faq` with the entry's id. */
function reading(language: LanguageModel, label: number, score: number): RankedIntent {
  const name = language.labels[label]!;
  return isIntent(name)
    ? { intent: name, score: round(score) }
    : { intent: FAQ_INTENT, faq: name, score: round(score) };
}

function train(group: TrainingGroup, options: TrainingOptions): LanguageModel {
  const labels: Label[] = [...INTENTS, ...group.faqIds];
  const exact = new Map<string, number>();
  const phrases: { label: number; phrase: string }[] = [];
  const examples: TrainingExample[] = [];
  // Intents first, so an FAQ question equal to an intent's example leaves the exact hit to the intent.
  const ordered = [
    ...group.examples.filter((example) => isIntent(example.label)),
    ...group.examples.filter((example) => !isIntent(example.label)),
  ];
  for (const { label: name, text } of ordered) {
    const canonical = canonicalText(text);
    if (!canonical) continue;
    const label = labels.indexOf(name);
    examples.push({ features: featuresOf(canonical), label });
    if (label !== NONE_LABEL) {
      if (!exact.has(canonical)) exact.set(canonical, label);
      phrases.push({ label, phrase: canonical });
    }
  }
  phrases.sort((a, b) => b.phrase.length - a.phrase.length);
  return {
    model: new IntentModel(labels.length, examples, options),
    labels,
    exact,
    phrases,
    locales: group.locales,
  };
}

/** 0..1: how much of the message the model has seen n-grams of, mapped onto the coverage range. */
function coverageFactor(model: IntentModel, features: Map<string, number>): number {
  let known = 0;
  let total = 0;
  for (const [feature, value] of features) {
    if (!isContentFeature(feature)) continue;
    total += value;
    if (model.knows(feature)) known += value;
  }
  const coverage = total === 0 ? 0 : known / total;
  return Math.min(1, Math.max(0, (coverage - COVERAGE_FLOOR) / (COVERAGE_FULL - COVERAGE_FLOOR)));
}

/**
 * NOTE: the exact keyword hits of the old recognizer survive as a tie-breaker: when the two best
 * intents are nearly level, the one with the longer example inside the message goes first.
 */
function breakTie(
  ranking: { label: number; score: number }[],
  phrases: readonly { label: number; phrase: string }[],
  canonical: string,
): void {
  const [first, second] = ranking;
  if (!first || !second || first.score - second.score > TIE_MARGIN) return;
  const padded = ` ${canonical} `;
  const hit = phrases.find(
    (entry) =>
      (entry.label === first.label || entry.label === second.label) &&
      (/\p{Script=Han}/u.test(entry.phrase)
        ? canonical.includes(entry.phrase)
        : padded.includes(` ${entry.phrase} `)),
  );
  if (hit?.label === second.label) [ranking[0], ranking[1]] = [second, first];
}

/** The locale to report: the turn's when it trained this model, else by script for Chinese. */
function matchedLocale(locales: readonly string[], text: string, turnLocale: string): string {
  const exact = locales.find((locale) => locale.toLowerCase() === turnLocale.toLowerCase());
  if (exact) return exact;
  if (locales.length > 1) {
    const script = chineseScriptOf(text);
    const wanted = script === 'traditional' ? 'zh-tw' : 'zh-cn';
    const byScript = locales.find((locale) => locale.toLowerCase() === wanted);
    if (byScript) return byScript;
  }
  return locales[0] ?? turnLocale;
}

const round = (score: number): number => Math.round(score * 1000) / 1000;
