import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { InsightsReport, PeriodFigures } from '../../bot/insights';
import { CONSOLE_DIR } from '../../handoff/consolePage';
import { ARTIFACTS, launchChromium } from '../support/chromium';
import { removeDataDir, say, startServer, webOf, type RunningServer } from '../support/testServer';
import { WebCustomer } from '../support/webCustomer';
import { PASSWORD, login, type ConsoleSession } from './consoleFixture';

const DAY_MS = 86_400_000;
const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The range the page shows at first: the last 30 UTC days, today included. */
function defaultRange(): string {
  const today = utcDay(Date.now());
  const from = utcDay(Date.parse(`${today}T00:00:00Z`) - 29 * DAY_MS);
  const to = utcDay(Date.parse(`${today}T00:00:00Z`) + DAY_MS);
  return `from=${from}&to=${to}&groupBy=day`;
}

/** Each headline figure of the page (its `data-figure`) and the API's number it shows. */
const FIGURES: [figure: string, value: (totals: PeriodFigures) => number | null][] = [
  ['conversations', (totals) => totals.conversations],
  ['containment', (totals) => totals.containment.rate],
  ['handoffRate', (totals) => totals.handoff.rate],
  ['queueWaitMedian', (totals) => totals.queueWait.medianSeconds],
  ['queueWaitP90', (totals) => totals.queueWait.p90Seconds],
  ['firstReplyMedian', (totals) => totals.firstAgentReply.medianSeconds],
  ['firstReplyP90', (totals) => totals.firstAgentReply.p90Seconds],
  ['csat', (totals) => totals.csat.average],
  ['notUnderstood', (totals) => totals.messages.notUnderstoodRate],
];

const CHARTS = ['volume', 'reasons', 'csat', 'abandoned', 'intents'];

/**
 * The Insights view in a real browser against the real server: four real conversations (an
 * order looked up over the Bot Framework channel, a Latvian greeting, an order question left
 * unanswered and swept as abandoned, and a web chat customer
 * handed to an agent who claims, answers and ends, then rated 5) give the figures; the page
 * must show the API's numbers, draw its charts without a policy violation, filter, and hand
 * out the same report as CSV. Screenshot in test-artifacts/insights.png.
 */
describe('Insights page in headless Chromium', function () {
  this.timeout(90_000);
  let browser: Browser;
  let server: RunningServer;
  let lead: ConsoleSession;
  const contexts: BrowserContext[] = [];

  before(async function () {
    browser = await launchChromium(this);
    server = await startServer();
    for (const [username, name, role] of [
      ['lena', 'Lena Berg', 'lead'],
      ['ana', 'Ana García', 'agent'],
    ] as const) {
      await server.app.handoff.agents.create({
        username,
        name,
        role,
        teams: ['support'],
        password: PASSWORD,
      });
    }
    // Contained: an order lookup that completes, on the Bot Framework channel ('test').
    for (const text of ['where is my order', 'SB-10001', 'Ana.Garcia@Example.com'])
      await say(server.url, 'insights-order', text);
    // Contained: a Latvian customer who only greets.
    await say(server.url, 'insights-lv', 'sveiki', { locale: 'lv' });
    // Given up: an order question left at the order number.
    await say(server.url, 'insights-left', 'where is my order');
    // Handed off on web chat: claimed, answered and ended by an agent, then rated.
    const customer = await WebCustomer.start(server.url, webOf(server.app).settings.secret);
    await customer.say('agent');
    await customer.botSays(1);
    const ana = await login(server.url, 'ana');
    const queue = await ana.get<{ cases: { id: number }[] }>('/api/console/queue');
    const caseId = queue.body.cases[0]?.id;
    assert.equal((await ana.post(`/api/console/cases/${caseId}/claim`)).status, 200);
    await customer.botSays(1);
    assert.equal(
      (await ana.post(`/api/console/cases/${caseId}/messages`, { text: 'I am on it.' })).status,
      200,
    );
    await customer.botSays(1);
    assert.equal(
      (await ana.post(`/api/console/cases/${caseId}/end`, { disposition: 'resolved' })).status,
      200,
    );
    await customer.botSays(2);
    await customer.say('5');
    await customer.botSays(2);
    // The replies arrive before their turns end: the events of a turn's end come after.
    await server.app.turnQueue.idle();
    await server.app.insights.recorder.flush();
    // The sweep, as if the customer had been silent for 31 minutes: the question left is abandoned.
    assert.equal(await server.app.insights.recorder.sweepAbandoned(Date.now() + 31 * 60_000), 1);
    await server.app.insights.recorder.flush();
    lead = await login(server.url, 'lena');
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.app.close();
    if (server) removeDataDir(server.dataDir);
  });

  it('serves Chart.js from node_modules as a module of the page: in the import map and the policy, by hash', async () => {
    const response = await fetch(`${server.url}/console`);
    const policy = response.headers.get('content-security-policy') ?? '';
    const html = await response.text();
    const map = JSON.parse(/<script type="importmap">([^<]*)<\/script>/.exec(html)?.[1] ?? '{}') as {
      imports: Record<string, string>;
      integrity: Record<string, string>;
    };
    const installed = path.dirname(require.resolve('chart.js'));
    const files: [url: string | undefined, file: string][] = [
      [map.imports['chart.js'], path.join(installed, 'chart.js')],
      ['/console/assets/vendor/chart.js/chunks/index.js', path.join(installed, 'chunks', 'index.js')],
      [
        map.imports['@kurkle/color'],
        path.join(path.dirname(require.resolve('@kurkle/color', { paths: [installed] })), 'color.esm.js'),
      ],
    ];
    for (const [url, file] of files) {
      assert.ok(url, file);
      const asset = await fetch(`${server.url}${url}`);
      assert.equal(asset.status, 200, url);
      assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
      const body = Buffer.from(await asset.arrayBuffer());
      assert.ok(body.equals(fs.readFileSync(file)), `${url} is ${file} as installed`);
      const hash = `sha256-${createHash('sha256').update(body).digest('base64')}`;
      assert.equal(map.integrity[url], hash, url);
      assert.ok(policy.includes(`'${hash}'`), `${url} is allowed by hash`);
    }
    assert.ok(!/unsafe-(inline|eval)/.test(policy), policy);
  });

  const report = async (query: string): Promise<InsightsReport> => {
    const { status, body } = await lead.get<InsightsReport>(`/api/console/insights?${query}`);
    assert.equal(status, 200, JSON.stringify(body));
    return body;
  };

  /**
   * Logs in through the page; `problems` collects script errors, console errors and
   * Content-Security-Policy violations.
   */
  async function logIn(
    username: string,
    locale = 'en-US',
    labels = { username: 'Username', password: 'Password', submit: 'Log in' },
  ): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // The logged-out probe (401) is logged by the browser itself; the test server has no favicon.
      if (/status of 401/.test(message.text()) || message.location().url.endsWith('/favicon.ico')) return;
      problems.push(`${message.text()} (${message.location().url})`);
    });
    await page.exposeFunction('reportViolation', (text: string) => problems.push(`CSP: ${text}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const report = (window as unknown as { reportViolation: (text: string) => void }).reportViolation;
        report(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    await page.goto(`${server.url}/console`);
    await page.getByLabel(labels.username, { exact: true }).fill(username);
    await page.getByLabel(labels.password, { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: labels.submit }).click();
    await page.locator('#agent-name').waitFor();
    return { page, problems };
  }

  /** Waits until the page shows `totals`, then checks every headline figure against them. */
  async function expectFigures(page: Page, totals: PeriodFigures): Promise<void> {
    await page
      .locator(`#insights-figures [data-figure="conversations"][data-value="${totals.conversations}"]`)
      .waitFor();
    for (const [figure, value] of FIGURES) {
      const shown = await page
        .locator(`#insights-figures [data-figure="${figure}"]`)
        .getAttribute('data-value');
      const expected = value(totals);
      assert.equal(shown, expected === null ? '' : String(expected), figure);
    }
  }

  /** Whether a canvas has anything drawn on it (a chart Chart.js could not draw stays blank). */
  const painted = (page: Page, key: string): Promise<boolean> =>
    page.locator(`#insights-chart-${key}`).evaluate((node) => {
      const canvas = node as HTMLCanvasElement;
      if (canvas.width === 0 || canvas.height === 0) return false;
      const pixels = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) return true;
      return false;
    });

  it('a lead opens Insights from the keyboard: the last 30 days, the API’s figures, five charts with tables', async () => {
    const expected = await report(defaultRange());
    const { totals } = expected;
    // What the conversations above must have produced, so the page is checked against real figures.
    assert.equal(totals.conversations, 4);
    assert.deepEqual([totals.containment.contained, totals.handoff.conversations], [3, 1]);
    assert.deepEqual(
      totals.tasks.abandonedAt.map((place) => [place.task, place.count]),
      [['orderStatus', 1]],
    );
    assert.deepEqual([totals.csat.count, totals.csat.average], [1, 5]);
    assert.equal(totals.queueWait.count, 1);

    const { page, problems } = await logIn('lena');
    const tab = page.getByRole('button', { name: 'Insights' });
    await tab.focus();
    await page.keyboard.press('Enter');
    assert.equal(await tab.getAttribute('aria-pressed'), 'true');
    await expectFigures(page, totals);
    assert.equal(
      await insightsView(page).getByLabel('From', { exact: true }).inputValue(),
      expected.totals.start,
    );
    assert.equal(
      await insightsView(page).getByLabel('To (inclusive)', { exact: true }).inputValue(),
      utcDay(Date.now()),
    );
    assert.equal(await insightsView(page).getByLabel('Per', { exact: true }).inputValue(), 'day');
    const percent = (rate: number | null): string =>
      new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 }).format(rate ?? NaN);
    assert.equal(
      await page.locator('[data-figure="containment"] .figure-value').innerText(),
      percent(totals.containment.rate),
    );
    assert.equal(await page.locator('[data-figure="csat"] .figure-value').innerText(), '5 / 5');
    assert.equal(await page.locator('[data-figure="conversations"] .figure-value').innerText(), '4');

    // The filters offer what the range has.
    assert.deepEqual(await page.locator('#insights-channel option').evaluateAll(values), [
      '',
      ...expected.dimensions.channels,
    ]);
    assert.deepEqual(await page.locator('#insights-locale option').evaluateAll(values), [
      '',
      ...expected.dimensions.locales,
    ]);

    for (const key of CHARTS) {
      const canvas = page.locator(`#insights-chart-${key}`);
      assert.equal(await canvas.getAttribute('role'), 'img', key);
      assert.match((await canvas.getAttribute('aria-label')) ?? '', /\S/, key);
    }
    for (const key of CHARTS) assert.equal(await painted(page, key), true, key);
    // The same figures for screen readers, in tables that are not shown.
    const reasons = page.locator('#insights-chart-reasons-table table');
    const box = await page.locator('#insights-chart-reasons-table').boundingBox();
    assert.ok(box && box.width <= 1 && box.height <= 1, JSON.stringify(box));
    assert.deepEqual(await reasons.locator('tbody tr').evaluateAll(rowTexts), [
      ['Customer asked for a person', '1'],
    ]);
    assert.deepEqual(await page.locator('#insights-chart-csat-table tbody tr').evaluateAll(rowTexts), [
      ['1', '0'],
      ['2', '0'],
      ['3', '0'],
      ['4', '0'],
      ['5', '1'],
    ]);
    const today = expected.series.find((period) => period.conversations > 0);
    assert.deepEqual(await page.locator('#insights-chart-volume-table tbody tr').evaluateAll(rowTexts), [
      [today?.period, '4', '3', '75%'],
    ]);
    const [left] = totals.tasks.abandonedAt;
    assert.deepEqual(await page.locator('#insights-chart-abandoned-table tbody tr').evaluateAll(rowTexts), [
      ['Order status', left?.step, '1'],
    ]);
    const intents = await page.locator('#insights-chart-intents-table tbody tr').evaluateAll(rowTexts);
    assert.equal(intents.length, totals.intents.length);
    assert.ok(
      intents.some((row) => row[0] === 'Order status'),
      JSON.stringify(intents),
    );

    await page.screenshot({ path: path.join(ARTIFACTS, 'insights.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });

  it('a filter changes the figures, and the CSV link downloads the same report as CSV', async () => {
    const web = await report(`${defaultRange()}&channel=directline`);
    assert.equal(web.totals.conversations, 1);
    assert.equal(web.totals.handoff.rate, 1);
    const { page, problems } = await logIn('lena');
    await page.getByRole('button', { name: 'Insights' }).click();
    await expectFigures(page, (await report(defaultRange())).totals);

    await insightsView(page).getByLabel('Channel', { exact: true }).selectOption({ label: 'Web chat' });
    await expectFigures(page, web.totals);
    const csvLink = page.getByRole('link', { name: 'Download CSV' });
    assert.match((await csvLink.getAttribute('href')) ?? '', /[?&]channel=directline&format=csv$/);
    const [download] = await Promise.all([page.waitForEvent('download'), csvLink.click()]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    const rows = csv.trimEnd().split('\r\n');
    const header = rows[0]?.split(',') ?? [];
    assert.deepEqual(header.slice(0, 4), ['period', 'start', 'end', 'conversations']);
    const total = rows.at(-1)?.split(',') ?? [];
    assert.equal(total[0], 'total');
    assert.equal(total[header.indexOf('conversations')], '1');
    assert.equal(total[header.indexOf('handed_off')], '1');
    assert.equal(rows.length, web.series.length + 2, 'a header, a row per day and the total');

    // Latvian only: the greeting, contained, no handoff.
    await insightsView(page).getByLabel('Channel', { exact: true }).selectOption('');
    await insightsView(page).getByLabel('Language', { exact: true }).selectOption('lv');
    const latvian = await report(`${defaultRange()}&locale=lv`);
    assert.deepEqual([latvian.totals.conversations, latvian.totals.containment.rate], [1, 1]);
    await expectFigures(page, latvian.totals);

    // By week: the same totals, fewer periods in the chart's table.
    await insightsView(page).getByLabel('Per', { exact: true }).selectOption('week');
    await page.locator('#insights-range', { hasText: 'per week' }).waitFor();
    await expectFigures(page, (await report(`${defaultRange().replace('day', 'week')}&locale=lv`)).totals);
    assert.deepEqual(problems, []);
  });

  it('a range that ends before it starts is refused in the page, not sent', async () => {
    const { page, problems } = await logIn('lena');
    await page.getByRole('button', { name: 'Insights' }).click();
    await page.locator('#insights-figures [data-figure="conversations"]').waitFor();
    await insightsView(page).getByLabel('From', { exact: true }).fill('2026-12-31');
    await insightsView(page).getByLabel('To (inclusive)', { exact: true }).fill('2026-12-01');
    await page.getByRole('button', { name: 'Show figures' }).click();
    await page.getByRole('alert').filter({ hasText: 'Pick a start day on or before the end day.' }).waitFor();
    assert.deepEqual(problems, []);
  });

  it('an agent does not see the Insights entry, and the API refuses them', async () => {
    const { page, problems } = await logIn('ana');
    await page.getByRole('button', { name: 'Conversations' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Insights' }).count(), 0);
    assert.equal(await page.locator('#insights-panel').isVisible(), false);
    const ana = await login(server.url, 'ana');
    assert.equal((await ana.get('/api/console/insights')).status, 403);
    assert.deepEqual(problems, []);
  });

  it('speaks Latvian when the console language is lv', async () => {
    const lv = JSON.parse(fs.readFileSync(path.join(CONSOLE_DIR, 'i18n', 'lv.json'), 'utf8')) as Record<
      string,
      string
    >;
    const { page, problems } = await logIn('lena', 'lv-LV', {
      username: 'Lietotājvārds',
      password: 'Parole',
      submit: 'Pieteikties',
    });
    await page.getByRole('button', { name: 'Analītika' }).click();
    await expectFigures(page, (await report(defaultRange())).totals);
    assert.equal(await page.locator('[data-figure="conversations"] dt').innerText(), 'Sarunas');
    assert.equal(
      await page.locator('[data-figure="containment"] dt').innerText(),
      lv['insights.figure.containment'],
    );
    assert.equal(await page.locator('#insights-chart-intents').getAttribute('aria-label'), 'Biežākie nolūki');
    assert.equal(await page.getByRole('link', { name: 'Lejupielādēt CSV' }).isVisible(), true);
    assert.deepEqual(await page.locator('#insights-chart-reasons-table tbody tr').evaluateAll(rowTexts), [
      [lv['reason.customerAsked'], '1'],
    ]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'insights-latvian.png'), fullPage: true });
    // The header's picker re-renders the view in the new language, the filters kept.
    await insightsView(page).getByLabel('Valoda', { exact: true }).selectOption('lv');
    await page.locator('[data-figure="conversations"][data-value="1"]').waitFor();
    await page.getByLabel('Konsoles valoda').selectOption('es');
    await page.locator('[data-figure="conversations"] dt', { hasText: 'Conversaciones' }).waitFor();
    assert.equal(await insightsView(page).getByLabel('Idioma', { exact: true }).inputValue(), 'lv');
    assert.equal(await page.locator('[data-figure="conversations"]').getAttribute('data-value'), '1');
    assert.deepEqual(problems, []);
  });
});

/** The Insights view: some of its labels are the history form's too. */
const insightsView = (page: Page) => page.locator('#insights-panel');

/** The values of a `<select>`'s options (run in the page). */
function values(options: Element[]): string[] {
  return options.map((option) => (option as HTMLOptionElement).value);
}

/** The cells of table rows as text (run in the page). */
function rowTexts(rows: Element[]): string[][] {
  return rows.map((row) => Array.from(row.children).map((cell) => cell.textContent ?? ''));
}
