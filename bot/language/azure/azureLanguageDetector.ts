import { resolveLocale } from '../../i18n';
import { chineseScriptOf } from '../chineseScript';
import { MIN_WORDS_TO_DETECT, wordCount, type LanguageDetector } from '../languageDetection';
import type { AzureLanguage } from './azureLanguage';
import { MAX_SYNC_DOCUMENT_CHARS } from './limits';

/** Azure's confidence (0..1) a language needs before it decides the conversation's locale. */
const MIN_CONFIDENCE = 0.8;

/**
 * Azure AI Language's language detection as the first opinion, the local detector as the second:
 * when Azure is confident, its answer stands (also "a language we do not speak", which keeps
 * the channel's locale); when it is unsure, slow or failing, the local detector decides.
 */
export class AzureLanguageDetector implements LanguageDetector {
  constructor(
    private readonly azure: AzureLanguage,
    private readonly fallback: LanguageDetector,
    private readonly locales: readonly string[],
  ) {}

  async detect(text: string, hint?: string): Promise<string | undefined> {
    if (!this.azure.uses('languageDetection') || wordCount(text) < MIN_WORDS_TO_DETECT)
      return this.fallback.detect(text, hint);
    // A sample is enough to tell a language, and stays within the per-document limit.
    const sample = text.slice(0, MAX_SYNC_DOCUMENT_CHARS);
    const detected = await this.azure.call('languageDetection', async (abortSignal) => {
      const [result] = await this.azure.client.analyze(
        'LanguageDetection',
        [{ id: '0', text: sample, countryHint: '' }],
        {
          abortSignal,
        },
      );
      return result && !result.error ? result.primaryLanguage : undefined;
    });
    if (!detected || detected.confidenceScore < MIN_CONFIDENCE) return this.fallback.detect(text, hint);
    return this.localeOf(detected.iso6391Name, text, hint);
  }

  /** Our locale for Azure's code (`zh_chs`, `zh_cht`, `es`, …), or undefined for a language we do not speak. */
  private localeOf(code: string, text: string, hint: string | undefined): string | undefined {
    const normalized = code.toLowerCase().replace('_', '-');
    let locale: string | undefined;
    if (normalized === 'zh-chs' || normalized === 'zh-hans') locale = 'zh-CN';
    else if (normalized === 'zh-cht' || normalized === 'zh-hant') locale = 'zh-TW';
    else if (normalized === 'zh') {
      const script = chineseScriptOf(text);
      locale =
        script === 'traditional'
          ? 'zh-TW'
          : script === 'simplified'
            ? 'zh-CN'
            : hint?.startsWith('zh-TW')
              ? 'zh-TW'
              : 'zh-CN';
    } else {
      const resolved = resolveLocale([normalized], 'en', this.locales);
      locale = resolved.split('-')[0] === normalized ? resolved : undefined;
    }
    return locale && this.locales.includes(locale) ? locale : undefined;
  }
}
