import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { recognizeDay } from '../../dialogs/shopDatePrompt';

/** Wednesday 11 June 2025, 10:00 in Madrid. */
const now = DateTime.fromISO('2025-06-11T10:00', { zone: 'Europe/Madrid' });

describe('recognizeDay()', () => {
  const cases: [locale: string, text: string, expected: { date: string; time?: string } | undefined][] = [
    ['en', 'tomorrow', { date: '2025-06-12' }],
    ['en', 'next Tuesday', { date: '2025-06-17' }],
    ['en', 'on Friday', { date: '2025-06-13' }],
    ['en', 'June 20', { date: '2025-06-20' }],
    ['en', 'tomorrow at 5pm', { date: '2025-06-12', time: '17:00' }],
    ['en', 'June 1, 2025', { date: '2025-06-01' }],
    ['en', 'whenever', undefined],
    ['es', 'mañana', { date: '2025-06-12' }],
    ['es', 'el martes', { date: '2025-06-17' }],
    ['es', 'el próximo martes', { date: '2025-06-17' }],
    ['es', 'pasado mañana', { date: '2025-06-13' }],
    ['es', '20 de junio', { date: '2025-06-20' }],
    ['es-MX', 'hoy', { date: '2025-06-11' }],
    ['zh-CN', '明天', { date: '2025-06-12' }],
    ['zh-CN', '下周二', { date: '2025-06-17' }],
    ['zh-TW', '下週二', { date: '2025-06-17' }],
    ['zh-TW', '後天', { date: '2025-06-13' }],
    ['zh-TW', '6月20號', { date: '2025-06-20' }],
    ['zh-TW', '明天下午5點', { date: '2025-06-12', time: '17:00' }],
    ['zh-CN', '6月20日', { date: '2025-06-20' }],
    // The Chinese model throws on these; the day is read without the part of the day.
    ['zh-TW', '禮拜六早上還有空檔嗎', { date: '2025-06-14' }],
    ['zh-CN', '早上好呀', undefined],
    ['lv', 'rīt', { date: '2025-06-12' }],
    ['lv', 'parit', { date: '2025-06-13' }],
    ['lv', 'nākamajā otrdienā', { date: '2025-06-17' }],
    ['lv', 'šodien', { date: '2025-06-11' }],
    ['lv', '2025-06-20', { date: '2025-06-20' }],
    ['lv', '20. jūnijā', { date: '2025-06-20' }],
    ['lv', '15.03.', { date: '2026-03-15' }],
    ['lv', 'June 20', { date: '2025-06-20' }],
    ['lv', 'kaut kad', undefined],
  ];
  for (const [locale, text, expected] of cases) {
    it(`${locale}: reads "${text}" as ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(recognizeDay(text, locale, now), expected);
    });
  }

  it("uses the shop's calendar: late evening in Madrid is already the next day in UTC terms", () => {
    const lateEvening = DateTime.fromISO('2025-06-11T23:30', { zone: 'Europe/Madrid' });
    assert.deepEqual(recognizeDay('tomorrow', 'en', lateEvening), { date: '2025-06-12' });
    const earlyMorning = DateTime.fromISO('2025-06-12T00:30', { zone: 'Europe/Madrid' });
    assert.deepEqual(recognizeDay('tomorrow', 'en', earlyMorning), { date: '2025-06-13' });
  });
});
