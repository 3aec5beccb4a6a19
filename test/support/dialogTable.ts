import assert from 'node:assert/strict';
import { AutoSaveStateMiddleware, MemoryStorage, type Activity, type Middleware } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { SUPPORTED_LOCALES } from '../../bot/config';
import { createI18n, translator, type TranslationKey } from '../../bot/i18n';
import { TrainedRecognizer } from '../../bot/language/trainedRecognizer';
import { localesDir } from '../../bot/i18n';
import { LocaleResolution } from '../../bot/middleware';
import { BotStateSet } from '../../bot/state';

/**
 * A bot reply as a test expects it: a translation key in the case's locale, or with variables
 * and another locale (after the customer changed language), or several such texts sent as the
 * lines of one message, or a text given as it is (content that is not in the bundles: FAQ answers).
 */
export type ExpectedReply =
  | TranslationKey
  | { key: TranslationKey; vars?: Record<string, string | number>; locale?: string }
  | { lines: ExpectedReply[] }
  | { text: string };

/** One row of a dialog table: what the customer says and the replies expected, in order. */
export interface DialogCase {
  name: string;
  locale: string;
  steps: [userSays: string, botReplies: ExpectedReply[]][];
  /** Checked against the dialog's result after the last step, when given. */
  expectedResult?: unknown;
  /** The options the dialog is begun with (what a parent dialog would pass). */
  options?: unknown;
}

export const i18n = createI18n();
export const recognizer = TrainedRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES);

/** Fresh state over MemoryStorage, as a test conversation needs. */
export function newState(): BotStateSet {
  return new BotStateSet(new MemoryStorage());
}

/** The text the bot should send for an expected reply in `locale`. */
export function expectedText(locale: string, reply: ExpectedReply): string {
  if (typeof reply === 'string') return translator(i18n, locale)(reply);
  if ('lines' in reply) return reply.lines.map((line) => expectedText(locale, line)).join('\n');
  if ('text' in reply) return reply.text;
  return translator(i18n, reply.locale ?? locale)(reply.key, reply.vars);
}

/**
 * Runs one table row through DialogTestClient with the shared locale middleware: every reply
 * must match in order, and no reply may be left over after a step. `middleware` runs after the
 * locale resolution, as a channel's own middleware would (e.g. to set a verified identity).
 */
export async function runDialogCase(
  dialogCase: DialogCase,
  makeDialog: (state: BotStateSet) => Dialog,
  middleware: Middleware[] = [],
): Promise<{ client: DialogTestClient; replies: Partial<Activity>[][]; state: BotStateSet }> {
  const state = newState();
  const client = new DialogTestClient(
    'test',
    makeDialog(state),
    dialogCase.options,
    [
      new LocaleResolution(i18n, state.profile, 'en'),
      new AutoSaveStateMiddleware(state.userState),
      ...middleware,
    ],
    state.conversationState,
  );
  const replies: Partial<Activity>[][] = [];
  for (const [userSays, botReplies] of dialogCase.steps) {
    const first = (await client.sendActivity({
      type: 'message',
      text: userSays,
      locale: dialogCase.locale,
    })) as Partial<Activity> | undefined;
    const got: Partial<Activity>[] = first ? [first] : [];
    for (
      let next: Partial<Activity> | undefined = client.getNextReply();
      next;
      next = client.getNextReply()
    ) {
      got.push(next);
    }
    assert.deepEqual(
      got.map((reply) => reply.text),
      botReplies.map((reply) => expectedText(dialogCase.locale, reply)),
      `${dialogCase.name}: replies to "${userSays}"`,
    );
    replies.push(got);
  }
  if ('expectedResult' in dialogCase) {
    assert.deepEqual(client.dialogTurnResult.result, dialogCase.expectedResult, `${dialogCase.name}: result`);
  }
  return { client, replies, state };
}
