import type { i18n } from 'i18next';
import { translator, type Translate, type TranslationKey } from './i18n';

/**
 * Options i18next reads from the same object as the variables: a call that passes one of these
 * (a plural's `count`, a `context`, …) is left to i18next whatever its text.
 */
const I18NEXT_OPTIONS = new Set([
  'count',
  'context',
  'ordinal',
  'lng',
  'lngs',
  'ns',
  'defaultValue',
  'replace',
  'returnObjects',
  'returnDetails',
  'joinArrays',
  'postProcess',
  'interpolation',
  'keySeparator',
  'nsSeparator',
  'fallbackLng',
]);

/** `{{name}}`, nothing else inside the braces. */
const PLACEHOLDER = /\{\{(\w+)\}\}/g;
/** What only i18next handles: nesting (`$t(…)`), formats (`{{x, number}}`), unescaped (`{{- x}}`), paths (`{{a.b}}`). */
const BEYOND_PLAIN = /\$t\(|\{\{(?!\w+\}\})/;

/** A text cut at its placeholders: literal, name, literal, name, …, literal. */
type Template = { parts: string[]; names: string[] } | undefined;

/**
 * A {@link Translate} for one locale that remembers what it can. NOTE: i18next resolves a key
 * anew on every call (fallback languages, nesting, interpolation), about 2 % of a turn in the
 * order status alone, and most of what the bot says is the same texts turn after turn:
 * - a text without variables is looked up once;
 * - a text whose placeholders are all plain `{{name}}` (no nesting, formats or plurals) is cut
 *   at them once and filled in here, as i18next does it with `escapeValue: false` (the
 *   variable's string form, as is); a call that leaves one of its placeholders without a value,
 *   or passes an option i18next reads from the variables (`count`, `context`, …), goes to
 *   i18next, as does every text beyond plain placeholders.
 * The texts are remembered for the translator's life: a new one follows texts changed in i18next.
 */
export function rememberingTranslator(instance: i18n, locale: string): Translate {
  const t = translator(instance, locale);
  const plain = interpolatesPlainly(instance);
  const fixedTexts = new Map<TranslationKey, string>();
  const templates = new Map<TranslationKey, Template>();

  const templateOf = (key: TranslationKey): Template => {
    if (templates.has(key)) return templates.get(key);
    const text = rawText(instance, locale, key);
    let template: Template;
    if (plain && text !== undefined && !BEYOND_PLAIN.test(text)) {
      const pieces = text.split(PLACEHOLDER);
      template = {
        parts: pieces.filter((_, i) => i % 2 === 0),
        names: pieces.filter((_, i) => i % 2 === 1),
      };
    }
    templates.set(key, template);
    return template;
  };

  const translate = (key: TranslationKey, vars?: Record<string, string | number>): string => {
    if (vars) {
      const template = templateOf(key);
      const filled = template && fill(template, vars);
      return filled ?? t(key, vars);
    }
    let text = fixedTexts.get(key);
    if (text === undefined) {
      text = t(key);
      fixedTexts.set(key, text);
    }
    return text;
  };
  return translate;
}

/** The template filled with `vars`, or undefined when i18next must do it. */
function fill(template: NonNullable<Template>, vars: Record<string, string | number>): string | undefined {
  for (const name in vars) if (I18NEXT_OPTIONS.has(name)) return undefined;
  const { parts, names } = template;
  let out = parts[0] ?? '';
  for (let i = 0; i < names.length; i++) {
    const value = vars[names[i] ?? ''];
    if (value === undefined || value === null) return undefined;
    out += String(value) + (parts[i + 1] ?? '');
  }
  return out;
}

/** Whether the instance fills `{{name}}` with the variable as is (as `createI18n` sets it up). */
function interpolatesPlainly(instance: i18n): boolean {
  const options = instance.options.interpolation ?? {};
  return (
    options.escapeValue === false &&
    (options.prefix ?? '{{') === '{{' &&
    (options.suffix ?? '}}') === '}}' &&
    options.skipOnVariables !== false &&
    !options.alwaysFormat &&
    options.defaultVariables === undefined &&
    !instance.options.postProcess
  );
}

/**
 * The text of `key` as stored, in `locale` or the first language of i18next's fallbacks that
 * has it, or undefined when it is not a plain string there (a plural, an object, missing).
 */
function rawText(instance: i18n, locale: string, key: TranslationKey): string | undefined {
  const languages = (
    instance.services.languageUtils as { toResolveHierarchy(code: string): string[] }
  ).toResolveHierarchy(locale);
  for (const language of languages) {
    const text: unknown = instance.getResource(language, 'translation', key);
    if (text !== undefined) return typeof text === 'string' ? text : undefined;
  }
  return undefined;
}
