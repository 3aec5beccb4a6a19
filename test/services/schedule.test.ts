import assert from 'node:assert/strict';
import { computeFreeSlots, isOpenDay, type ShopSchedule } from '../../services/schedule';

const schedule: ShopSchedule = {
  timezone: 'Europe/Madrid',
  openingHours: {
    1: [
      { open: '09:00', close: '11:00' },
      { open: '16:00', close: '17:00' },
    ],
    2: [{ open: '09:00', close: '10:00' }],
    7: [{ open: '09:00', close: '10:00' }],
  },
  holidays: ['2025-06-17'],
  minNoticeMinutes: 60,
};
const service = { durationMinutes: 30, capacity: 1 };
/** Monday 16 June 2025, 07:00 in Madrid. */
const mondayMorning = new Date('2025-06-16T05:00:00Z');

const startsOf = (slots: { start: string }[]): string[] => slots.map((slot) => slot.start);

describe('computeFreeSlots()', () => {
  it('lays slots of the service duration back to back in each opening range, in the shop timezone', () => {
    const slots = computeFreeSlots({
      schedule,
      service,
      from: '2025-06-16',
      days: 1,
      bookings: [],
      now: mondayMorning,
    });
    assert.deepEqual(startsOf(slots), [
      '2025-06-16T07:00:00.000Z',
      '2025-06-16T07:30:00.000Z',
      '2025-06-16T08:00:00.000Z',
      '2025-06-16T08:30:00.000Z',
      '2025-06-16T14:00:00.000Z',
      '2025-06-16T14:30:00.000Z',
    ]);
    assert.equal(slots[0]?.end, '2025-06-16T07:30:00.000Z');
  });

  it('leaves out slots that do not fit before closing', () => {
    const slots = computeFreeSlots({
      schedule,
      service: { durationMinutes: 45, capacity: 1 },
      from: '2025-06-16',
      days: 1,
      bookings: [],
      now: mondayMorning,
    });
    assert.deepEqual(startsOf(slots), [
      '2025-06-16T07:00:00.000Z',
      '2025-06-16T07:45:00.000Z',
      '2025-06-16T14:00:00.000Z',
    ]);
  });

  it('skips holidays and closed days', () => {
    const slots = computeFreeSlots({
      schedule,
      service,
      from: '2025-06-17',
      days: 4,
      bookings: [],
      now: mondayMorning,
    });
    assert.deepEqual(startsOf(slots), []);
    assert.equal(isOpenDay(schedule, '2025-06-17'), false, 'holiday');
    assert.equal(isOpenDay(schedule, '2025-06-18'), false, 'no hours on Wednesday');
    assert.equal(isOpenDay(schedule, '2025-06-16'), true);
  });

  it('removes slots overlapping bookings once capacity is used, and keeps them while it is not', () => {
    const bookings = [{ start: '2025-06-16T07:15:00.000Z', end: '2025-06-16T07:45:00.000Z' }];
    const single = computeFreeSlots({
      schedule,
      service,
      from: '2025-06-16',
      days: 1,
      bookings,
      now: mondayMorning,
    });
    assert.deepEqual(startsOf(single).slice(0, 2), ['2025-06-16T08:00:00.000Z', '2025-06-16T08:30:00.000Z']);
    const double = computeFreeSlots({
      schedule,
      service: { durationMinutes: 30, capacity: 2 },
      from: '2025-06-16',
      days: 1,
      bookings,
      now: mondayMorning,
    });
    assert.equal(double.length, 6);
  });

  it('offers nothing sooner than the minimum notice', () => {
    const now = new Date('2025-06-16T07:10:00Z');
    const slots = computeFreeSlots({ schedule, service, from: '2025-06-16', days: 1, bookings: [], now });
    assert.deepEqual(startsOf(slots).slice(0, 1), ['2025-06-16T08:30:00.000Z']);
  });

  it('keeps local opening hours across a daylight-saving change', () => {
    // Sunday 26 October 2025: clocks go back in Madrid, 09:00 local is 08:00 UTC instead of 07:00.
    const slots = computeFreeSlots({
      schedule,
      service,
      from: '2025-10-26',
      days: 1,
      bookings: [],
      now: new Date('2025-10-20T00:00:00Z'),
    });
    assert.deepEqual(startsOf(slots), ['2025-10-26T08:00:00.000Z', '2025-10-26T08:30:00.000Z']);
  });
});
