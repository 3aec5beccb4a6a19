// @ts-check
/**
 * The Insights view (leads and admins): a range and the channel, language and team filters,
 * the headline figures of `GET /api/console/insights`, its charts, and the same report as CSV.
 * Days are UTC days, as the API counts them; the "to" day is included.
 */
import { api, messageOf } from './api.js';
import { byId, clear, el } from './dom.js';
import { LOCALE_NAMES, currentLocale, has, isLocale, t, tn } from './i18n.js';
import { drawInsightsCharts, forgetInsightsCharts } from './insightsCharts.js';
import { session } from './session.js';

/** @typedef {import('./insightsTypes.js').InsightsReport} InsightsReport */
/** @typedef {import('./insightsTypes.js').PeriodFigures} PeriodFigures */

const DAY_MS = 86_400_000;
/** The range shown at first: the last 30 days, today included. */
const DEFAULT_DAYS = 30;
const FILTERS = /** @type {const} */ (['channel', 'locale', 'team']);

let started = false;
/** Answers to older requests are dropped: the filters changed meanwhile. */
let requestSeq = 0;
/** @type {InsightsReport | null} */
let shown = null;
/** @type {Map<string, string> | null} team names by id */
let teamNames = null;

/** Leads and admins read the figures; agents do not see the view (and the API refuses them). */
export function canReadInsights() {
  return session.me?.role === 'lead' || session.me?.role === 'admin';
}

/** @param {number} ms */
const utcDay = (ms) => new Date(ms).toISOString().slice(0, 10);
/** @param {string} day */
const dayAfter = (day) => utcDay(Date.parse(`${day}T00:00:00Z`) + DAY_MS);

const input = (/** @type {string} */ id) => byId(id, HTMLInputElement);
const select = (/** @type {string} */ id) => byId(id, HTMLSelectElement);

/**
 * The query of the range and filters picked (without `format`), or null when the range is not
 * a range.
 */
function pickedQuery() {
  const from = input('insights-from').value;
  const to = input('insights-to').value;
  if (!from || !to || from > to) return null;
  /** @type {[string, string][]} */
  const parts = [
    ['from', from],
    ['to', dayAfter(to)],
    ['groupBy', select('insights-group').value],
  ];
  for (const name of FILTERS) {
    const value = select(`insights-${name}`).value;
    if (value) parts.push([name, value]);
  }
  return parts.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
}

/** @param {string} id */
function channelName(id) {
  return has(`channel.${id}`) ? t(`channel.${id}`) : id;
}

/** @param {string} id */
function localeName(id) {
  return isLocale(id) ? LOCALE_NAMES[id] : id;
}

/** @param {string} id */
function teamName(id) {
  return teamNames?.get(id) ?? id;
}

/**
 * Fills a filter's choices with what the range has, keeping the one picked.
 * @param {'channel' | 'locale' | 'team'} name
 * @param {string[]} values
 * @param {(id: string) => string} words
 */
function fillFilter(name, values, words) {
  const picker = select(`insights-${name}`);
  const picked = picker.value;
  clear(picker);
  const all = el('option', t('insights.all'));
  all.value = '';
  picker.appendChild(all);
  const choices = picked && !values.includes(picked) ? [...values, picked] : values;
  for (const value of choices) {
    const option = el('option', words(value));
    option.value = value;
    if (name === 'locale') option.lang = value;
    picker.appendChild(option);
  }
  picker.value = picked;
}

/** @param {number | null} rate */
function percent(rate) {
  if (rate === null) return t('insights.none');
  return new Intl.NumberFormat(currentLocale(), { style: 'percent', maximumFractionDigits: 1 }).format(rate);
}

/** @param {number} value */
function count(value) {
  return new Intl.NumberFormat(currentLocale()).format(value);
}

/**
 * A duration in the console's language: "45 s", "3 min 20 s", "1 h 5 min".
 * @param {number | null} seconds
 */
function duration(seconds) {
  if (seconds === null) return t('insights.none');
  /** @param {number} value @param {'second' | 'minute' | 'hour'} unit */
  const unit = (value, unit) =>
    new Intl.NumberFormat(currentLocale(), { style: 'unit', unit, unitDisplay: 'short' }).format(value);
  const whole = Math.round(seconds);
  if (whole < 60) return unit(whole, 'second');
  if (whole < 3600) return `${unit(Math.floor(whole / 60), 'minute')} ${unit(whole % 60, 'second')}`;
  return `${unit(Math.floor(whole / 3600), 'hour')} ${unit(Math.floor((whole % 3600) / 60), 'minute')}`;
}

/**
 * One headline figure: its name, the value in words, a detail line; `data-value` holds the
 * API's number (empty for none).
 * @param {HTMLElement} list
 * @param {string} key
 * @param {number | null} value
 * @param {string} words
 * @param {string} [detail]
 */
function figure(list, key, value, words, detail) {
  const item = el('div', null, 'figure');
  item.dataset.figure = key;
  item.dataset.value = value === null ? '' : String(value);
  item.appendChild(el('dt', t(`insights.figure.${key}`)));
  item.appendChild(el('dd', words, 'figure-value'));
  if (detail) item.appendChild(el('dd', detail, 'figure-detail muted'));
  list.appendChild(item);
}

/** @param {PeriodFigures} totals */
function renderFigures(totals) {
  const list = byId('insights-figures');
  clear(list);
  figure(list, 'conversations', totals.conversations, count(totals.conversations));
  figure(
    list,
    'containment',
    totals.containment.rate,
    percent(totals.containment.rate),
    t('insights.detail.contained', {
      contained: count(totals.containment.contained),
      completed: count(totals.containment.completedTask),
    }),
  );
  figure(
    list,
    'handoffRate',
    totals.handoff.rate,
    percent(totals.handoff.rate),
    t('insights.detail.handoff', {
      handedOff: count(totals.handoff.conversations),
      reached: count(totals.handoff.reachedAgent),
    }),
  );
  const waits = /** @type {const} */ ([
    ['queueWait', totals.queueWait],
    ['firstReply', totals.firstAgentReply],
  ]);
  for (const [key, wait] of waits) {
    const cases = tn('insights.detail.cases', wait.count);
    figure(list, `${key}Median`, wait.medianSeconds, duration(wait.medianSeconds), cases);
    figure(list, `${key}P90`, wait.p90Seconds, duration(wait.p90Seconds), cases);
  }
  const average = totals.csat.average;
  figure(
    list,
    'csat',
    average,
    average === null
      ? t('insights.none')
      : t('insights.outOfFive', {
          average: new Intl.NumberFormat(currentLocale(), { maximumFractionDigits: 2 }).format(average),
        }),
    tn('insights.detail.answers', totals.csat.count),
  );
  figure(
    list,
    'notUnderstood',
    totals.messages.notUnderstoodRate,
    percent(totals.messages.notUnderstoodRate),
    tn('insights.detail.messages', totals.messages.total, {
      notUnderstood: count(totals.messages.notUnderstood),
    }),
  );
}

/** @param {InsightsReport} report */
function render(report) {
  fillFilter('channel', report.dimensions.channels, channelName);
  fillFilter('locale', report.dimensions.locales, localeName);
  fillFilter('team', report.dimensions.teams, teamName);
  const day = (/** @type {string} */ value) =>
    new Date(`${value}T00:00:00Z`).toLocaleDateString(currentLocale(), {
      timeZone: 'UTC',
      dateStyle: 'medium',
    });
  byId('insights-range').textContent = t('insights.range', {
    from: day(report.totals.start),
    to: day(report.totals.end),
    per: t(`insights.group.${report.groupBy}`),
  });
  renderFigures(report.totals);
  drawInsightsCharts(report);
}

/** Loads the report of the range and filters picked, and points the CSV link at the same. */
async function load() {
  const error = byId('insights-error');
  const query = pickedQuery();
  if (query === null) {
    error.textContent = t('insights.badRange');
    return;
  }
  error.textContent = '';
  byId('insights-csv', HTMLAnchorElement).href = `/api/console/insights?${query}&format=csv`;
  const seq = ++requestSeq;
  try {
    if (!teamNames) {
      const { teams } = /** @type {{ teams: import('./types.js').Team[] }} */ (await api('GET', 'teams'));
      teamNames = new Map(teams.map((team) => [team.id, team.name]));
    }
    const report = /** @type {InsightsReport} */ (await api('GET', `insights?${query}`));
    if (seq !== requestSeq || !started) return;
    shown = report;
    render(report);
  } catch (problem) {
    if (seq === requestSeq) error.textContent = messageOf(problem);
  }
}

/** Shown from the nav (and again after the language changed): the last 30 days at first. */
export function showInsights() {
  if (!started) {
    started = true;
    const today = utcDay(Date.now());
    input('insights-to').value = today;
    input('insights-from').value = utcDay(Date.parse(`${today}T00:00:00Z`) - (DEFAULT_DAYS - 1) * DAY_MS);
    select('insights-group').value = 'day';
    for (const name of FILTERS) fillFilter(name, [], (id) => id);
  } else if (shown) {
    // The texts change at once; the figures follow when the answer comes.
    render(shown);
  }
  void load();
}

/** Logging out: the next login starts from the last 30 days, with nothing of this session shown. */
export function leaveInsights() {
  started = false;
  shown = null;
  teamNames = null;
  requestSeq += 1;
  for (const name of FILTERS) clear(select(`insights-${name}`));
  clear(byId('insights-figures'));
  byId('insights-range').textContent = '';
  byId('insights-error').textContent = '';
  forgetInsightsCharts();
}

export function startInsights() {
  const form = byId('insights-form', HTMLFormElement);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  // A picked choice applies at once; a typed day when it is a whole day.
  for (const id of ['insights-group', 'insights-channel', 'insights-locale', 'insights-team'])
    select(id).addEventListener('change', () => void load());
  for (const id of ['insights-from', 'insights-to']) {
    input(id).addEventListener('change', () => {
      if (form.checkValidity()) void load();
    });
  }
}
