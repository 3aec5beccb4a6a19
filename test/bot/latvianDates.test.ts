import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { findLatvianDay } from '../../bot/language/latvianDates';

/** Wednesday 11 June 2025, 10:00 in Riga. */
const now = DateTime.fromISO('2025-06-11T10:00', { zone: 'Europe/Riga' });

describe('findLatvianDay()', () => {
  const cases: [text: string, expected: { date: string; time?: string } | undefined, words?: string][] = [
    // relative days, with and without diacritics
    ['šodien', { date: '2025-06-11' }, 'šodien'],
    ['rīt', { date: '2025-06-12' }],
    ['ritdien', { date: '2025-06-12' }],
    ['Parīt, ja var', { date: '2025-06-13' }, 'Parīt'],
    ['aizparīt', { date: '2025-06-14' }],
    ['vakar', { date: '2025-06-10' }],
    ['pēc 3 dienām', { date: '2025-06-14' }, 'pēc 3 dienām'],
    ['pēc nedēļas', { date: '2025-06-18' }],
    // weekdays in their case forms
    ['pirmdiena', { date: '2025-06-16' }],
    ['otrdien', { date: '2025-06-17' }],
    ['trešdien', { date: '2025-06-11' }],
    ['tresdiena', { date: '2025-06-11' }],
    ['ceturtdienā', { date: '2025-06-12' }],
    ['piektdienas rītā', { date: '2025-06-13' }],
    ['sestdienu', { date: '2025-06-14' }],
    ['svētdien', { date: '2025-06-15' }],
    ['nākamajā otrdienā', { date: '2025-06-17' }, 'nākamajā otrdienā'],
    ['nākamajā trešdienā', { date: '2025-06-18' }],
    ['nākošo pirmdienu', { date: '2025-06-16' }],
    // day and month, in nominative, genitive and locative
    ['15. martā', { date: '2026-03-15' }, '15. martā'],
    ['20. jūnijā', { date: '2025-06-20' }],
    ['20 jūnijs', { date: '2025-06-20' }],
    ['1. janvārī', { date: '2026-01-01' }],
    ['3. septembrī', { date: '2025-09-03' }],
    ['15. aug.', { date: '2025-08-15' }],
    ['2025. gada 1. jūnijā', { date: '2025-06-01' }],
    ['decembra 24.', { date: '2025-12-24' }],
    ['31. februārī', undefined],
    // numeric dates
    ['15.03.', { date: '2026-03-15' }, '15.03.'],
    ['20.06.2025', { date: '2025-06-20' }],
    ['2026-03-15', { date: '2026-03-15' }],
    ['01.06.25', { date: '2025-06-01' }],
    // with a time of day
    ['uz rītdienu', { date: '2025-06-12' }, 'rītdienu'],
    [
      'zābaku pielaikošanu 15. martā plkst. 10:00',
      { date: '2026-03-15', time: '10:00' },
      '15. martā plkst. 10:00',
    ],
    ['rīt plkst. 17:00', { date: '2025-06-12', time: '17:00' }, 'rīt plkst. 17:00'],
    ['otrdien 9:30', { date: '2025-06-17', time: '09:30' }],
    ['15.03. plkst. 10.15', { date: '2026-03-15', time: '10:15' }],
    ['plkst. 16', { date: '2025-06-11', time: '16:00' }],
    // nothing that names a day
    ['kaut kad', undefined],
    ['rīta pusē', undefined],
    ['vakarā', undefined],
    ['pasūtījums 10001', undefined],
  ];
  for (const [text, expected, words] of cases) {
    it(`reads "${text}" as ${JSON.stringify(expected)}`, () => {
      const found = findLatvianDay(text, now);
      assert.deepEqual(found?.day, expected);
      if (words) assert.equal(found?.text, words);
    });
  }

  it('takes "nākamajā otrdienā" said on a Tuesday as a week ahead, "otrdien" as today', () => {
    const tuesday = DateTime.fromISO('2025-06-17T09:00', { zone: 'Europe/Riga' });
    assert.deepEqual(findLatvianDay('nākamajā otrdienā', tuesday)?.day, { date: '2025-06-24' });
    assert.deepEqual(findLatvianDay('otrdien', tuesday)?.day, { date: '2025-06-17' });
  });

  it('finds the day inside a longer message and names its words', () => {
    const found = findLatvianDay('Gribu pieteikt zābaku pielaikošanu nākamajā otrdienā, lūdzu', now);
    assert.deepEqual(found, { day: { date: '2025-06-17' }, text: 'nākamajā otrdienā' });
  });
});
