import type { StatePropertyAccessor } from 'botbuilder';
import {
  ListStyle,
  WaterfallDialog,
  type Choice,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { i18n } from 'i18next';
import { translator, type TranslationKey } from '../bot/i18n';
import type { Recognizer } from '../bot/language/recognizer';
import { localize, setTurnLanguage } from '../bot/middleware';
import type { CustomerProfile } from '../bot/state';
import { UnderstandingChoicePrompt } from './choicePrompt';
import { InterruptibleDialog, type TaskOutcome } from './interruptibleDialog';
import { PromptTranslation } from './promptTranslation';

export const LANGUAGE_DIALOG = 'languageDialog';
const WATERFALL = 'languageDialog.waterfall';
const LANGUAGE_PROMPT = 'languageDialog.languagePrompt';

/**
 * Lets the customer pick the bot's language; the choice is kept in user state and wins over the
 * channel's. Started on top of a task ("idioma" in the middle of a return), it rewrites the
 * questions waiting below it into the new language, so the task asks its question again in it.
 */
export class LanguageDialog extends InterruptibleDialog {
  protected readonly helpKey: TranslationKey = 'help.language';
  private readonly prompts: PromptTranslation;

  constructor(
    recognizer: Recognizer,
    private readonly i18n: i18n,
    private readonly profile: StatePropertyAccessor<CustomerProfile>,
    private readonly locales: readonly string[],
  ) {
    super(LANGUAGE_DIALOG, recognizer);
    this.prompts = new PromptTranslation(i18n, locales);
    this.addDialog(new UnderstandingChoicePrompt(LANGUAGE_PROMPT));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [this.askLanguageStep.bind(this), this.saveLanguageStep.bind(this)]),
    );
    this.initialDialogId = WATERFALL;
  }

  private async askLanguageStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const t = localize(step.context);
    return step.prompt(LANGUAGE_PROMPT, {
      prompt: t('language.prompt'),
      retryPrompt: t('language.retry'),
      choices: this.languageChoices(),
      style: ListStyle.suggestedAction,
    });
  }

  private async saveLanguageStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const chosen = this.locales[(step.result as FoundChoice).index];
    if (chosen === undefined) throw new Error('LanguageDialog.saveLanguageStep(): choice outside the list');
    const profile = await this.profile.get(step.context, {});
    await this.profile.set(step.context, { ...profile, locale: chosen });
    // The rest of this turn speaks the new language already.
    const t = translator(this.i18n, chosen);
    setTurnLanguage(step.context, { locale: chosen, t });
    await step.context.sendActivity(t('language.changed'));
    for (let dc = step.parent; dc; dc = dc.parent) this.prompts.relocalizeStack(dc.stack, t);
    return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
  }

  /**
   * Each language is offered under its own name ("Latviešu"); its code and its name in every
   * other bundle ("Latvian", "Letón", "拉脱维亚语") are synonyms, so a customer can type it in
   * the language they are leaving.
   */
  private languageChoices(): Choice[] {
    return this.locales.map((locale) => {
      const key = `language.names.${locale}` as TranslationKey;
      const names = this.locales.map((other) => translator(this.i18n, other)(key));
      const own = translator(this.i18n, locale)(key);
      return { value: own, synonyms: [locale, ...new Set(names.filter((name) => name !== own))] };
    });
  }
}
