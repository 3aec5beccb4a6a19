import { DateTime } from 'luxon';
import { toSimplified } from './chineseScript';
import { findDay } from './customerDates';
import type { Entity } from './entities';

/** What a customer wants done with an appointment. */
export type AppointmentAction = 'book' | 'reschedule' | 'cancel';

/**
 * The verbs that say what to do with an appointment, per language, matched on the text in
 * lower case without diacritics (Chinese: as Simplified). Tried in this order: "cancel my
 * booking" is a cancellation although "booking" is there, "move my visit" a move.
 *
 * NOTE: these are closed lists of verbs, like the weekday names of the date readers, not
 * example phrases: the trained intent model decides *that* it is about an appointment, these
 * only decide *which* of its three jobs, so a lead's new examples need no entry here.
 */
const ACTION_WORDS: Readonly<Record<string, readonly [AppointmentAction, RegExp][]>> = {
  en: [
    ['cancel', /\b(?:cancel\w*|call(?:ing)? off|called off|delete)\b/],
    [
      'reschedule',
      /\b(?:re-?schedul\w*|re-?book\w*|move|moving|change|changing|postpone\w*|push(?:ing)? back|bring(?:ing)? forward|shift|another (?:day|time)|different (?:day|time))\b/,
    ],
    [
      'book',
      /\b(?:book|reserve|schedule|make (?:an? )?(?:appointment|booking|reservation)|arrange|set up|sign up)\b/,
    ],
  ],
  es: [
    ['cancel', /\b(?:anul\w*|cancel\w*|dar de baja|borr\w*)\b/],
    [
      'reschedule',
      /\b(?:cambi\w*|mover|muev\w*|movamos|aplaz\w*|pospon\w*|posterg\w*|modific\w*|retras\w*|adelant\w*|reprogram\w*|otro dia|otra hora)\b/,
    ],
    ['book', /\b(?:reserv\w*|pedir|pido|pide|agend\w*|concert\w*|programar|apunt\w*|sacar|coger)\b/],
  ],
  zh: [
    ['cancel', /取消|撤销|退掉|不去了/],
    ['reschedule', /改期|改时间|改约|改到|改一下|更改|修改|换(?:个|一个)?时间|换到|推迟|延期|提前|调整|挪到/],
    ['book', /预订|预定|订个|约个|帮我约|我想约|挂号|(?<![的查看])预约(?![的单号])/],
  ],
  lv: [
    ['cancel', /\b(?:atcel\w*|atsauk\w*|nevaresu atnakt)\b/],
    [
      'reschedule',
      /\b(?:parcel\w*|mainit|mainu|mainiet|nomain\w*|parplan\w*|parlik\w*|citu dienu|citu laiku|cita diena)\b/,
    ],
    ['book', /\b(?:pieteik\w*|piesak\w*|pierakst\w*|rezerv\w*)\b/],
  ],
};

const fold = (text: string): string => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** Which of book, move or cancel the text asks for, when it says. */
export function findAppointmentAction(text: string, locale: string): AppointmentAction | undefined {
  const language = locale.split(/[-_]/)[0]?.toLowerCase() ?? 'en';
  const words = ACTION_WORDS[language] ?? ACTION_WORDS.en ?? [];
  const folded = language === 'zh' ? toSimplified(text) : fold(text);
  return words.find(([, pattern]) => pattern.test(folded))?.[0];
}

/**
 * What a message about an appointment says beyond its intent: the action ("cancel my visit") and
 * the day, as the words that name it ("next Tuesday"). The day is kept as words because only
 * the dialog knows "now" in the shop's calendar; it reads them with the same date readers.
 */
export function appointmentEntities(text: string, locale: string): Entity[] {
  const entities: Entity[] = [];
  const action = findAppointmentAction(text, locale);
  if (action) entities.push({ type: 'appointmentAction', value: action });
  // NOTE: any reference time finds the same words; the day itself is resolved later.
  const day = findDay(text, locale, DateTime.utc());
  if (day) entities.push({ type: 'date', value: day.text });
  return entities;
}
