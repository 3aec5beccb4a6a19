import type { i18n } from 'i18next';
import { translator, type TranslationKey } from '../../bot/i18n';
import type { BotApi } from './botApi';
import { COMMANDS, type Command } from './mapper';

const DESCRIPTIONS: Record<Command, TranslationKey> = {
  start: 'telegram.commands.start.description',
  help: 'telegram.commands.help.description',
  agent: 'telegram.commands.agent.description',
  language: 'telegram.commands.language.description',
};

/** Telegram's `language_code` for a locale: the ISO 639-1 code (`zh-CN` → `zh`). */
function languageCode(locale: string): string {
  return locale.split('-')[0]!.toLowerCase();
}

/**
 * Registers the bot's commands (`/start`, `/help`, `/agent`, `/language`) with their
 * descriptions in every locale, and in the default locale for every other language.
 * NOTE: Telegram keys command lists by language only, so of two locales of one language
 * (`zh-CN`, `zh-TW`) the first registered wins.
 */
export async function registerCommands(
  api: BotApi,
  i18n: i18n,
  locales: readonly string[],
  defaultLocale: string,
): Promise<void> {
  const commandsIn = (locale: string) => {
    const t = translator(i18n, locale);
    return COMMANDS.map((command) => ({ command, description: t(DESCRIPTIONS[command]) }));
  };
  await api.call('setMyCommands', { commands: commandsIn(defaultLocale) });
  const done = new Set<string>();
  for (const locale of locales) {
    const code = languageCode(locale);
    if (done.has(code)) continue;
    done.add(code);
    await api.call('setMyCommands', { commands: commandsIn(locale), language_code: code });
  }
}
