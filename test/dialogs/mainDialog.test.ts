import assert from 'node:assert/strict';
import { SUPPORTED_LOCALES } from '../../bot/config';
import type { BotStateSet } from '../../bot/state';
import { makeCommerceDialogs } from '../../dialogs/commerceDialogs';
import { LanguageDialog } from '../../dialogs/languageDialog';
import { MainDialog } from '../../dialogs/mainDialog';
import { i18n, recognizer, runDialogCase, type DialogCase, type ExpectedReply } from '../support/dialogTable';
import { handoffFixture } from '../support/handoffFixture';
import { HandoffDialog } from '../../dialogs/handoffDialog';
import { backendDown, commerceFixture, dialogDeps, type CommerceFixture } from './commerceFixtures';

/** The demo store of the running test; the task dialogs use it. */
let fixture: CommerceFixture;

function makeMainDialog(state: BotStateSet): MainDialog {
  return new MainDialog({
    recognizer,
    state,
    languageDialog: new LanguageDialog(recognizer, i18n, state.profile, SUPPORTED_LOCALES),
    handoffDialog: new HandoffDialog(handoffFixture().desk, state),
    tasks: makeCommerceDialogs(dialogDeps(state, fixture)),
  });
}

/** First in an empty queue, with the default pickup estimate. */
const QUEUED_FIRST: ExpectedReply = { key: 'handoff.queued', vars: { position: 1, minutes: 3 } };

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
    name: 'a first message with a task gets the notice, then the task starts',
    locale,
    steps: [[words.order!, ['welcome.greeting', 'orders.askNumber']]],
  },
  {
    name: 'each task intent starts its dialog',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [words.returns!, ['orders.askNumber']],
      [words.cancel!, ['cancel.done', 'menu.anythingElse']],
      [words.appointment!, ['appointments.askService']],
    ],
  },
  {
    name: 'when a task is done the menu is offered again',
    locale,
    steps: [
      [words.order!, ['welcome.greeting', 'orders.askNumber']],
      ['SB-10007', ['verification.ask']],
      [
        '08001',
        [
          {
            key: 'orders.summary',
            vars: { number: 'SB-10007', placed: words.june5!, items: 'Headlamp 400 lm' },
          },
          'orders.status.cancelled',
          'menu.anythingElse',
        ],
      ],
    ],
  },
  {
    name: 'help inside a task gives that task its own help',
    locale,
    steps: [
      [words.order!, ['welcome.greeting', 'orders.askNumber']],
      [words.help!, ['help.orderStatus', 'orders.askNumber']],
    ],
  },
  {
    name: 'asking for a person at the top level puts the customer in the queue',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [words.agent!, [QUEUED_FIRST]],
    ],
  },
  {
    name: 'two messages in a row the bot did not understand bring the offer of a person',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      ['xyzzy 42', ['main.notUnderstood']],
      ['plugh 43', ['main.notUnderstood', 'handoff.offer']],
      [words.no!, ['menu.anythingElse']],
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
    name: 'asking for a person inside a task queues the customer on top of the task',
    locale,
    steps: [
      [words.hello!, ['welcome.greeting', 'menu.prompt']],
      [words.language!, ['language.prompt']],
      [words.agent!, [QUEUED_FIRST]],
    ],
  },
];

const english = {
  returns: 'I want to return an item',
  appointment: 'book an appointment',
  june5: 'June 5, 2025',
  hello: 'hello',
  help: 'help',
  cancel: 'cancel',
  order: 'where is my order?',
  agent: 'agent',
  language: 'language',
  no: 'no',
};
const spanish = {
  returns: 'quiero devolver un artículo',
  appointment: 'reservar una cita',
  june5: '5 de junio de 2025',
  hello: 'hola',
  help: 'ayuda',
  cancel: 'cancelar',
  order: '¿dónde está mi pedido?',
  agent: 'agente',
  language: 'idioma',
  no: 'no',
};
const simplifiedChinese = {
  returns: '我要退货',
  appointment: '我想预约',
  june5: '2025年6月5日',
  hello: '你好',
  help: '帮助',
  cancel: '取消',
  order: '我的订单到哪了？',
  agent: '人工',
  language: '语言',
  no: '不用',
};
const traditionalChinese = {
  returns: '我要退貨',
  appointment: '我想預約',
  june5: '2025年6月5日',
  hello: '你好',
  help: '幫助',
  cancel: '取消',
  order: '我的訂單到哪了？',
  agent: '真人客服',
  language: '語言',
  no: '不用',
};
const latvian = {
  returns: 'gribu atgriezt preci',
  appointment: 'pieteikt vizīti',
  june5: '2025. gada 5. jūnijs',
  hello: 'sveiki',
  help: 'palīdzība',
  cancel: 'atcelt',
  order: 'kur ir mans pasūtījums?',
  agent: 'operators',
  language: 'valoda',
  no: 'nē',
};

describe('MainDialog', () => {
  beforeEach(() => {
    fixture = commerceFixture();
  });
  afterEach(() => fixture.store.close());

  const cases = [
    ...casesFor('en-US', english),
    ...casesFor('es-ES', spanish),
    ...casesFor('zh-CN', simplifiedChinese),
    ...casesFor('zh-TW', traditionalChinese),
    ...casesFor('lv-LV', latvian),
  ];
  for (const dialogCase of cases) {
    it(`${dialogCase.locale}: ${dialogCase.name}`, async () => {
      await runDialogCase(dialogCase, makeMainDialog);
    });
  }

  it('a task that ends with the customer accepting a person puts them in the queue', async () => {
    await runDialogCase(
      {
        name: 'backend down, person accepted',
        locale: 'en',
        steps: [
          ['where is my order', ['welcome.greeting', 'orders.askNumber']],
          ['SB-10001', ['verification.ask']],
          ['ana.garcia@example.com', ['backend.unavailable', 'common.offerPerson']],
          ['yes', [QUEUED_FIRST]],
        ],
      },
      (state) =>
        new MainDialog({
          recognizer,
          state,
          languageDialog: new LanguageDialog(recognizer, i18n, state.profile, SUPPORTED_LOCALES),
          handoffDialog: new HandoffDialog(handoffFixture().desk, state),
          tasks: makeCommerceDialogs(dialogDeps(state, fixture, { commerce: backendDown })),
        }),
    );
  });

  it('says a task is not available here when no dialog is registered for it', async () => {
    await runDialogCase(
      {
        name: 'no task dialogs',
        locale: 'en',
        steps: [['where is my order', ['welcome.greeting', 'main.taskUnavailable']]],
      },
      (state) =>
        new MainDialog({
          recognizer,
          state,
          languageDialog: new LanguageDialog(recognizer, i18n, state.profile, SUPPORTED_LOCALES),
          handoffDialog: new HandoffDialog(handoffFixture().desk, state),
        }),
    );
  });

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
