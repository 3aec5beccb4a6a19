import assert from 'node:assert/strict';
import { NullTelemetryClient, type TelemetryEvent } from 'botbuilder';
import { SUPPORTED_LOCALES } from '../../bot/config';
import { faqBook, loadFaq, type FaqBook, type FaqEntry } from '../../bot/content/faq';
import { localesDir } from '../../bot/i18n';
import type { IntentResult, Recognizer } from '../../bot/language/recognizer';
import type { BotStateSet } from '../../bot/state';
import { makeCommerceDialogs } from '../../dialogs/commerceDialogs';
import { FaqDialog } from '../../dialogs/faqDialog';
import { HandoffDialog } from '../../dialogs/handoffDialog';
import { LanguageDialog } from '../../dialogs/languageDialog';
import { MainDialog, type NotUnderstoodMessage } from '../../dialogs/mainDialog';
import {
  expectedText,
  i18n,
  recognizer,
  runDialogCase,
  type DialogCase,
  type ExpectedReply,
} from '../support/dialogTable';
import { handoffFixture } from '../support/handoffFixture';
import { commerceFixture, dialogDeps, type CommerceFixture } from './commerceFixtures';

/** The shipped FAQ of every locale, as the server loads it. */
const SHIPPED = loadFaq(localesDir(), SUPPORTED_LOCALES);

/** The demo store of the running test; the task dialogs use it. */
let fixture: CommerceFixture;

/** Collects the telemetry events a dialog tracks. */
class RecordingTelemetry extends NullTelemetryClient {
  readonly events: TelemetryEvent[] = [];
  override trackEvent(event: TelemetryEvent): void {
    this.events.push(event);
  }
  named(name: string): Record<string, unknown>[] {
    return this.events.filter((event) => event.name === name).map((event) => event.properties ?? {});
  }
}

interface Setup {
  faq?: FaqBook;
  telemetry?: RecordingTelemetry;
  notUnderstood?: (message: NotUnderstoodMessage) => void | Promise<void>;
  recognizer?: Recognizer;
}

function mainDialogWith(setup: Setup = {}): (state: BotStateSet) => MainDialog {
  return (state) => {
    const understanding = setup.recognizer ?? recognizer;
    const dialog = new MainDialog({
      recognizer: understanding,
      state,
      languageDialog: new LanguageDialog(understanding, i18n, state.profile, SUPPORTED_LOCALES),
      handoffDialog: new HandoffDialog(handoffFixture().desk, state),
      tasks: makeCommerceDialogs(dialogDeps(state, fixture)),
      faqDialog: new FaqDialog({ faq: setup.faq ?? faqBook(SHIPPED), state }),
      ...(setup.notUnderstood ? { notUnderstood: setup.notUnderstood } : {}),
    });
    if (setup.telemetry) dialog.telemetryClient = setup.telemetry;
    return dialog;
  };
}

/** The shipped answer of an entry in a locale, as the bot sends it. */
function answer(locale: string, id: string): ExpectedReply {
  const entry = SHIPPED[locale]?.find((candidate) => candidate.id === id);
  if (!entry) throw new Error(`no FAQ ${id} in ${locale}`);
  return { text: entry.answer };
}

/** First in an empty queue, with the default pickup estimate. */
const QUEUED_FIRST: ExpectedReply = { key: 'handoff.queued', vars: { position: 1, minutes: 3 } };

/** What the customer writes in each language (FAQ questions worded apart from faq.json). */
interface Words {
  locale: string;
  lang: string;
  hello: string;
  yes: string;
  no: string;
  /** Asks shipping-costs. */
  shipping: string;
  /** Asks opening-hours. */
  hours: string;
  /** Asks payment-methods. */
  payment: string;
  order: string;
  returns: string;
  june5: string;
}

const WORDS: Words[] = [
  {
    locale: 'en-US',
    lang: 'en',
    hello: 'hello',
    yes: 'yes',
    no: 'no',
    shipping: 'what does shipping cost to madrid?',
    hours: 'are you open on sundays?',
    payment: 'can i pay with visa',
    order: 'where is my order?',
    returns: 'I want to return an item',
    june5: 'June 5, 2025',
  },
  {
    locale: 'es-ES',
    lang: 'es',
    hello: 'hola',
    yes: 'sí',
    no: 'no',
    shipping: '¿los portes son gratis?',
    hours: '¿a qué hora abre la tienda el sábado?',
    payment: '¿puedo pagar con visa?',
    order: '¿dónde está mi pedido?',
    returns: 'quiero devolver un artículo',
    june5: '5 de junio de 2025',
  },
  {
    locale: 'zh-CN',
    lang: 'zh-CN',
    hello: '你好',
    yes: '好的',
    no: '不用',
    shipping: '寄到上海运费多少钱',
    hours: '周六几点开门',
    payment: '可以用visa付款吗',
    order: '我的订单到哪了？',
    returns: '我要退货',
    june5: '2025年6月5日',
  },
  {
    locale: 'zh-TW',
    lang: 'zh-TW',
    hello: '你好',
    yes: '好的',
    no: '不用',
    shipping: '寄到台北運費多少錢',
    hours: '週六幾點開門',
    payment: '可以用visa付款嗎',
    order: '我的訂單到哪了？',
    returns: '我要退貨',
    june5: '2025年6月5日',
  },
  {
    locale: 'lv-LV',
    lang: 'lv',
    hello: 'sveiki',
    yes: 'jā',
    no: 'nē',
    shipping: 'cik maksā sūtīšana uz liepāju',
    hours: 'cikos sestdien atverat veikalu',
    payment: 'vai var maksāt ar visa karti',
    order: 'kur ir mans pasūtījums?',
    returns: 'gribu atgriezt preci',
    june5: '2025. gada 5. jūnijs',
  },
];

const casesFor = (w: Words): DialogCase[] => [
  {
    name: 'an FAQ at the menu is answered; "helpful" yes is thanked and the menu offered again',
    locale: w.locale,
    steps: [
      [w.hello, ['welcome.greeting', 'menu.prompt']],
      [w.shipping, [answer(w.lang, 'shipping-costs'), 'faq.helpful']],
      [w.yes, ['faq.thanks', 'menu.anythingElse']],
    ],
  },
  {
    name: 'an FAQ as the first message gets the notice, then the answer',
    locale: w.locale,
    steps: [[w.hours, ['welcome.greeting', answer(w.lang, 'opening-hours'), 'faq.helpful']]],
  },
  {
    name: '"helpful" no brings the offer of a person; yes puts the customer in the queue',
    locale: w.locale,
    steps: [
      [w.hello, ['welcome.greeting', 'menu.prompt']],
      [w.payment, [answer(w.lang, 'payment-methods'), 'faq.helpful']],
      [w.no, ['faq.notHelpful', 'common.offerPerson']],
      [w.yes, [QUEUED_FIRST]],
    ],
  },
  {
    name: '"helpful" no, then no person: the menu is offered again',
    locale: w.locale,
    steps: [
      [w.hello, ['welcome.greeting', 'menu.prompt']],
      [w.payment, [answer(w.lang, 'payment-methods'), 'faq.helpful']],
      [w.no, ['faq.notHelpful', 'common.offerPerson']],
      [w.no, ['menu.anythingElse']],
    ],
  },
  {
    name: 'another question instead of rating the answer is answered at once',
    locale: w.locale,
    steps: [
      [w.hello, ['welcome.greeting', 'menu.prompt']],
      [w.shipping, [answer(w.lang, 'shipping-costs'), 'faq.helpful']],
      [w.hours, [answer(w.lang, 'opening-hours'), 'faq.helpful']],
      [w.order, ['orders.askNumber']],
    ],
  },
  {
    name: 'an FAQ inside the order status task is answered, the task asks again and completes',
    locale: w.locale,
    steps: [
      [w.order, ['welcome.greeting', 'orders.askNumber']],
      [w.shipping, [answer(w.lang, 'shipping-costs'), 'orders.askNumber']],
      ['SB-10007', ['verification.ask']],
      [w.hours, [answer(w.lang, 'opening-hours'), 'verification.ask']],
      [
        '08001',
        [
          {
            key: 'orders.summary',
            vars: { number: 'SB-10007', placed: w.june5, items: 'Headlamp 400 lm' },
          },
          'orders.status.cancelled',
          'menu.anythingElse',
        ],
      ],
    ],
  },
  {
    name: 'an FAQ inside the returns task is answered, the task asks again and completes',
    locale: w.locale,
    steps: [
      [w.returns, ['welcome.greeting', 'orders.askNumber']],
      [w.payment, [answer(w.lang, 'payment-methods'), 'orders.askNumber']],
      ['SB-10005', ['verification.ask']],
      [w.shipping, [answer(w.lang, 'shipping-costs'), 'verification.ask']],
      [
        'james.miller@example.com',
        [
          {
            key: 'returns.ineligible.nonReturnable',
            vars: { item: 'Gift card, 50 EUR', category: expectedText(w.lang, 'categories.giftCards') },
          },
          {
            key: 'returns.ineligible.nonReturnable',
            vars: {
              item: 'Route planner maps, Europe (opened)',
              category: expectedText(w.lang, 'categories.openedSoftware'),
            },
          },
          'common.offerPerson',
        ],
      ],
      [w.no, ['menu.anythingElse']],
    ],
  },
];

/** A book whose answers a test changes while the conversation runs, as a lead would. */
function editableBook(
  byLocale: Record<string, FaqEntry[]>,
): FaqBook & { set(locale: string, entry: FaqEntry): void } {
  return {
    entry: (locale, id) => byLocale[locale]?.find((entry) => entry.id === id),
    set(locale, entry) {
      byLocale[locale] = [...(byLocale[locale] ?? []).filter((old) => old.id !== entry.id), entry];
    },
  };
}

/** The trained recognizer, but with scripted results for some texts (the grey zone). */
class PartlyScriptedRecognizer implements Recognizer {
  readonly ready = true;
  constructor(private readonly scripted: Record<string, IntentResult>) {}
  recognize(text: string, locale: string): Promise<IntentResult> {
    return this.scripted[text] ? Promise.resolve(this.scripted[text]) : recognizer.recognize(text, locale);
  }
}

describe('FaqDialog in MainDialog', () => {
  beforeEach(() => {
    fixture = commerceFixture();
  });
  afterEach(() => fixture.store.close());

  for (const w of WORDS) {
    for (const dialogCase of casesFor(w)) {
      it(`${w.locale}: ${dialogCase.name}`, async () => {
        await runDialogCase(dialogCase, mainDialogWith());
      });
    }
  }

  it('answers in English when the locale has no entry for the FAQ', async () => {
    const english = SHIPPED.en!;
    await runDialogCase(
      {
        name: 'fallback',
        locale: 'es',
        steps: [
          ['¿los portes son gratis?', ['welcome.greeting', answer('en', 'shipping-costs'), 'faq.helpful']],
        ],
      },
      mainDialogWith({ faq: faqBook({ en: english, es: [] }) }),
    );
  });

  it('gives the answer as the book has it now: an edit made while the bot runs is the next answer', async () => {
    const book = editableBook({ en: [...SHIPPED.en!] });
    const edited = {
      ...SHIPPED.en!.find((entry) => entry.id === 'opening-hours')!,
      answer: 'Open 8 to 8 now.',
    };
    const { client } = await runDialogCase(
      {
        name: 'before the edit',
        locale: 'en',
        steps: [
          ['are you open on sundays?', ['welcome.greeting', answer('en', 'opening-hours'), 'faq.helpful']],
        ],
      },
      mainDialogWith({ faq: book }),
    );
    book.set('en', edited);
    /** Every reply the bot sent to one message. */
    const say = async (text: string): Promise<(string | undefined)[]> => {
      const replies = [
        (await client.sendActivity({ type: 'message', text, locale: 'en' })) as { text?: string },
      ];
      for (let next = client.getNextReply(); next; next = client.getNextReply()) replies.push(next);
      return replies.map((reply) => reply.text);
    };
    assert.deepEqual(await say('yes'), [
      expectedText('en', 'faq.thanks'),
      expectedText('en', 'menu.anythingElse'),
    ]);
    assert.deepEqual(await say('are you open on sundays?'), [
      'Open 8 to 8 now.',
      expectedText('en', 'faq.helpful'),
    ]);
  });

  it('a removed entry is not understood at the menu and does not interrupt a task', async () => {
    const withoutShipping = faqBook({ en: SHIPPED.en!.filter((entry) => entry.id !== 'shipping-costs') });
    await runDialogCase(
      {
        name: 'removed',
        locale: 'en',
        steps: [
          ['hello', ['welcome.greeting', 'menu.prompt']],
          ['what does shipping cost to madrid?', ['main.notUnderstood']],
          ['where is my order?', ['orders.askNumber']],
          ['what does shipping cost to madrid?', ['orders.numberRetry']],
        ],
      },
      mainDialogWith({ faq: withoutShipping }),
    );
  });

  it('tracks FaqAnswered, FaqRated and the routing reading on the telemetry client', async () => {
    const telemetry = new RecordingTelemetry();
    await runDialogCase(
      {
        name: 'telemetry',
        locale: 'es',
        steps: [
          ['hola', ['welcome.greeting', 'menu.prompt']],
          ['¿los portes son gratis?', [answer('es', 'shipping-costs'), 'faq.helpful']],
          ['no', ['faq.notHelpful', 'common.offerPerson']],
          ['no', ['menu.anythingElse']],
          ['xyzzy 42', ['main.notUnderstood']],
          ['¿dónde está mi pedido?', ['orders.askNumber']],
          ['¿puedo pagar con visa?', [answer('es', 'payment-methods'), 'orders.askNumber']],
        ],
      },
      mainDialogWith({ telemetry }),
    );
    assert.deepEqual(telemetry.named('FaqAnswered'), [
      { faqId: 'shipping-costs', locale: 'es' },
      { faqId: 'payment-methods', locale: 'es' },
    ]);
    assert.deepEqual(telemetry.named('FaqRated'), [
      { faqId: 'shipping-costs', locale: 'es', helpful: 'false' },
    ]);
    const readings = telemetry.named('IntentRecognized').map((properties) => properties.intent);
    assert.deepEqual(readings, ['greeting', 'shipping-costs', 'None', 'orderStatus']);
    const notUnderstood = telemetry.named('NotUnderstood');
    assert.equal(notUnderstood.length, 1);
    assert.equal(notUnderstood[0]?.intent, 'None');
    assert.equal(notUnderstood[0]?.locale, 'es');
    assert.equal(typeof notUnderstood[0]?.score, 'number');
  });

  it('calls the notUnderstood hook for None and for the grey zone, not for what it routes', async () => {
    const seen: NotUnderstoodMessage[] = [];
    const grey: IntentResult = {
      intent: 'orderStatus',
      score: 0.3,
      ranking: [
        { intent: 'orderStatus', score: 0.3 },
        { intent: 'returnItem', score: 0.2 },
      ],
    };
    await runDialogCase(
      {
        name: 'hook',
        locale: 'en',
        steps: [
          ['hello', ['welcome.greeting', 'menu.prompt']],
          ['xyzzy 42', ['main.notUnderstood']],
          ['my thing from last week', ['main.didYouMean']],
          ['something else', ['main.notUnderstood', 'handoff.offer']],
          ['no', ['menu.anythingElse']],
          ['are you open on sundays?', [answer('en', 'opening-hours'), 'faq.helpful']],
        ],
      },
      mainDialogWith({
        recognizer: new PartlyScriptedRecognizer({ 'my thing from last week': grey }),
        notUnderstood: (message) => {
          seen.push(message);
        },
      }),
    );
    assert.deepEqual(
      seen.map(({ text, locale, intent }) => [text, locale, intent]),
      [
        ['xyzzy 42', 'en', 'None'],
        ['my thing from last week', 'en', 'orderStatus'],
      ],
    );
    assert.equal(seen[1]?.score, 0.3);
  });

  it('a failing notUnderstood hook does not fail the turn', async () => {
    await runDialogCase(
      {
        name: 'hook fails',
        locale: 'en',
        steps: [
          ['hello', ['welcome.greeting', 'menu.prompt']],
          ['xyzzy 42', ['main.notUnderstood']],
        ],
      },
      mainDialogWith({ notUnderstood: () => Promise.reject(new Error('inbox down')) }),
    );
  });
});
