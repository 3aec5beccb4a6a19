import assert from 'node:assert/strict';
import { appointmentEntities, findAppointmentAction } from '../../bot/language/appointmentEntities';
import { recognizer } from '../support/dialogTable';

describe('findAppointmentAction()', () => {
  const cases: [locale: string, text: string, expected: ReturnType<typeof findAppointmentAction>][] = [
    ['en', 'book a boot fitting next Tuesday', 'book'],
    ['en', 'can I make an appointment', 'book'],
    ['en', 'cancel my visit on friday', 'cancel'],
    ['en', 'cancel my booking', 'cancel'],
    ['en', 'I need to move my appointment', 'reschedule'],
    ['en', 'reschedule my fitting', 'reschedule'],
    ['en', 'I need an appointment', undefined],
    ['en', 'my booking', undefined],
    ['es', 'reservar una prueba de botas', 'book'],
    ['es', 'quiero pedir cita', 'book'],
    ['es', 'anular mi cita del viernes', 'cancel'],
    ['es', 'cancelar la reserva', 'cancel'],
    ['es', 'quiero cambiar mi cita', 'reschedule'],
    ['es', 'tengo una pregunta sobre mi cita', undefined],
    ['zh-CN', '我想预约下周二试鞋', 'book'],
    ['zh-CN', '取消我周五的预约', 'cancel'],
    ['zh-CN', '我想改期', 'reschedule'],
    ['zh-CN', '我的预约', undefined],
    ['zh-TW', '我想預約下週二', 'book'],
    ['zh-TW', '取消我週五的預約', 'cancel'],
    ['zh-TW', '預約改時間', 'reschedule'],
    ['lv', 'pieteikt zābaku pielaikošanu', 'book'],
    ['lv', 'gribu pierakstīties', 'book'],
    ['lv', 'atcelt manu piektdienas vizīti', 'cancel'],
    ['lv', 'pārcelt vizīti uz rītdienu', 'reschedule'],
    ['lv', 'mana vizīte', undefined],
  ];
  for (const [locale, text, expected] of cases) {
    it(`${locale}: "${text}" → ${String(expected)}`, () => {
      assert.equal(findAppointmentAction(text, locale), expected);
    });
  }
});

describe('appointmentEntities()', () => {
  it('names the action and the words of the day, in the message as typed', () => {
    assert.deepEqual(appointmentEntities('book a boot fitting next Tuesday', 'en'), [
      { type: 'appointmentAction', value: 'book' },
      { type: 'date', value: 'next Tuesday' },
    ]);
    assert.deepEqual(appointmentEntities('anular mi cita del viernes', 'es'), [
      { type: 'appointmentAction', value: 'cancel' },
      { type: 'date', value: 'viernes' },
    ]);
    assert.deepEqual(appointmentEntities('reservar una cita', 'es'), [
      { type: 'appointmentAction', value: 'book' },
    ]);
  });

  it('TrainedRecognizer.recognize() adds them to an appointment, and to nothing else', async () => {
    const appointment = await recognizer.recognize('cancel my visit on friday', 'en');
    assert.equal(appointment.intent, 'appointment');
    assert.deepEqual(appointment.entities, [
      { type: 'appointmentAction', value: 'cancel' },
      { type: 'date', value: 'friday' },
    ]);
    const order = await recognizer.recognize('where is the order I placed on friday', 'en');
    assert.equal(order.intent, 'orderStatus');
    assert.deepEqual(order.entities, []);
  });
});
