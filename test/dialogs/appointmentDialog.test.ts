import assert from 'node:assert/strict';
import type { TurnContext } from 'botbuilder';
import type { BotStateSet } from '../../bot/state';
import { AppointmentDialog } from '../../dialogs/appointmentDialog';
import { parseBookingReference } from '../../dialogs/bookingLookupDialog';
import type { CommerceDialogDeps } from '../../dialogs/commerceDialogDeps';
import { calendarPath } from '../../services/downloadRoutes';
import { DownloadLinks } from '../../services/downloadLinks';
import type { AppointmentService, BookingRequest } from '../../services/types';
import { runDialogCase, type DialogCase, type ExpectedReply } from '../support/dialogTable';
import {
  LINK_SECRET,
  PUBLIC_URL,
  TestClock,
  backendDown,
  caseFileIn,
  commerceFixture,
  dialogDeps,
  verifiedAs,
  type CommerceFixture,
} from './commerceFixtures';

interface Words {
  locale: string;
  lang: string;
  start: string;
  book: string;
  move: string;
  cancelBooking: string;
  bootFitting: string;
  /** The second choice in words ("the second one"). */
  secondOne: string;
  /** Part of the boot fitting's name, as a customer types it. */
  boots: string;
  /** An answer to a yes/no question that is neither. */
  neither: string;
  repairDropOff: string;
  tomorrow: string;
  nextTuesday: string;
  sunday: string;
  assumptionDay: string;
  yesterday: string;
  noDay: string;
  anotherDay: string;
  help: string;
  cancel: string;
  yes: string;
  no: string;
  dates: {
    thursday12: string;
    friday13: string;
    sunday15: string;
    tuesday17: string;
    tuesday10: string;
    friday15august: string;
  };
  times: { '09:30': string; '10:00': string; '10:15': string; '16:45': string; '17:30': string };
}

const EN: Words = {
  locale: 'en-US',
  lang: 'en',
  start: 'I need an appointment',
  book: 'Book an appointment',
  move: 'Move an appointment',
  cancelBooking: 'Cancel an appointment',
  bootFitting: 'Boot fitting',
  secondOne: 'the second one',
  boots: 'boot fitting please',
  neither: 'maybe later',
  repairDropOff: 'Repair drop-off',
  tomorrow: 'tomorrow',
  nextTuesday: 'next Tuesday',
  sunday: 'on Sunday',
  assumptionDay: 'August 15',
  yesterday: 'yesterday',
  noDay: 'whenever suits',
  anotherDay: 'Another day',
  help: 'help',
  cancel: 'cancel',
  yes: 'yes',
  no: 'no',
  dates: {
    thursday12: 'Thursday, June 12, 2025',
    friday13: 'Friday, June 13, 2025',
    sunday15: 'Sunday, June 15, 2025',
    tuesday17: 'Tuesday, June 17, 2025',
    tuesday10: 'Tuesday, June 10, 2025',
    friday15august: 'Friday, August 15, 2025',
  },
  times: {
    '09:30': '9:30 AM',
    '10:00': '10:00 AM',
    '10:15': '10:15 AM',
    '16:45': '4:45 PM',
    '17:30': '5:30 PM',
  },
};

const ES: Words = {
  locale: 'es-ES',
  lang: 'es',
  start: 'quiero pedir una cita',
  book: 'Reservar una cita',
  move: 'Cambiar una cita',
  cancelBooking: 'Anular una cita',
  bootFitting: 'Prueba de botas',
  secondOne: 'el segundo',
  boots: 'la prueba de botas',
  neither: 'quizás más tarde',
  repairDropOff: 'Entrega para reparación',
  tomorrow: 'mañana',
  nextTuesday: 'el martes',
  sunday: 'el domingo',
  assumptionDay: '15 de agosto',
  yesterday: 'ayer',
  noDay: 'cuando sea',
  anotherDay: 'Otro día',
  help: 'ayuda',
  cancel: 'cancelar',
  yes: 'sí',
  no: 'no',
  dates: {
    thursday12: 'jueves, 12 de junio de 2025',
    friday13: 'viernes, 13 de junio de 2025',
    sunday15: 'domingo, 15 de junio de 2025',
    tuesday17: 'martes, 17 de junio de 2025',
    tuesday10: 'martes, 10 de junio de 2025',
    friday15august: 'viernes, 15 de agosto de 2025',
  },
  times: { '09:30': '9:30', '10:00': '10:00', '10:15': '10:15', '16:45': '16:45', '17:30': '17:30' },
};

const ZH_CN: Words = {
  locale: 'zh-CN',
  lang: 'zh-CN',
  start: '我要办预约的事',
  book: '新建预约',
  move: '更改预约',
  cancelBooking: '取消预约',
  bootFitting: '试鞋',
  secondOne: '第二个',
  boots: '我想试鞋',
  neither: '也许吧',
  repairDropOff: '送修',
  tomorrow: '明天',
  nextTuesday: '下周二',
  sunday: '周日',
  assumptionDay: '8月15日',
  yesterday: '昨天',
  noDay: '随便哪天',
  anotherDay: '换一天',
  help: '帮助',
  cancel: '取消',
  yes: '是',
  no: '否',
  dates: {
    thursday12: '2025年6月12日星期四',
    friday13: '2025年6月13日星期五',
    sunday15: '2025年6月15日星期日',
    tuesday17: '2025年6月17日星期二',
    tuesday10: '2025年6月10日星期二',
    friday15august: '2025年8月15日星期五',
  },
  times: { '09:30': '09:30', '10:00': '10:00', '10:15': '10:15', '16:45': '16:45', '17:30': '17:30' },
};

const ZH_TW: Words = {
  locale: 'zh-TW',
  lang: 'zh-TW',
  start: '我要辦預約的事',
  book: '新建預約',
  move: '更改預約',
  cancelBooking: '取消預約',
  bootFitting: '試鞋',
  secondOne: '第二個',
  boots: '我想試鞋',
  neither: '也許吧',
  repairDropOff: '送修',
  tomorrow: '明天',
  nextTuesday: '下週二',
  sunday: '週日',
  assumptionDay: '8月15號',
  yesterday: '昨天',
  noDay: '隨便哪天',
  anotherDay: '換一天',
  help: '幫助',
  cancel: '取消',
  yes: '是',
  no: '否',
  dates: {
    thursday12: '2025年6月12日星期四',
    friday13: '2025年6月13日星期五',
    sunday15: '2025年6月15日星期日',
    tuesday17: '2025年6月17日星期二',
    tuesday10: '2025年6月10日星期二',
    friday15august: '2025年8月15日星期五',
  },
  times: {
    '09:30': '上午9:30',
    '10:00': '上午10:00',
    '10:15': '上午10:15',
    '16:45': '下午4:45',
    '17:30': '下午5:30',
  },
};

const LV: Words = {
  locale: 'lv',
  lang: 'lv',
  start: 'par vizīti',
  book: 'Pieteikt vizīti',
  move: 'Pārcelt vizīti',
  cancelBooking: 'Atcelt vizīti',
  bootFitting: 'Zābaku pielaikošana',
  secondOne: 'otrais',
  boots: 'zābaku pielaikošanu',
  neither: 'varbūt vēlāk',
  repairDropOff: 'Nodošana remontā',
  tomorrow: 'rīt',
  nextTuesday: 'nākamajā otrdienā',
  sunday: 'svētdien',
  assumptionDay: '15. augustā',
  yesterday: 'vakar',
  noDay: 'kaut kad',
  anotherDay: 'Cita diena',
  help: 'palīdzība',
  cancel: 'atcelt',
  yes: 'jā',
  no: 'nē',
  dates: {
    thursday12: 'ceturtdiena, 2025. gada 12. jūnijs',
    friday13: 'piektdiena, 2025. gada 13. jūnijs',
    sunday15: 'svētdiena, 2025. gada 15. jūnijs',
    tuesday17: 'otrdiena, 2025. gada 17. jūnijs',
    tuesday10: 'otrdiena, 2025. gada 10. jūnijs',
    friday15august: 'piektdiena, 2025. gada 15. augusts',
  },
  times: { '09:30': '09:30', '10:00': '10:00', '10:15': '10:15', '16:45': '16:45', '17:30': '17:30' },
};

/** The signed calendar link the bot sends at NOW. */
function calendarLink(reference: string, lang: string): string {
  return new DownloadLinks(LINK_SECRET, PUBLIC_URL, new TestClock()).sign(calendarPath(reference), lang);
}

function serviceName(w: Words, id: 'boot' | 'repair'): string {
  return id === 'boot' ? w.bootFitting : w.repairDropOff;
}

/** From the first message to the slots of Thursday 12 June for a boot fitting. */
function toThursdaySlots(w: Words): DialogCase['steps'] {
  return [
    [w.start, ['appointments.askAction']],
    [w.book, ['appointments.askService']],
    [w.bootFitting, ['appointments.askDay']],
    [w.tomorrow, [{ key: 'appointments.pickSlot', vars: { date: w.dates.thursday12 } }]],
  ];
}

function confirmBooking(w: Words, time: keyof Words['times']): ExpectedReply {
  return {
    key: 'appointments.confirmBooking',
    vars: { service: w.bootFitting, date: w.dates.thursday12, time: w.times[time] },
  };
}

function booked(w: Words, reference: string, time: keyof Words['times']): ExpectedReply {
  return {
    key: 'appointments.booked',
    vars: {
      reference,
      service: w.bootFitting,
      date: w.dates.thursday12,
      time: w.times[time],
      link: calendarLink(reference, w.lang),
    },
  };
}

const casesFor = (w: Words): DialogCase[] => [
  {
    name: 'an ordinal picks the action ("the second one": move)',
    locale: w.locale,
    steps: [
      [w.start, ['appointments.askAction']],
      [w.secondOne, ['appointments.askReference']],
      ['BK-7Q4M2X', ['appointments.askBookingContact']],
      [w.cancel, ['cancel.done']],
    ],
  },
  {
    name: 'an answer to the booking confirmation that is neither yes nor no is asked again, not taken as yes',
    locale: w.locale,
    steps: [
      ...toThursdaySlots(w),
      ['16:45', ['appointments.askContact']],
      ['me@example.com', [confirmBooking(w, '16:45')]],
      [w.neither, ['common.yesNoRetry']],
      [w.yes, [booked(w, 'BK-TEST01', '16:45')]],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'picks the service from a phrase that names it',
    locale: w.locale,
    steps: [
      [w.start, ['appointments.askAction']],
      [w.book, ['appointments.askService']],
      [w.boots, ['appointments.askDay']],
    ],
  },
  {
    name: 'books a service on a day said in words, at a free time, under an email, with a reference',
    locale: w.locale,
    steps: [
      ...toThursdaySlots(w),
      ['16:45', ['appointments.askContact']],
      ['me@example.com', [confirmBooking(w, '16:45')]],
      [w.yes, [booked(w, 'BK-TEST01', '16:45')]],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'reads a weekday as the next one',
    locale: w.locale,
    steps: [
      [w.start, ['appointments.askAction']],
      [w.book, ['appointments.askService']],
      [w.repairDropOff, ['appointments.askDay']],
      [w.nextTuesday, [{ key: 'appointments.pickSlot', vars: { date: w.dates.tuesday17 } }]],
    ],
  },
  {
    name: 'a day the shop is closed offers the next free times',
    locale: w.locale,
    steps: [
      [w.start, ['appointments.askAction']],
      [w.book, ['appointments.askService']],
      [w.bootFitting, ['appointments.askDay']],
      [
        w.sunday,
        [
          { key: 'appointments.noSlotsThatDay', vars: { date: w.dates.sunday15 } },
          'appointments.nextFreeSlots',
        ],
      ],
    ],
  },
  {
    name: 'a holiday offers the next free times',
    locale: w.locale,
    steps: [
      [w.start, ['appointments.askAction']],
      [w.book, ['appointments.askService']],
      [w.bootFitting, ['appointments.askDay']],
      [
        w.assumptionDay,
        [
          { key: 'appointments.noSlotsThatDay', vars: { date: w.dates.friday15august } },
          'appointments.nextFreeSlots',
        ],
      ],
    ],
  },
  {
    name: 'a day in the past is refused and the day asked again; a text without a day is re-prompted',
    locale: w.locale,
    steps: [
      [w.start, ['appointments.askAction']],
      [w.book, ['appointments.askService']],
      [w.bootFitting, ['appointments.askDay']],
      [
        w.yesterday,
        [{ key: 'appointments.dayPassed', vars: { date: w.dates.tuesday10 } }, 'appointments.askDay'],
      ],
      [w.noDay, ['appointments.dayRetry']],
      [w.tomorrow, [{ key: 'appointments.pickSlot', vars: { date: w.dates.thursday12 } }]],
    ],
  },
  {
    name: 'a number picks the time at that place in the list; a time not in the list does not',
    locale: w.locale,
    steps: [
      ...toThursdaySlots(w),
      ['8:00', ['appointments.slotRetry']],
      ['2', ['appointments.askContact']],
      ['me@example.com', [confirmBooking(w, '10:15')]],
    ],
  },
  {
    name: '"another day" at the times asks for the day again',
    locale: w.locale,
    steps: [...toThursdaySlots(w), [w.anotherDay, ['appointments.askDay']]],
  },
  {
    name: 'a time outside the list and a contact that is neither email nor phone are re-prompted',
    locale: w.locale,
    steps: [
      ...toThursdaySlots(w),
      ['03:00', ['appointments.slotRetry']],
      ['16:45', ['appointments.askContact']],
      ['not telling', ['appointments.contactRetry']],
      ['+34 699 000 111', [confirmBooking(w, '16:45')]],
      [w.no, ['appointments.nothingChanged']],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'help at the day explains and asks again; cancel at the times leaves the task',
    locale: w.locale,
    steps: [
      [w.start, ['appointments.askAction']],
      [w.book, ['appointments.askService']],
      [w.bootFitting, ['appointments.askDay']],
      [w.help, ['help.appointments', 'appointments.askDay']],
      [w.tomorrow, [{ key: 'appointments.pickSlot', vars: { date: w.dates.thursday12 } }]],
      [w.cancel, ['cancel.done']],
    ],
    expectedResult: { outcome: 'cancelled' },
  },
  {
    name: 'moves a booking found by reference and the contact given when booking',
    locale: w.locale,
    steps: [
      [w.start, ['appointments.askAction']],
      [w.move, ['appointments.askReference']],
      ['bk-7q4m2x', ['appointments.askBookingContact']],
      [
        'ana.garcia@example.com',
        [
          {
            key: 'appointments.currentBooking',
            vars: {
              reference: 'BK-7Q4M2X',
              service: w.repairDropOff,
              date: w.dates.friday13,
              time: w.times['10:00'],
            },
          },
          'appointments.askDay',
        ],
      ],
      [w.nextTuesday, [{ key: 'appointments.pickSlot', vars: { date: w.dates.tuesday17 } }]],
      [
        '09:30',
        [
          {
            key: 'appointments.confirmReschedule',
            vars: { reference: 'BK-7Q4M2X', date: w.dates.tuesday17, time: w.times['09:30'] },
          },
        ],
      ],
      [
        w.yes,
        [
          {
            key: 'appointments.rescheduled',
            vars: {
              reference: 'BK-7Q4M2X',
              date: w.dates.tuesday17,
              time: w.times['09:30'],
              link: calendarLink('BK-7Q4M2X', w.lang),
            },
          },
        ],
      ],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'cancels a booking after verification by phone and a confirmation',
    locale: w.locale,
    steps: [
      [w.start, ['appointments.askAction']],
      [w.cancelBooking, ['appointments.askReference']],
      ['BK-7Q4M2X', ['appointments.askBookingContact']],
      [
        '600 111 222',
        [
          {
            key: 'appointments.confirmCancel',
            vars: {
              reference: 'BK-7Q4M2X',
              service: serviceName(w, 'repair'),
              date: w.dates.friday13,
              time: w.times['10:00'],
            },
          },
        ],
      ],
      [w.yes, [{ key: 'appointments.cancelled', vars: { reference: 'BK-7Q4M2X' } }]],
    ],
    expectedResult: { outcome: 'completed' },
  },
  {
    name: 'an unknown reference and a wrong contact get the same reply and start over',
    locale: w.locale,
    steps: [
      [w.start, ['appointments.askAction']],
      [w.cancelBooking, ['appointments.askReference']],
      ['BK-AAAAAA', ['appointments.askBookingContact']],
      ['ana.garcia@example.com', ['appointments.bookingNotFound', 'appointments.askReference']],
      ['BK-7Q4M2X', ['appointments.askBookingContact']],
      ['james.miller@example.com', ['appointments.bookingNotFound', 'appointments.askReference']],
    ],
  },
  {
    name: 'a reference that cannot be read three times offers a person',
    locale: w.locale,
    steps: [
      [w.start, ['appointments.askAction']],
      [w.move, ['appointments.askReference']],
      ['XYZ', ['appointments.referenceRetry']],
      ['123', ['appointments.referenceRetry']],
      ['??', ['appointments.referenceGaveUp', 'common.offerPerson']],
      [w.yes, []],
    ],
    expectedResult: { outcome: 'handoff', reason: 'notUnderstood' },
  },
];

describe('AppointmentDialog', () => {
  let fixture: CommerceFixture;
  beforeEach(() => {
    fixture = commerceFixture();
  });
  afterEach(() => fixture.store.close());

  const makeDialog =
    (overrides: Partial<CommerceDialogDeps> = {}) =>
    (state: BotStateSet) =>
      new AppointmentDialog(dialogDeps(state, fixture, overrides));

  /** The demo store, but another customer books the chosen slot a moment before the first booking. */
  function withRival(): AppointmentService {
    let raced = false;
    const store = fixture.store;
    return Object.assign(Object.create(store) as AppointmentService, {
      book: async (request: BookingRequest) => {
        if (!raced) {
          raced = true;
          await store.book({ ...request, idempotencyKey: 'rival', contact: { email: 'rival@example.com' } });
        }
        return store.book(request);
      },
    });
  }

  for (const words of [EN, ES, ZH_CN, ZH_TW, LV]) {
    for (const dialogCase of casesFor(words)) {
      it(`${words.locale}: ${dialogCase.name}`, async () => {
        await runDialogCase(dialogCase, makeDialog());
      });
    }

    it(`${words.locale}: when the chosen time is taken meanwhile, says so and offers the next free ones`, async () => {
      await runDialogCase(
        {
          name: 'slot taken',
          locale: words.locale,
          steps: [
            ...toThursdaySlots(words),
            ['16:45', ['appointments.askContact']],
            ['me@example.com', [confirmBooking(words, '16:45')]],
            [words.yes, ['appointments.slotTaken', 'appointments.nextFreeSlots']],
            ['17:30', [confirmBooking(words, '17:30')]],
            // The rival got BK-TEST01.
            [words.yes, [booked(words, 'BK-TEST02', '17:30')]],
          ],
          expectedResult: { outcome: 'completed' },
        },
        makeDialog({
          commerce: {
            orders: fixture.store,
            returns: fixture.store,
            appointments: withRival(),
          },
        }),
      );
      const rival = await fixture.store.findBooking('BK-TEST01');
      const mine = await fixture.store.findBooking('BK-TEST02');
      assert.equal(rival?.contact.email, 'rival@example.com');
      assert.equal(mine?.contact.email, 'me@example.com');
      assert.equal(mine?.start, '2025-06-12T15:30:00.000Z');
    });

    it(`${words.locale}: when the backend is down, says so and offers a person`, async () => {
      await runDialogCase(
        {
          name: 'backend down',
          locale: words.locale,
          steps: [
            [words.start, ['appointments.askAction']],
            [words.book, ['backend.unavailable', 'common.offerPerson']],
            [words.yes, []],
          ],
          expectedResult: { outcome: 'handoff', reason: 'backendDown' },
        },
        makeDialog({ commerce: backendDown }),
      );
    });
  }

  it('with no free time in the next two weeks, says so and offers a person', async () => {
    const fullyBooked = Object.assign(Object.create(fixture.store) as AppointmentService, {
      freeSlots: () => Promise.resolve([]),
    });
    await runDialogCase(
      {
        name: 'no slots',
        locale: 'es',
        steps: [
          [ES.start, ['appointments.askAction']],
          [ES.book, ['appointments.askService']],
          [ES.bootFitting, ['appointments.askDay']],
          [
            ES.tomorrow,
            [
              { key: 'appointments.noSlotsThatDay', vars: { date: ES.dates.thursday12 } },
              'appointments.noSlotsSoon',
              'common.offerPerson',
            ],
          ],
          [ES.yes, []],
        ],
        expectedResult: { outcome: 'handoff', reason: 'noSlots' },
      },
      makeDialog({ commerce: { orders: fixture.store, returns: fixture.store, appointments: fullyBooked } }),
    );
  });

  it('offers the times of the day as choices, and sends the calendar file as an attachment', async () => {
    const { replies, state } = await runDialogCase(
      {
        name: 'choices and attachment',
        locale: 'en',
        steps: [
          ...toThursdaySlots(EN),
          ['4:45 PM', ['appointments.askContact']],
          ['me@example.com', [confirmBooking(EN, '16:45')]],
          ['yes', [booked(EN, 'BK-TEST01', '16:45')]],
        ],
      },
      makeDialog(),
    );
    assert.deepEqual(
      replies[3]?.[0]?.suggestedActions?.actions.map((action) => action.title),
      [
        '9:30 AM',
        '10:15 AM',
        '11:00 AM',
        '11:45 AM',
        '12:30 PM',
        '4:00 PM',
        '4:45 PM',
        '5:30 PM',
        'Another day',
      ],
    );
    assert.deepEqual(replies.at(-1)?.[0]?.attachments, [
      { contentType: 'text/calendar', contentUrl: calendarLink('BK-TEST01', 'en'), name: 'BK-TEST01.ics' },
    ]);
    const booking = await fixture.store.findBooking('BK-TEST01');
    assert.deepEqual(booking, {
      reference: 'BK-TEST01',
      serviceId: 'boot-fitting',
      start: '2025-06-12T14:45:00.000Z',
      end: '2025-06-12T15:30:00.000Z',
      status: 'confirmed',
      contact: { email: 'me@example.com' },
    });
    assert.equal((await caseFileIn(state))?.bookingReference, 'BK-TEST01');
  });

  /** Middleware that does what Web Chat does: tells the customer's timezone on every activity. */
  const customerIn = (zone: string) => [
    {
      onTurn: async (context: TurnContext, next: () => Promise<void>) => {
        context.activity.localTimezone = zone;
        await next();
      },
    },
  ];

  it("shows the times in the shop's timezone, naming it for a customer whose timezone differs", async () => {
    const zone = 'Central European Time';
    const { replies } = await runDialogCase(
      {
        name: 'timezone',
        locale: 'en',
        steps: [
          ...toThursdaySlots(EN).slice(0, -1),
          [
            EN.tomorrow,
            [
              {
                lines: [
                  { key: 'appointments.pickSlot', vars: { date: EN.dates.thursday12 } },
                  { key: 'shopTimes.timesInZone', vars: { zone } },
                ],
              },
            ],
          ],
          ['16:45', ['appointments.askContact']],
          [
            'me@example.com',
            [
              {
                key: 'appointments.confirmBooking',
                vars: {
                  service: EN.bootFitting,
                  date: EN.dates.thursday12,
                  time: `4:45 PM (${zone})`,
                },
              },
            ],
          ],
        ],
      },
      makeDialog(),
      customerIn('Europe/London'),
    );
    // The shop opens at 9:30 in Madrid, which is 8:30 in London: the list says 9:30, shop time.
    assert.equal(replies[3]?.[0]?.suggestedActions?.actions[0]?.title, '9:30 AM');
  });

  it("does not name the zone for a customer whose clock shows the shop's time", async () => {
    await runDialogCase(
      {
        name: 'same offset',
        locale: 'en',
        steps: [
          ...toThursdaySlots(EN),
          ['16:45', ['appointments.askContact']],
          ['me@example.com', [confirmBooking(EN, '16:45')]],
        ],
      },
      makeDialog(),
      customerIn('Europe/Paris'),
    );
  });

  it('picks a service from part of its name, in either language', async () => {
    for (const [locale, words, part] of [
      ['en', EN, 'Installation visit'],
      ['es', ES, 'visita de instalación'],
    ] as const) {
      await runDialogCase(
        {
          name: `partial service name (${locale})`,
          locale,
          steps: [
            [words.start, ['appointments.askAction']],
            [words.book, ['appointments.askService']],
            [part, ['appointments.askDay']],
          ],
        },
        makeDialog(),
      );
    }
  });

  it('offers only times from the one the customer asked for on', async () => {
    const { replies } = await runDialogCase(
      {
        name: 'preferred time',
        locale: 'en',
        steps: [
          [EN.start, ['appointments.askAction']],
          [EN.book, ['appointments.askService']],
          [EN.bootFitting, ['appointments.askDay']],
          ['tomorrow at 5pm', [{ key: 'appointments.pickSlot', vars: { date: EN.dates.thursday12 } }]],
        ],
      },
      makeDialog(),
    );
    assert.deepEqual(
      replies[3]?.[0]?.suggestedActions?.actions.map((action) => action.title),
      ['5:30 PM', '6:15 PM', '7:00 PM', 'Another day'],
    );
  });

  it('a customer whose channel proves the phone is not asked for a contact, and can move their booking unasked', async () => {
    await runDialogCase(
      {
        name: 'identity books',
        locale: 'en',
        steps: [...toThursdaySlots(EN), ['16:45', [confirmBooking(EN, '16:45')]]],
      },
      makeDialog(),
      [verifiedAs({ phone: '+34 600 111 222' })],
    );
    await runDialogCase(
      {
        name: 'identity moves',
        locale: 'en',
        steps: [
          [EN.start, ['appointments.askAction']],
          [EN.move, ['appointments.askReference']],
          [
            'BK-7Q4M2X',
            [
              {
                key: 'appointments.currentBooking',
                vars: {
                  reference: 'BK-7Q4M2X',
                  service: EN.repairDropOff,
                  date: EN.dates.friday13,
                  time: '10:00 AM',
                },
              },
              'appointments.askDay',
            ],
          ],
        ],
      },
      makeDialog(),
      [verifiedAs({ phone: '+34 600 111 222' })],
    );
  });

  it('five wrong contacts for a booking lock it and offer a person', async () => {
    const steps: DialogCase['steps'] = [
      [EN.start, ['appointments.askAction']],
      [EN.cancelBooking, ['appointments.askReference']],
    ];
    for (let attempt = 1; attempt <= 5; attempt++) {
      steps.push(['BK-7Q4M2X', ['appointments.askBookingContact']]);
      steps.push([
        'wrong@example.com',
        attempt < 5
          ? ['appointments.bookingNotFound', 'appointments.askReference']
          : [{ key: 'verification.locked', vars: { time: '10:15 AM' } }, 'common.offerPerson'],
      ]);
    }
    await runDialogCase({ name: 'booking lock', locale: 'en', steps }, makeDialog());
    assert.equal((await fixture.store.findBooking('BK-7Q4M2X'))?.status, 'confirmed');
  });

  it('the cancelled booking is cancelled in the store', async () => {
    await runDialogCase(
      casesFor(EN).find((c) => c.name.startsWith('cancels a booking'))!,
      makeDialog(),
    );
    assert.equal((await fixture.store.findBooking('BK-7Q4M2X'))?.status, 'cancelled');
  });
});

describe('parseBookingReference()', () => {
  const cases: [string, string | undefined][] = [
    ['BK-7Q4M2X', 'BK-7Q4M2X'],
    ['bk7q4m2x', 'BK-7Q4M2X'],
    ['my booking is BK 7Q4M2X.', 'BK-7Q4M2X'],
    ['BK-7Q4', undefined],
    ['7Q4M2X', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)} as ${String(expected)}`, () => {
      assert.equal(parseBookingReference(text), expected);
    });
  }
});
