import assert from 'node:assert/strict';
import type { TurnContext } from 'botbuilder';
import { SUPPORTED_LOCALES } from '../../bot/config';
import type { BotStateSet } from '../../bot/state';
import { AppointmentDialog } from '../../dialogs/appointmentDialog';
import { makeCommerceDialogs } from '../../dialogs/commerceDialogs';
import { HandoffDialog } from '../../dialogs/handoffDialog';
import { LanguageDialog } from '../../dialogs/languageDialog';
import { MainDialog } from '../../dialogs/mainDialog';
import { taskRequestOf } from '../../dialogs/taskRequest';
import { calendarPath } from '../../services/downloadRoutes';
import { DownloadLinks } from '../../services/downloadLinks';
import { i18n, recognizer, runDialogCase, type DialogCase, type ExpectedReply } from '../support/dialogTable';
import { handoffFixture } from '../support/handoffFixture';
import {
  LINK_SECRET,
  PUBLIC_URL,
  TestClock,
  commerceFixture,
  dialogDeps,
  type CommerceFixture,
} from './commerceFixtures';

/** What a customer writes in one language, and how the bot writes days and times in it. */
interface Words {
  locale: string;
  /** "book a boot fitting next Tuesday": action, service and day in one message. */
  bookServiceAndDay: string;
  /** "cancel my visit on friday": a cancellation, whatever day it names. */
  cancelWithDay: string;
  /** "book an appointment": the action only. */
  bookOnly: string;
  /** "book an appointment for tomorrow": action and day, not the service. */
  bookWithDay: string;
  /** "move my booking BK-7Q4M2X to next Tuesday": action, reference and day. */
  moveWithReferenceAndDay: string;
  /** "book a boot fitting yesterday". */
  bookServiceYesterday: string;
  bootFitting: string;
  repairDropOff: string;
  /** Dates as customers type them at the day question. */
  typed: { june20: string; sunday: string };
  yes: string;
  dates: {
    tuesday17: string;
    thursday12: string;
    friday13: string;
    friday20: string;
    sunday15: string;
    tuesday10: string;
  };
  /** The bot's language for this locale (the calendar link names it). */
  lang: string;
  /** The times 09:30 and 10:00 as the locale shows them alone, and two slots of Monday 16 June with their day. */
  time0930: string;
  time1000: string;
  monday16: [string, string];
  /** The shop's zone as Intl names it in the locale. */
  shopZone: string;
}

const EN: Words = {
  locale: 'en-US',
  lang: 'en',
  bookServiceAndDay: 'book a boot fitting next Tuesday',
  cancelWithDay: 'cancel my visit on friday',
  bookOnly: 'book an appointment',
  bookWithDay: 'I want to book an appointment for tomorrow',
  moveWithReferenceAndDay: 'move my booking BK-7Q4M2X to next Tuesday',
  bookServiceYesterday: 'book a boot fitting yesterday',
  bootFitting: 'Boot fitting',
  repairDropOff: 'Repair drop-off',
  typed: { june20: 'June 20', sunday: 'on Sunday' },
  yes: 'yes',
  dates: {
    tuesday17: 'Tuesday, June 17, 2025',
    thursday12: 'Thursday, June 12, 2025',
    friday13: 'Friday, June 13, 2025',
    friday20: 'Friday, June 20, 2025',
    sunday15: 'Sunday, June 15, 2025',
    tuesday10: 'Tuesday, June 10, 2025',
  },
  time0930: '9:30 AM',
  time1000: '10:00 AM',
  monday16: ['Mon, Jun 16, 9:30 AM', 'Mon, Jun 16, 10:15 AM'],
  shopZone: 'Central European Time',
};

const ES: Words = {
  locale: 'es-ES',
  lang: 'es',
  bookServiceAndDay: 'quiero reservar una prueba de botas el martes',
  cancelWithDay: 'anular mi cita del viernes',
  bookOnly: 'reservar una cita',
  bookWithDay: 'quiero reservar una cita para mañana',
  moveWithReferenceAndDay: 'cambiar mi cita BK-7Q4M2X al martes',
  bookServiceYesterday: 'reservar una prueba de botas para ayer',
  bootFitting: 'Prueba de botas',
  repairDropOff: 'Entrega para reparación',
  typed: { june20: '20 de junio', sunday: 'el domingo' },
  yes: 'sí',
  dates: {
    tuesday17: 'martes, 17 de junio de 2025',
    thursday12: 'jueves, 12 de junio de 2025',
    friday13: 'viernes, 13 de junio de 2025',
    friday20: 'viernes, 20 de junio de 2025',
    sunday15: 'domingo, 15 de junio de 2025',
    tuesday10: 'martes, 10 de junio de 2025',
  },
  time0930: '9:30',
  time1000: '10:00',
  monday16: ['lun, 16 jun, 9:30', 'lun, 16 jun, 10:15'],
  shopZone: 'hora de Europa central',
};

const ZH_CN: Words = {
  locale: 'zh-CN',
  lang: 'zh-CN',
  bookServiceAndDay: '我想预约下周二试鞋',
  cancelWithDay: '取消我周五的预约',
  bookOnly: '我想预约',
  bookWithDay: '我想预约明天',
  moveWithReferenceAndDay: '把预约BK-7Q4M2X改到下周二',
  bookServiceYesterday: '我想预约昨天试鞋',
  bootFitting: '试鞋',
  repairDropOff: '送修',
  typed: { june20: '6月20日', sunday: '周日' },
  yes: '是',
  dates: {
    tuesday17: '2025年6月17日星期二',
    thursday12: '2025年6月12日星期四',
    friday13: '2025年6月13日星期五',
    friday20: '2025年6月20日星期五',
    sunday15: '2025年6月15日星期日',
    tuesday10: '2025年6月10日星期二',
  },
  time0930: '09:30',
  time1000: '10:00',
  monday16: ['6月16日周一 9:30', '6月16日周一 10:15'],
  shopZone: '中欧时间',
};

const ZH_TW: Words = {
  locale: 'zh-TW',
  lang: 'zh-TW',
  bookServiceAndDay: '我想預約下週二試鞋',
  cancelWithDay: '取消我週五的預約',
  bookOnly: '我想預約',
  bookWithDay: '我想預約明天',
  moveWithReferenceAndDay: '把預約BK-7Q4M2X改到下週二',
  bookServiceYesterday: '我想預約昨天試鞋',
  bootFitting: '試鞋',
  repairDropOff: '送修',
  typed: { june20: '6月20號', sunday: '週日' },
  yes: '是',
  dates: {
    tuesday17: '2025年6月17日星期二',
    thursday12: '2025年6月12日星期四',
    friday13: '2025年6月13日星期五',
    friday20: '2025年6月20日星期五',
    sunday15: '2025年6月15日星期日',
    tuesday10: '2025年6月10日星期二',
  },
  time0930: '上午9:30',
  time1000: '上午10:00',
  monday16: ['6月16日週一 上午9:30', '6月16日週一 上午10:15'],
  shopZone: '中歐時間',
};

const LV: Words = {
  locale: 'lv',
  lang: 'lv',
  bookServiceAndDay: 'pieteikt zābaku pielaikošanu nākamajā otrdienā',
  cancelWithDay: 'atcelt manu piektdienas vizīti',
  bookOnly: 'pieteikt vizīti',
  bookWithDay: 'gribu pieteikt vizīti rīt',
  moveWithReferenceAndDay: 'pārcelt vizīti BK-7Q4M2X uz otrdienu',
  bookServiceYesterday: 'pieteikt zābaku pielaikošanu vakar',
  bootFitting: 'Zābaku pielaikošana',
  repairDropOff: 'Nodošana remontā',
  typed: { june20: '20. jūnijā', sunday: 'svētdien' },
  yes: 'jā',
  dates: {
    tuesday17: 'otrdiena, 2025. gada 17. jūnijs',
    thursday12: 'ceturtdiena, 2025. gada 12. jūnijs',
    friday13: 'piektdiena, 2025. gada 13. jūnijs',
    friday20: 'piektdiena, 2025. gada 20. jūnijs',
    sunday15: 'svētdiena, 2025. gada 15. jūnijs',
    tuesday10: 'otrdiena, 2025. gada 10. jūnijs',
  },
  time0930: '09:30',
  time1000: '10:00',
  monday16: ['pirmd., 16. jūn. 9:30', 'pirmd., 16. jūn. 10:15'],
  shopZone: 'Centrāleiropas laiks',
};

const pickSlot = (date: string): ExpectedReply => ({ key: 'appointments.pickSlot', vars: { date } });

/** Cases run through MainDialog, so the recognizer's entities travel as they do in the bot. */
const casesFor = (w: Words): DialogCase[] => [
  {
    name: 'a message naming the action, the service and the day goes straight to the times of that day',
    locale: w.locale,
    steps: [[w.bookServiceAndDay, ['welcome.greeting', pickSlot(w.dates.tuesday17)]]],
  },
  {
    name: 'a cancellation that names a day goes to the cancellation, not to "nothing to cancel"',
    locale: w.locale,
    steps: [[w.cancelWithDay, ['welcome.greeting', 'appointments.askReference']]],
  },
  {
    name: '"book an appointment" is not asked "book, move or cancel?"',
    locale: w.locale,
    steps: [[w.bookOnly, ['welcome.greeting', 'appointments.askService']]],
  },
  {
    name: 'a day named with the action is not asked again once the service is chosen',
    locale: w.locale,
    steps: [
      [w.bookWithDay, ['welcome.greeting', 'appointments.askService']],
      [w.bootFitting, [pickSlot(w.dates.thursday12)]],
    ],
  },
  {
    name: 'a day in the past named in the message is refused, then the day is asked',
    locale: w.locale,
    steps: [
      [
        w.bookServiceYesterday,
        [
          'welcome.greeting',
          { key: 'appointments.dayPassed', vars: { date: w.dates.tuesday10 } },
          'appointments.askDay',
        ],
      ],
      [w.typed.june20, [pickSlot(w.dates.friday20)]],
    ],
  },
  {
    name: 'a move naming the reference and the day asks only for the contact before the times',
    locale: w.locale,
    steps: [
      [w.moveWithReferenceAndDay, ['welcome.greeting', 'appointments.askBookingContact']],
      [
        'ana.garcia@example.com',
        [
          {
            key: 'appointments.currentBooking',
            vars: {
              reference: 'BK-7Q4M2X',
              service: w.repairDropOff,
              date: w.dates.friday13,
              time: w.time1000,
            },
          },
          pickSlot(w.dates.tuesday17),
        ],
      ],
    ],
  },
  {
    name: 'books from the first message to the reference, the time shown as the locale writes it',
    locale: w.locale,
    steps: [
      [w.bookServiceAndDay, ['welcome.greeting', pickSlot(w.dates.tuesday17)]],
      ['09:30', ['appointments.askContact']],
      [
        'me@example.com',
        [
          {
            key: 'appointments.confirmBooking',
            vars: { service: w.bootFitting, date: w.dates.tuesday17, time: w.time0930 },
          },
        ],
      ],
      [
        w.yes,
        [
          {
            key: 'appointments.booked',
            vars: {
              reference: 'BK-TEST01',
              service: w.bootFitting,
              date: w.dates.tuesday17,
              time: w.time0930,
              link: new DownloadLinks(LINK_SECRET, PUBLIC_URL, new TestClock()).sign(
                calendarPath('BK-TEST01'),
                w.lang,
              ),
            },
          },
          'menu.anythingElse',
        ],
      ],
    ],
  },
];

describe('Appointment slot filling from the first message (MainDialog → AppointmentDialog)', () => {
  let fixture: CommerceFixture;
  beforeEach(() => {
    fixture = commerceFixture();
  });
  afterEach(() => fixture.store.close());

  function makeMainDialog(state: BotStateSet): MainDialog {
    return new MainDialog({
      recognizer,
      state,
      languageDialog: new LanguageDialog(recognizer, i18n, state.profile, SUPPORTED_LOCALES),
      handoffDialog: new HandoffDialog(handoffFixture().desk, state),
      tasks: makeCommerceDialogs(dialogDeps(state, fixture)),
    });
  }

  for (const words of [EN, ES, ZH_CN, ZH_TW, LV]) {
    for (const dialogCase of casesFor(words)) {
      it(`${words.locale}: ${dialogCase.name}`, async () => {
        await runDialogCase(dialogCase, makeMainDialog);
      });
    }

    it(`${words.locale}: a full day offers the next free times, each with its day`, async () => {
      const { replies } = await runDialogCase(
        {
          name: 'full day',
          locale: words.locale,
          steps: [
            [words.bookOnly, ['welcome.greeting', 'appointments.askService']],
            [words.bootFitting, ['appointments.askDay']],
            [
              words.typed.sunday,
              [
                { key: 'appointments.noSlotsThatDay', vars: { date: words.dates.sunday15 } },
                'appointments.nextFreeSlots',
              ],
            ],
          ],
        },
        makeMainDialog,
      );
      const titles = replies[2]?.[1]?.suggestedActions?.actions.map((action) => action.title);
      assert.deepEqual(titles?.slice(0, 2), words.monday16);
    });

    it(`${words.locale}: a customer in New York is shown shop times with the shop's zone named`, async () => {
      const zone = words.shopZone;
      const { replies } = await runDialogCase(
        {
          name: 'customer elsewhere',
          locale: words.locale,
          steps: [
            [
              words.bookServiceAndDay,
              [
                'welcome.greeting',
                {
                  lines: [pickSlot(words.dates.tuesday17), { key: 'shopTimes.timesInZone', vars: { zone } }],
                },
              ],
            ],
            ['09:30', ['appointments.askContact']],
            [
              'me@example.com',
              [
                {
                  key: 'appointments.confirmBooking',
                  vars: {
                    service: words.bootFitting,
                    date: words.dates.tuesday17,
                    time: i18n.getFixedT(words.locale)('shopTimes.timeInZone', {
                      time: words.time0930,
                      zone,
                    }),
                  },
                },
              ],
            ],
          ],
        },
        makeMainDialog,
        [
          {
            onTurn: async (context: TurnContext, next: () => Promise<void>) => {
              context.activity.localTimezone = 'America/New_York';
              await next();
            },
          },
        ],
      );
      // 9:30 in Madrid is 3:30 in New York: the first time offered is still the shop's 9:30.
      const first = replies[0]?.[1]?.suggestedActions?.actions[0]?.title;
      assert.equal(first, words.time0930);
    });
  }

  it('AppointmentDialog begun without a request asks what to do, as from the menu', async () => {
    await runDialogCase(
      { name: 'menu', locale: 'en', steps: [['Appointments', ['appointments.askAction']]] },
      (state) => new AppointmentDialog(dialogDeps(state, fixture)),
    );
  });

  it('AppointmentDialog reads the action, the service and the day from a TaskRequest', async () => {
    const text = 'book a boot fitting next Tuesday';
    await runDialogCase(
      {
        name: 'request',
        locale: 'en',
        options: taskRequestOf(text, await recognizer.recognize(text, 'en')),
        steps: [[text, [pickSlot(EN.dates.tuesday17)]]],
      },
      (state) => new AppointmentDialog(dialogDeps(state, fixture)),
    );
  });
});
