import type { Activity } from 'botbuilder';
import type { Choice, DialogInstance, PromptOptions } from 'botbuilder-dialogs';
import type { i18n } from 'i18next';
import { flattenBundle, type Translate, type TranslationKey } from '../bot/i18n';
import { relocalizeChoices } from './choicePrompt';

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** One text of a bundle: its key (plural suffix removed) and, for texts with variables, a pattern. */
interface BundleText {
  key: TranslationKey;
  plural: boolean;
  pattern?: RegExp;
  /** Characters outside the placeholders: the pattern with more of them is the surer match. */
  literal: number;
}

/**
 * Reads texts the bot sent back into translation keys, so a question asked in one language can
 * be asked again in another. Built once per i18next instance and locale set.
 */
export class PromptTranslation {
  /** Text without variables → its key, over every locale. */
  private readonly fixed = new Map<string, BundleText>();
  /** Texts with variables, surest first. */
  private readonly templates: BundleText[] = [];

  constructor(i18n: i18n, locales: readonly string[]) {
    for (const locale of locales) {
      const bundle = i18n.getResourceBundle(locale, 'translation') as Record<string, unknown> | undefined;
      if (!bundle) continue;
      for (const [flatKey, text] of flattenBundle(bundle)) {
        const plural = PLURAL.test(flatKey);
        const entry: BundleText = {
          key: flatKey.replace(PLURAL, '') as TranslationKey,
          plural,
          literal: text.replace(/\{\{[^}]+\}\}/g, '').length,
        };
        if (text.includes('{{')) {
          const source = text
            .split(/(\{\{\s*[\w.]+\s*\}\})/)
            .map((part) => {
              const name = /^\{\{\s*([\w.]+)\s*\}\}$/.exec(part)?.[1];
              return name ? `(?<${name.replace(/\./g, '_')}>[\\s\\S]+?)` : escapeRegExp(part);
            })
            .join('');
          const pattern = patternOf(source);
          if (pattern) this.templates.push({ ...entry, pattern });
        } else if (!this.fixed.has(text)) {
          this.fixed.set(text, entry);
        }
      }
    }
    this.templates.sort((a, b) => b.literal - a.literal);
  }

  /** `text` in the language of `t`, when it is a text of a bundle (with any variables); else unchanged. */
  translate(text: string, t: Translate): string {
    const fixed = this.fixed.get(text);
    if (fixed) return t(fixed.key);
    for (const template of this.templates) {
      const groups = template.pattern?.exec(text)?.groups;
      if (!groups) continue;
      const vars: Record<string, string | number> = {};
      for (const [name, value] of Object.entries(groups)) {
        // Variables that are fixed texts themselves ("reason: Wrong size or fit") are translated
        // too; others (a product name) may look like a template and are kept as they are.
        vars[name] =
          template.plural && name === 'count' && /^\d+$/.test(value)
            ? Number(value)
            : this.translateFixed(value, t);
      }
      return t(template.key, vars);
    }
    return text;
  }

  /** A text without variables in the language of `t`; anything else (a product name, a number) unchanged. */
  private translateFixed(text: string, t: Translate): string {
    const fixed = this.fixed.get(text);
    return fixed ? t(fixed.key) : text;
  }

  /**
   * Rewrites, in place, the question and re-prompt of every prompt waiting in `stack` (and in the
   * dialogs inside its component dialogs) into the language of `t`, choices included, so the
   * re-prompt after a language change asks in the new language.
   */
  relocalizeStack(stack: readonly DialogInstance[], t: Translate): void {
    for (const instance of stack) {
      const state = instance.state as
        { options?: PromptOptions; dialogs?: { dialogStack?: DialogInstance[] } } | undefined;
      const inner = state?.dialogs?.dialogStack;
      if (inner) this.relocalizeStack(inner, t);
      const options = state?.options;
      if (!options || typeof options !== 'object' || !('prompt' in options)) continue;
      options.prompt = this.translatePrompt(options.prompt, t);
      if (options.retryPrompt) options.retryPrompt = this.translatePrompt(options.retryPrompt, t);
      if (options.choices) options.choices = this.translateChoices(relocalizeChoices(options.choices, t), t);
    }
  }

  private translatePrompt(
    prompt: string | Partial<Activity> | undefined,
    t: Translate,
  ): string | Partial<Activity> | undefined {
    if (typeof prompt === 'string') return this.translate(prompt, t);
    if (prompt?.text) return { ...prompt, text: this.translate(prompt.text, t) };
    return prompt;
  }

  /** Choices without keys ("Book", written by dialogs that do not keep them) are read back by their text. */
  private translateChoices(choices: (string | Choice)[], t: Translate): (string | Choice)[] {
    return choices.map((choice) => {
      if (typeof choice === 'string') return this.translate(choice, t);
      if ((choice as { textKey?: string }).textKey) return choice;
      const value = this.translate(choice.value, t);
      if (value === choice.value) return choice;
      // The old text stays a synonym: a customer may still type what they read a moment ago.
      return { ...choice, value, synonyms: [...(choice.synonyms ?? []), choice.value] };
    });
  }
}

/** NOTE: a text using one variable twice cannot be a pattern with named groups; it is left out. */
function patternOf(source: string): RegExp | undefined {
  try {
    return new RegExp(`^${source}$`);
  } catch {
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
