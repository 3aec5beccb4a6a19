import { chineseScriptOf } from './chineseScript';
import { resolveLocale } from '../i18n';
import type { SupportedLocale } from '../config';

/** Fewest words a message needs before its language is trusted to switch a conversation. */
export const MIN_WORDS_TO_DETECT = 3;
/** eld's score (0..1) the best language needs, and its lead over the second. */
const MIN_SCORE = 0.6;
const MIN_LEAD = 0.03;

/** Tells the language of a customer's message, or nothing when unsure. */
export interface LanguageDetector {
  /**
   * The supported locale `text` is written in, or undefined when it is short, ambiguous or in a
   * language the bot does not speak. `hint` (the channel's locale) decides between zh-CN and
   * zh-TW when the characters are the same in both scripts. A detector asking a service
   * (Azure AI Language) answers asynchronously.
   */
  detect(text: string, hint?: string): string | undefined | Promise<string | undefined>;
}

/** The part of eld used here (its types are those of the ES module). */
interface Eld {
  detect(text: string): { language: string; getScores(): Record<string, number>; isReliable(): boolean };
}

/** Words of a message; Chinese, written without spaces, counts one word per two characters. */
export function wordCount(text: string): number {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const words = text.replace(/\p{Script=Han}/gu, ' ').match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
  return words + Math.floor(han / 2);
}

/**
 * Local language detection with eld (n-gram statistics of 60 languages, Latvian among them),
 * loaded once at start-up. Simplified and Traditional Chinese are told apart by script.
 */
export class LocalLanguageDetector implements LanguageDetector {
  private constructor(
    private readonly eld: Eld,
    private readonly locales: readonly string[],
    private readonly fallback: SupportedLocale,
  ) {}

  /**
   * Loads eld's medium model.
   * NOTE: eld is an ES module only; `import()` stays a dynamic import in our CommonJS build
   * (module node16), so this works from `dist/` as it does under tsx.
   */
  static async load(locales: readonly string[], fallback: SupportedLocale): Promise<LocalLanguageDetector> {
    const { eld } = (await import('eld/medium')) as unknown as { eld: Eld };
    return new LocalLanguageDetector(eld, locales, fallback);
  }

  detect(text: string, hint?: string): string | undefined {
    if (wordCount(text) < MIN_WORDS_TO_DETECT) return undefined;
    const result = this.eld.detect(text);
    if (!result.language || !result.isReliable()) return undefined;
    const [best = 0, second = 0] = Object.values(result.getScores()).sort((a, b) => b - a);
    if (best < MIN_SCORE || best - second < MIN_LEAD) return undefined;
    if (result.language === 'zh') return this.chinese(text, hint);
    const locale = resolveLocale([result.language], this.fallback, this.locales);
    // resolveLocale falls back to the default for a language the bot does not speak.
    return locale.split('-')[0] === result.language ? locale : undefined;
  }

  private chinese(text: string, hint: string | undefined): string | undefined {
    const script = chineseScriptOf(text);
    const byScript = script === 'traditional' ? 'zh-TW' : script === 'simplified' ? 'zh-CN' : undefined;
    const hinted = resolveLocale([hint], this.fallback, this.locales);
    const candidate = byScript ?? (hinted.startsWith('zh') ? hinted : 'zh-CN');
    return this.locales.includes(candidate) ? candidate : undefined;
  }
}
