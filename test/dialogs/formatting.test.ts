import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { formatDay, formatInstantDay, formatWeekday } from '../../dialogs/formatting';

describe('formatting', () => {
  it('formatDay(), formatWeekday() and formatInstantDay() give luxon’s text for each input, also when asked again', () => {
    const cases = [
      ['2025-06-13', 'en', 'Europe/Riga'],
      ['2025-06-13', 'es', 'Europe/Riga'],
      ['2025-06-13', 'zh-CN', 'America/New_York'],
      ['2025-12-31', 'lv', 'Asia/Shanghai'],
    ] as const;
    for (let pass = 0; pass < 2; pass++) {
      for (const [day, locale, zone] of cases) {
        const date = DateTime.fromISO(day, { zone }).setLocale(locale);
        assert.equal(formatDay(day, locale, zone), date.toLocaleString(DateTime.DATE_FULL));
        assert.equal(formatWeekday(day, locale, zone), date.toLocaleString(DateTime.DATE_HUGE));
      }
      // The same instant is a different day in Riga and in New York.
      const instant = '2025-06-13T02:30:00Z';
      assert.equal(formatInstantDay(instant, 'en', 'Europe/Riga'), 'June 13, 2025');
      assert.equal(formatInstantDay(instant, 'en', 'America/New_York'), 'June 12, 2025');
      assert.equal(formatInstantDay(instant, 'es', 'Europe/Riga'), '13 de junio de 2025');
    }
  });
});
