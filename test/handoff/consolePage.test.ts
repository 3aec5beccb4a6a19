import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CONSOLE_DIR } from '../../handoff/consolePage';
import { ARTIFACTS, launchChromium } from '../support/chromium';
import { PASSWORD, WAITING_FOR_QR, queueCase, startConsole, type ConsoleFixture } from './consoleFixture';
import { eventually } from './eventSocket';

describe('console page', () => {
  let fixture: ConsoleFixture;

  beforeEach(async () => {
    fixture = await startConsole();
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('GET /console serves the page with a strict Content-Security-Policy that allows exactly its own scripts, by hash', async () => {
    const response = await fetch(`${fixture.url}/console`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    const html = await response.text();
    const policy = response.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      policy.split(/;\s*/).map((directive) => {
        const [name = '', ...sources] = directive.split(/\s+/);
        return [name, sources] as const;
      }),
    );
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('connect-src'), ["'self'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.ok(!policy.includes('unsafe-inline') && !policy.includes('unsafe-eval'), policy);

    // Every module the page may run is listed by hash, with the same hash in the import map.
    const map = /<script type="importmap">([^<]*)<\/script>/.exec(html)?.[1] ?? '';
    const integrity = (JSON.parse(map) as { integrity: Record<string, string> }).integrity;
    const scripts = Object.keys(integrity);
    assert.ok(scripts.includes('/console/assets/main.js') && scripts.length >= 8, scripts.join(' '));
    const allowed = directives.get('script-src') ?? [];
    assert.deepEqual(
      [...allowed].sort(),
      [sha256(map), ...Object.values(integrity).map((hash) => `'${hash}'`)].sort(),
    );
    const entry =
      /<script type="module" src="\/console\/assets\/main\.js" integrity="([^"]+)"><\/script>/.exec(
        html,
      )?.[1];
    assert.equal(entry, integrity['/console/assets/main.js']);
    assert.ok(!/<script>|<style>| style="| on[a-z]+="/.test(html), 'no inline script or style');

    for (const script of scripts) {
      const asset = await fetch(`${fixture.url}${script}`);
      assert.equal(asset.status, 200, script);
      assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
      const body = await asset.text();
      // The hash the browser checks is the hash of what is served.
      assert.equal(
        `'sha256-${createHash('sha256').update(body).digest('base64')}'`,
        `'${integrity[script]}'`,
      );
      // Data reaches the DOM through textContent only.
      assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(body), script);
    }
    const style = await fetch(`${fixture.url}/console/assets/console.css`);
    assert.equal(style.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.deepEqual(directives.get('style-src'), ["'self'"]);
    const styleIntegrity =
      /<link rel="stylesheet" href="\/console\/assets\/console\.css" integrity="([^"]+)" \/>/.exec(html)?.[1];
    assert.equal(
      styleIntegrity,
      `sha256-${createHash('sha256')
        .update(await style.text())
        .digest('base64')}`,
    );
    // A file that did not change is not sent again.
    const again = await fetch(`${fixture.url}/console/assets/console.css`, {
      headers: { 'if-none-match': style.headers.get('etag') ?? '' },
    });
    assert.equal(again.status, 304);
    const bundle = await fetch(`${fixture.url}/console/assets/i18n/lv.json`);
    assert.match(bundle.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(typeof ((await bundle.json()) as Record<string, string>)['login.username'], 'string');
  });

  it('GET /console/assets/ answers 404 JSON for a file that is not the page’s (no way out of the folder)', async () => {
    for (const name of [
      'nothing.js',
      'tsconfig.json',
      '..%2FconsolePage.ts',
      '../consolePage.ts',
      'i18n/../index.html',
    ]) {
      const response = await fetch(`${fixture.url}/console/assets/${name}`);
      assert.equal(response.status, 404, name);
      // Ours (NotFound) or, for a path restify normalizes away, the router's (ResourceNotFound).
      assert.match(((await response.json()) as { code: string }).code, /^(Resource)?NotFound$/, name);
    }
  });

  it('every form control of the page has a label', async () => {
    const html = await (await fetch(`${fixture.url}/console`)).text();
    const ids = [...html.matchAll(/<(?:input|select|textarea)[^>]*\bid="([^"]+)"/g)].map((match) => match[1]);
    assert.ok(ids.length >= 7, `found ${ids.length} controls`);
    for (const id of ids) assert.match(html, new RegExp(`<label\\s+for="${id}"`), `no label for #${id}`);
  });
});

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('console texts (handoff/console/i18n)', () => {
  const dir = path.join(CONSOLE_DIR, 'i18n');
  const read = (locale: string): Record<string, unknown> =>
    JSON.parse(fs.readFileSync(path.join(dir, `${locale}.json`), 'utf8')) as Record<string, unknown>;
  const english = read('en');
  const placeholders = (text: string): string[] =>
    [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

  it('there is a bundle for each of the five locales and no other', () => {
    assert.deepEqual(fs.readdirSync(dir).sort(), [
      'en.json',
      'es.json',
      'lv.json',
      'zh-CN.json',
      'zh-TW.json',
    ]);
  });

  for (const locale of ['es', 'zh-CN', 'zh-TW', 'lv']) {
    it(`${locale} has exactly the keys of English, each a non-empty text with the same placeholders`, () => {
      const bundle = read(locale);
      assert.deepEqual(Object.keys(bundle).sort(), Object.keys(english).sort());
      for (const [key, text] of Object.entries(bundle)) {
        assert.equal(typeof text, 'string', key);
        assert.notEqual((text as string).trim(), '', `${locale} ${key} is empty`);
        assert.deepEqual(
          placeholders(text as string),
          placeholders(english[key] as string),
          `${locale} ${key}`,
        );
      }
      // Translated, not copied: only names (Telegram, {name} ({role}), …) may read as in English.
      const same = Object.keys(bundle).filter((key) => bundle[key] === english[key]);
      assert.ok(
        same.length < Object.keys(english).length / 20,
        `${locale} copies English: ${same.join(', ')}`,
      );
    });
  }

  it('every text the page names in its markup and scripts is in the English bundle', () => {
    const used = new Set<string>();
    const html = fs.readFileSync(path.join(CONSOLE_DIR, 'index.html'), 'utf8');
    for (const match of html.matchAll(/data-i18n(?:-label|-placeholder)?="([\w.]+)"/g))
      used.add(match[1] ?? '');
    for (const file of fs.readdirSync(CONSOLE_DIR).filter((name) => name.endsWith('.js'))) {
      const script = fs.readFileSync(path.join(CONSOLE_DIR, file), 'utf8');
      for (const match of script.matchAll(/\bt\('([\w.]+)'/g)) used.add(match[1] ?? '');
      for (const match of script.matchAll(/\btn\('([\w.]+)'/g)) {
        used.add(`${match[1]}.one`);
        used.add(`${match[1]}.other`);
      }
    }
    assert.ok(used.size > 150, `found ${used.size}`);
    assert.deepEqual(
      [...used].filter((key) => !(key in english)),
      [],
    );
  });
});

describe('console page in headless Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let fixture: ConsoleFixture;

  before(async function () {
    browser = await launchChromium(this);
  });

  after(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    fixture = await startConsole({
      channels: () => WAITING_FOR_QR,
      deliveryReports: () =>
        Promise.resolve([
          { status: 'read', at: '2026-12-01T10:00:00.000Z' },
          { status: 'failed', at: '2026-12-01T10:05:00.000Z', problem: '131047 Re-engagement message' },
        ]),
    });
  });

  afterEach(async () => {
    await fixture?.close();
  });

  it('an admin sees the channels, with the QR code that links WhatsApp Web; an agent does not', async () => {
    await fixture.database.agents.create({
      username: 'root',
      name: 'Root Admin',
      role: 'admin',
      teams: [],
      password: PASSWORD,
    });
    const { page, problems } = await openConsole();
    await page.getByLabel('Username', { exact: true }).fill('root');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    const code = page.getByRole('img', { name: 'Code to link whatsapp' });
    await code.waitFor();
    // The image really rendered (a broken or CSP-blocked data URL has no natural size).
    const width = await code.evaluate((image) => (image as HTMLImageElement).naturalWidth);
    assert.ok(width > 0, `natural width ${width}`);
    assert.match(await page.locator('#channel-list').innerText(), /whatsapp ready · whatsappWeb: qr/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-channels.png'), fullPage: true });
    assert.deepEqual(problems, []);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Username', { exact: true }).fill('ana');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('#agent-name').getByText('Ana García').waitFor();
    assert.equal(await page.locator('#channels-panel').isVisible(), false);
  });

  async function openConsole(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      // CSP violations and failed scripts show up as console errors.
      // (The test server has no favicon; the real one answers it with 204.)
      if (message.location().url.endsWith('/favicon.ico')) return;
      if (message.type() === 'error' && !/401 \(Unauthorized\)/.test(message.text())) {
        problems.push(`${message.text()} (${message.location().url})`);
      }
    });
    await page.goto(`${fixture.url}/console`);
    return { page, problems };
  }

  it('an agent logs in, takes a conversation, replies, sees the customer answer live and ends it', async () => {
    const handoffCase = await queueCase(fixture, {
      customerName: '<img src=x onerror="window.pwned=1">',
      topic: 'orderStatus',
      collected: { orderNumber: 'A-1001', orderVerified: true, verifiedBy: 'email' },
    });
    fixture.database.store.appendTranscript(handoffCase.conversationKey, 'customer', 'Where is my parcel?');
    const { page, problems } = await openConsole();

    await page.getByLabel('Username', { exact: true }).fill('ana');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();

    const item = page.locator(`[data-case-id="${handoffCase.id}"]`);
    await item.waitFor();
    assert.match(await item.innerText(), /<img src=x onerror="window\.pwned=1"> · Order status/);
    assert.equal(await page.locator('#queue-list img').count(), 0, 'names are text, not markup');
    await item.click();
    await page
      .locator('#case-summary', { hasText: 'Order: A-1001 (ownership verified by email).' })
      .waitFor();
    await page.locator('#transcript', { hasText: 'Where is my parcel?' }).waitFor();
    // What the customer's channel reported: the last status, and a failure that must not hide.
    const facts = await page.locator('#case-facts').innerText();
    assert.match(facts, /Delivery\s+failed at/);
    assert.match(facts, /Not delivered\s+.+: 131047 Re-engagement message/);
    assert.deepEqual(await page.locator('#transfer-team option').allInnerTexts(), [
      'Customer support',
      'Pedidos',
    ]);

    await page.getByRole('button', { name: 'Claim this conversation' }).click();
    const reply = page.getByLabel('Reply to the customer');
    await reply.waitFor();
    assert.equal((await fixture.database.store.getCase(handoffCase.id))?.agentId, fixture.accounts.ana?.id);

    await reply.fill('It left the warehouse this morning.');
    await eventually(
      () => fixture.deliveries.some((delivery) => delivery.activity.type === 'typing'),
      'the customer sees the agent typing',
    );
    await reply.press('Enter');
    await eventually(
      () =>
        fixture.deliveries.some(
          (delivery) => delivery.activity.text === 'It left the warehouse this morning.',
        ),
      'the reply reaches the customer',
    );
    await page.locator('#status', { hasText: 'Sent.' }).waitFor();
    assert.equal(await reply.inputValue(), '');

    // The customer answers: the event stream brings it in without a reload.
    fixture.database.store.appendTranscript(handoffCase.conversationKey, 'customer', 'Great, thanks!');
    fixture.desk.customerWrote(handoffCase, 'Great, thanks!');
    await page.locator('#transcript li', { hasText: 'Great, thanks!' }).waitFor();

    await page.getByLabel('Outcome').selectOption('resolved');
    await page.getByRole('button', { name: 'End conversation' }).click();
    await eventually(
      async () => (await fixture.database.store.getCase(handoffCase.id))?.state === 'ended',
      'the case ends',
    );
    await page.locator('#case-facts', { hasText: 'resolved' }).waitFor();
    assert.deepEqual(fixture.signals, ['ended']);
    // An ended conversation offers nothing more to do.
    for (const control of ['#claim', '#reply-form', '#transfer-form', '#end-form']) {
      assert.equal(await page.locator(control).isVisible(), false, `${control} is still shown`);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-conversation.png'), fullPage: true });

    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    assert.deepEqual(problems, []);
  });

  it('a new case shows up in the queue live, and tickets can be closed', async () => {
    const { page, problems } = await openConsole();
    await page.getByLabel('Username', { exact: true }).fill('ana');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('#queue-empty').waitFor();
    await eventually(() => fixture.consoleApi.socketCount() === 1, 'the page opened its event socket');

    const handoffCase = await queueCase(fixture, { customerName: 'Late Customer' });
    fixture.desk.emit('changed', handoffCase.id);
    await page.locator(`[data-case-id="${handoffCase.id}"]`, { hasText: 'Late Customer' }).waitFor();

    const ticket = await fixture.database.store.createTicket({
      conversationKey: 'telegram/9',
      team: 'support',
      locale: 'en',
      text: 'Please call me tomorrow',
      collected: { orderNumber: 'B-2' },
    });
    await page.getByRole('button', { name: 'Tickets' }).click();
    await page.locator('#ticket-list', { hasText: 'Please call me tomorrow' }).waitFor();
    await page.getByRole('button', { name: `Close ticket ${ticket.id}` }).click();
    await page.locator('#status', { hasText: `Ticket ${ticket.id} closed.` }).waitFor();
    assert.equal((await fixture.database.store.tickets('closed'))[0]?.id, ticket.id);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Username', { exact: true }).waitFor();
    assert.deepEqual(problems, []);
  });

  it('speaks the browser’s language (codes too), and the header picker changes it and is remembered', async () => {
    const handoffCase = await queueCase(fixture, {
      customerName: 'Anna',
      topic: 'orderStatus',
      reason: 'notUnderstood',
    });
    const context = await browser.newContext({ locale: 'lv-LV' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${fixture.url}/console`);
    await page.getByLabel('Lietotājvārds', { exact: true }).fill('ana');
    await page.getByLabel('Parole', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Pieteikties' }).click();
    const item = page.locator(`[data-case-id="${handoffCase.id}"]`);
    await item.waitFor();
    assert.match(await item.innerText(), /Anna · Pasūtījuma statuss/);
    await item.click();
    await page.locator('#case-facts', { hasText: 'Robots nesaprata klientu' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'lv');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-latvian.png'), fullPage: true });

    await page.getByLabel('Konsoles valoda').selectOption('zh-TW');
    await page.locator('#case-facts', { hasText: '機器人沒有理解顧客' }).waitFor();
    assert.match(await item.innerText(), /Anna · 訂單狀態/);
    assert.equal(await page.getByRole('button', { name: '登出' }).isVisible(), true);
    await page.reload();
    await page.locator('#agent-name', { hasText: 'Ana García（客服）' }).waitFor();
    assert.equal(await page.getByLabel('控制台語言').inputValue(), 'zh-TW');
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('a wrong password shows an error and keeps the login form', async () => {
    const { page, problems } = await openConsole();
    await page.getByLabel('Username', { exact: true }).fill('ana');
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'wrong username or password' }).waitFor();
    assert.equal(await page.locator('#app-view').isHidden(), true);
    assert.deepEqual(
      problems.filter((problem) => !/401/.test(problem)),
      [],
    );
  });
});
