// @ts-check
/**
 * The Insights view's charts, drawn with Chart.js (its ES build, served from node_modules with
 * its hash in the page's policy). Chart.js sets canvas sizes through the CSSOM, which the
 * policy allows; it needs no inline style or eval. Each chart has its name on the canvas
 * (`role="img"`) and the same figures in a visually hidden table for screen readers.
 */
import { Chart, registerables } from 'chart.js';
import { byId, clear, el } from './dom.js';
import { currentLocale, t } from './i18n.js';
import { reasonWords, topicName } from './words.js';

/** @typedef {import('./insightsTypes.js').InsightsReport} InsightsReport */
/** @typedef {import('chart.js').ChartConfiguration} ChartConfiguration */

Chart.register(...registerables);

const ACCENT = '#0063b1';
const GREEN = '#107c10';
const ORANGE = '#ca5010';
const PURPLE = '#5c2e91';
const CSAT_COLOURS = ['#a4262c', '#ca5010', '#986f0b', '#498205', '#107c10'];

/** The charts, by the id part their canvas, caption, summary and table share. */
export const CHARTS = /** @type {const} */ (['volume', 'reasons', 'csat', 'abandoned', 'intents']);

/** @param {number | null} rate a fraction */
const percentOf = (rate) => (rate === null ? null : Math.round(rate * 1000) / 10);

/**
 * A chart's figures in a table for screen readers (the canvas is a picture to them).
 * @param {string} key
 * @param {string[]} headers
 * @param {(string | number)[][]} rows
 */
function dataTable(key, headers, rows) {
  const box = byId(`insights-chart-${key}-table`);
  clear(box);
  const table = el('table');
  table.appendChild(el('caption', t(`insights.chart.${key}`)));
  const head = el('tr');
  for (const header of headers) {
    const cell = el('th', header);
    cell.scope = 'col';
    head.appendChild(cell);
  }
  table.appendChild(el('thead')).appendChild(head);
  const body = table.appendChild(el('tbody'));
  for (const row of rows) {
    const line = el('tr');
    row.forEach((value, index) => {
      const cell = el(index === 0 ? 'th' : 'td', value);
      if (index === 0) cell.scope = 'row';
      line.appendChild(cell);
    });
    body.appendChild(line);
  }
  box.appendChild(table);
  byId(`insights-chart-${key}-summary`).textContent = rows.length === 0 ? t('insights.chart.empty') : '';
}

/**
 * Draws one chart on its canvas, replacing the one drawn before.
 * @param {string} key
 * @param {ChartConfiguration} config
 */
function draw(key, config) {
  const canvas = byId(`insights-chart-${key}`, HTMLCanvasElement);
  Chart.getChart(canvas)?.destroy();
  canvas.setAttribute('aria-label', t(`insights.chart.${key}`));
  const options = config.options ?? {};
  config.options = {
    responsive: true,
    maintainAspectRatio: false,
    // Figures, not motion: and a screenshot of the page shows the final chart.
    animation: false,
    locale: currentLocale(),
    ...options,
    plugins: { legend: { display: false }, ...options.plugins },
  };
  new Chart(canvas, config);
}

/** A horizontal bar chart of counts. @param {string} label @param {(string | string[])[]} labels @param {number[]} data @param {string | string[]} colour */
function countBars(label, labels, data, colour) {
  return /** @type {ChartConfiguration} */ ({
    type: 'bar',
    data: { labels, datasets: [{ label, data, backgroundColor: colour }] },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
}

/** @param {InsightsReport} report */
function drawVolume(report) {
  const labels = report.series.map((period) => period.period);
  const conversations = report.series.map((period) => period.conversations);
  const rates = report.series.map((period) => percentOf(period.containment.rate));
  draw('volume', {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          type: 'bar',
          label: t('insights.figure.conversations'),
          data: conversations,
          backgroundColor: ACCENT,
          yAxisID: 'y',
          // Drawn first: the containment line stays visible over the bars.
          order: 2,
        },
        {
          type: 'line',
          label: t('insights.figure.containment'),
          data: rates,
          borderColor: GREEN,
          backgroundColor: GREEN,
          spanGaps: true,
          pointRadius: 4,
          yAxisID: 'rate',
          order: 1,
        },
      ],
    },
    options: {
      plugins: { legend: { display: true, position: 'bottom' } },
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 } },
        rate: {
          position: 'right',
          min: 0,
          max: 100,
          grid: { drawOnChartArea: false },
          ticks: { callback: (value) => `${value}%` },
        },
      },
    },
  });
  const active = report.series.filter((period) => period.conversations > 0);
  dataTable(
    'volume',
    [
      t('insights.table.period'),
      t('insights.figure.conversations'),
      t('insights.table.contained'),
      t('insights.figure.containment'),
    ],
    active.map((period) => [
      period.period,
      period.conversations,
      period.containment.contained,
      `${percentOf(period.containment.rate) ?? 0}%`,
    ]),
  );
}

/** @param {InsightsReport} report */
function drawReasons(report) {
  const reasons = Object.entries(report.totals.handoff.reasons).sort((a, b) => b[1] - a[1]);
  const labels = reasons.map(([reason]) => reasonWords(reason, reason));
  draw(
    'reasons',
    countBars(
      t('insights.table.requests'),
      labels,
      reasons.map(([, count]) => count),
      ORANGE,
    ),
  );
  dataTable(
    'reasons',
    [t('fact.reason'), t('insights.table.requests')],
    reasons.map(([, count], index) => [labels[index] ?? '', count]),
  );
}

/** @param {InsightsReport} report */
function drawCsat(report) {
  const scores = ['1', '2', '3', '4', '5'];
  const counts = scores.map((score) => report.totals.csat.distribution[score] ?? 0);
  draw('csat', {
    type: 'bar',
    data: {
      labels: scores,
      datasets: [{ label: t('insights.table.answers'), data: counts, backgroundColor: CSAT_COLOURS }],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  dataTable(
    'csat',
    [t('insights.table.score'), t('insights.table.answers')],
    report.totals.csat.count === 0 ? [] : scores.map((score, index) => [score, counts[index] ?? 0]),
  );
}

/** @param {InsightsReport} report */
function drawAbandoned(report) {
  const places = report.totals.tasks.abandonedAt;
  // Two lines on the axis: the task, and the step's own name (`dialogId/stepName`: the table has both).
  const labels = places.map((place) => [topicName(place.task), place.step.split('/').pop() ?? place.step]);
  draw(
    'abandoned',
    countBars(
      t('insights.table.gaveUp'),
      labels,
      places.map((place) => place.count),
      PURPLE,
    ),
  );
  dataTable(
    'abandoned',
    [t('insights.table.task'), t('insights.table.step'), t('insights.table.gaveUp')],
    places.map((place) => [topicName(place.task), place.step, place.count]),
  );
}

/** @param {InsightsReport} report */
function drawIntents(report) {
  const intents = report.totals.intents;
  const labels = intents.map((intent) => topicName(intent.intent));
  draw(
    'intents',
    countBars(
      t('insights.table.recognized'),
      labels,
      intents.map((intent) => intent.count),
      ACCENT,
    ),
  );
  const score = new Intl.NumberFormat(currentLocale(), { maximumFractionDigits: 2 });
  dataTable(
    'intents',
    [t('fact.intent'), t('insights.table.recognized'), t('insights.table.averageScore')],
    intents.map((intent, index) => [
      labels[index] ?? intent.intent,
      intent.count,
      intent.averageScore === null ? t('insights.none') : score.format(intent.averageScore),
    ]),
  );
}

/**
 * Draws every chart of a report (again after the language changed).
 * @param {InsightsReport} report
 */
export function drawInsightsCharts(report) {
  drawVolume(report);
  drawReasons(report);
  drawCsat(report);
  drawAbandoned(report);
  drawIntents(report);
}

/** Logging out: the charts and their tables go, with the figures they showed. */
export function forgetInsightsCharts() {
  for (const key of CHARTS) {
    const canvas = byId(`insights-chart-${key}`, HTMLCanvasElement);
    Chart.getChart(canvas)?.destroy();
    clear(byId(`insights-chart-${key}-table`));
    byId(`insights-chart-${key}-summary`).textContent = '';
  }
}
