import assert from 'node:assert/strict';
import { SUPPORTED_LOCALES } from '../../bot/config';
import type { BotStateSet } from '../../bot/state';
import { LanguageDialog } from '../../dialogs/languageDialog';
import { MainDialog } from '../../dialogs/mainDialog';
import { i18n, recognizer, runDialogCase, type DialogCase } from '../support/dialogTable';

function makeMainDialog(state: BotStateSet): MainDialog {
  return new MainDialog({
    recognizer,
    state,
    languageDialog: new LanguageDialog(recognizer, i18n, state.profile, SUPPORTED_LOCALES),
  });
}

const casesFor = (locale: string, words: Record<string, string>): DialogCase[] => [
  {
    name: 'a first greeting gets the automated-assistant notice and the menu',
    locale,
    steps: [[words.hello!, ['welcome.greeting', 'menu.prompt']]],
  },
  {
    name: 'the notice is shown once per conversation',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [words.hello!, ['menu.prompt']],
    ],
  },
  {
    name: 'help at the top level explains what the bot can do',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [words.help!, ['help.main', 'menu.prompt']],
    ],
  },
  {
    name: 'cancel with nothing running says so',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [words.cancel!, ['main.nothingToCancel', 'menu.prompt']],
    ],
  },
  {
    name: 'an unrecognized message gets a re-prompt that says what the bot can do',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      ['xyzzy 42', ['main.notUnderstood']],
    ],
  },
  {
    name: 'a first message with a task gets the notice before the answer',
    locale,
    steps: [[words.order!, ['welcome.greeting', 'main.taskUnavailable']]],
  },
  {
    name: 'asking for a person is answered at the top level',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [words.agent!, ['handoff.unavailable']],
    ],
  },
  {
    name: 'help inside the language choice gives that context and asks again',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [words.language!, ['language.prompt']],
      [words.help!, ['help.language', 'language.prompt']],
    ],
  },
  {
    name: 'cancel inside the language choice returns to the menu',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [words.language!, ['language.prompt']],
      [words.cancel!, ['cancel.done', 'menu.anythingElse']],
    ],
  },
  {
    name: 'an answer outside the list is re-prompted with what is expected',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [words.language!, ['language.prompt']],
      ['Klingon', ['language.retry']],
    ],
  },
  {
    name: 'asking for a person inside a task leaves the task',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [words.language!, ['language.prompt']],
      [words.agent!, ['handoff.unavailable']],
    ],
  },
];

const english = {
  hello: 'hello',
  help: 'help',
  cancel: 'cancel',
  order: 'where is my order?',
  agent: 'agent',
  language: 'language',
};
const spanish = {
  hello: 'hola',
  help: 'ayuda',
  cancel: 'cancelar',
  order: '¿dónde está mi pedido?',
  agent: 'agente',
  language: 'idioma',
};

describe('MainDialog', () => {
  for (const dialogCase of [...casesFor('en-US', english), ...casesFor('es-ES', spanish)]) {
    it(`${dialogCase.locale}: ${dialogCase.name}`, async () => {
      await runDialogCase(dialogCase, makeMainDialog);
    });
  }

  it("offers the menu as suggested actions in the customer's language", async () => {
    const { replies } = await runDialogCase(
      { name: 'menu', locale: 'es', steps: [['hola', ['welcome.greeting', 'menu.prompt']]] },
      makeMainDialog,
    );
    const menu = replies[0]?.[1]?.suggestedActions?.actions.map((action) => action.value as string);
    assert.deepEqual(menu, ['Estado del pedido', 'Devolver un artículo', 'Citas', 'Hablar con una persona']);
  });

  it('changing the language answers in the new language and keeps it for later turns', async () => {
    await runDialogCase(
      {
        name: 'language change',
        locale: 'en-US',
        steps: [
          ['hello', ['welcome.greeting', 'menu.prompt']],
          ['language', ['language.prompt']],
          [
            'Español',
            [
              { key: 'language.changed', locale: 'es' },
              { key: 'menu.anythingElse', locale: 'es' },
            ],
          ],
          // The channel still says en-US; the customer's choice wins.
          ['hello', [{ key: 'menu.prompt', locale: 'es' }]],
        ],
      },
      makeMainDialog,
    );
  });
});
