import { ActivityTypes, type Middleware, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import type { i18n } from 'i18next';
import type { SupportedLocale } from '../config';
import { resolveLocale, type Translate } from '../i18n';
import { rememberingTranslator } from '../rememberedTexts';
import type { LanguageDetector } from '../language/languageDetection';
import type { CustomerProfile } from '../state';

const LOCALE_KEY = Symbol('switchboard.locale');

/** The language of one turn, as dialogs use it. */
export interface TurnLanguage {
  locale: string;
  t: Translate;
}

/**
 * Decides the turn's locale: the customer's saved choice, then the language detected from their
 * first messages, then the channel's `activity.locale`, then `DEFAULT_LOCALE`; a regional tag
 * falls back to its base language (`es-MX` → `es`, `zh-HK` → `zh-TW`).
 *
 * Until a language is chosen or detected, each message is given to the detector; it answers
 * only for three words or more and when sure, and its answer is kept in the profile.
 */
export class LocaleResolution implements Middleware {
  private readonly translators = new Map<string, Translate>();
  private watching = false;

  constructor(
    private readonly i18n: i18n,
    private readonly profile: StatePropertyAccessor<CustomerProfile>,
    private readonly defaultLocale: SupportedLocale,
    private readonly detector?: LanguageDetector,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { activity } = context;
    const profile = await this.profile.get(context);
    let detected = profile?.detectedLocale;
    if (
      !profile?.locale &&
      !detected &&
      this.detector &&
      activity.type === ActivityTypes.Message &&
      activity.text
    ) {
      detected = await this.detector.detect(activity.text, activity.locale);
      if (detected) await this.profile.set(context, { ...profile, detectedLocale: detected });
    }
    const locale = resolveLocale([profile?.locale, detected, activity.locale], this.defaultLocale);
    setTurnLanguage(context, { locale, t: this.translatorFor(locale) });
    await next();
  }

  /** One translator per locale for the life of the process (see {@link rememberingTranslator}). */
  private translatorFor(locale: string): Translate {
    let translate = this.translators.get(locale);
    if (!translate) {
      this.watchResources();
      translate = rememberingTranslator(this.i18n, locale);
      this.translators.set(locale, translate);
    }
    return translate;
  }

  private watchResources(): void {
    if (this.watching) return;
    this.watching = true;
    const forget = (): void => this.translators.clear();
    this.i18n.store.on('added', forget);
    this.i18n.store.on('removed', forget);
  }
}

/** Sets the turn's language; the middleware does it, and dialogs do after the customer picks one. */
export function setTurnLanguage(context: TurnContext, language: TurnLanguage): void {
  context.turnState.set(LOCALE_KEY, language);
}

/** The turn's language; throws when {@link LocaleResolution} did not run for this turn. */
export function turnLanguage(context: TurnContext): TurnLanguage {
  const language = findTurnLanguage(context);
  if (!language) throw new Error('turnLanguage(): LocaleResolution middleware did not run for this turn');
  return language;
}

/** The turn's language, or undefined before {@link LocaleResolution} ran. */
export function findTurnLanguage(context: TurnContext): TurnLanguage | undefined {
  return context.turnState.get<TurnLanguage | undefined>(LOCALE_KEY);
}

/** Shorthand for `turnLanguage(context).t`. */
export function localize(context: TurnContext): Translate {
  return turnLanguage(context).t;
}
