/// <reference lib="dom" />
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, launchChromium } from '../support/chromium';
import { expectedText } from '../support/dialogTable';
import { PASSWORD, login } from '../handoff/consoleFixture';
import { removeDataDir, startServer, type RunningServer } from '../support/testServer';

/** The send box of the official Web Chat widget. */
const SEND_BOX = '[data-id="webchat-sendbox-input"]';

describe('web chat page (official Web Chat in headless Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: RunningServer;

  before(async function () {
    browser = await launchChromium(this);
  });

  after(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    server = await startServer({ BOT_NAME: 'Acme Helper' });
  });

  const contexts: BrowserContext[] = [];
  afterEach(async () => {
    // The pages go first, so no chat holds a connection to the server being closed.
    for (const context of contexts.splice(0)) await context.close();
    await server.app.close();
    removeDataDir(server.dataDir);
  });

  /** Waits for a chat bubble with `text` (Web Chat renders markdown, so quotes come out curly). */
  async function bubble(page: Page, text: string): Promise<void> {
    await page.waitForFunction(
      (expected) =>
        Array.from(document.querySelectorAll('.webchat__bubble__content')).some(
          (element) =>
            (element as HTMLElement).innerText.replace(/[“”]/g, '"').replace(/[‘’]/g, "'").trim() ===
            expected,
        ),
      text,
      { timeout: 20_000 },
    );
  }

  async function openPage(locale: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}/`);
    return { page, errors };
  }

  it('chats with the bot in English: welcome, a typed message and its reply', async () => {
    const { page, errors } = await openPage('en-US');
    assert.equal(await page.title(), 'Chat with Acme Helper');
    await bubble(page, expectedText('en', 'welcome.greeting'));
    await page.locator(SEND_BOX).fill('help');
    await page.locator(SEND_BOX).press('Enter');
    await bubble(page, expectedText('en', 'help.main'));
    await page.screenshot({ path: path.join(ARTIFACTS, 'webchat-en.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });

  it('offers choices as buttons (suggested actions) that answer the prompt', async () => {
    const { page } = await openPage('en-US');
    await page
      .getByRole('toolbar', { name: 'Suggested actions' })
      .getByRole('button', { name: 'Talk to a person' })
      .click();
    await bubble(page, expectedText('en', { key: 'handoff.queued', vars: { position: 1, minutes: 3 } }));
  });

  it('a page reload resumes the same conversation with its transcript', async () => {
    const { page, errors } = await openPage('en-US');
    await bubble(page, expectedText('en', 'welcome.greeting'));
    await page.locator(SEND_BOX).fill('help');
    await page.locator(SEND_BOX).press('Enter');
    await bubble(page, expectedText('en', 'help.main'));
    await page.reload();
    // The earlier exchange is shown again and no second welcome was sent.
    await bubble(page, expectedText('en', 'help.main'));
    const welcomes = await page
      .locator('.webchat__bubble__content')
      .filter({ hasText: 'You are talking to an automated assistant' })
      .count();
    assert.equal(welcomes, 1);
    assert.deepEqual(errors, []);
  });

  it("takes the browser's language, and the picker switches it", async () => {
    const { page, errors } = await openPage('es-MX');
    assert.equal(await page.title(), 'Chatea con Acme Helper');
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    await bubble(page, expectedText('es', 'welcome.greeting'));
    await page.getByLabel('Idioma').selectOption('en');
    assert.equal(await page.title(), 'Chat with Acme Helper');
    await page.locator(SEND_BOX).fill('help');
    await page.locator(SEND_BOX).press('Enter');
    await bubble(page, expectedText('en', 'help.main'));
    await page.screenshot({ path: path.join(ARTIFACTS, 'webchat-es-en.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });
  it("shows an agent's reply as the agent (name and initials), not as the bot", async () => {
    await server.app.handoff.agents.create({
      username: 'ana',
      name: 'Ana García',
      role: 'agent',
      teams: ['support'],
      password: PASSWORD,
    });
    const { page, errors } = await openPage('en-US');
    await bubble(page, expectedText('en', 'welcome.greeting'));
    await page.locator(SEND_BOX).fill('agent');
    await page.locator(SEND_BOX).press('Enter');
    await bubble(page, expectedText('en', { key: 'handoff.queued', vars: { position: 1, minutes: 3 } }));
    const ana = await login(server.url, 'ana');
    const queue = await ana.get<{ cases: { id: number }[] }>('/api/console/queue');
    const caseId = queue.body.cases[0]?.id;
    assert.equal((await ana.post(`/api/console/cases/${caseId}/claim`)).status, 200);
    assert.equal(
      (await ana.post(`/api/console/cases/${caseId}/messages`, { text: 'Hi, I am checking your order.' }))
        .status,
      200,
    );
    // The text as the agent wrote it: the sender is shown beside it, not typed in front.
    await bubble(page, 'Hi, I am checking your order.');
    const avatar = page.getByRole('img', { name: 'Ana García (agent)' });
    await avatar.waitFor();
    assert.equal((await avatar.innerText()).trim(), 'AG');
    await page.locator('.agent-name', { hasText: 'Ana García (agent)' }).waitFor();
    // The bot's own messages keep the bot's initials.
    assert.ok((await page.locator('.webchat__initialsAvatar', { hasText: 'AH' }).count()) > 0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'webchat-agent-reply.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });

  /** Waits for a chat bubble whose text matches `pattern`; returns its text. */
  async function bubbleMatching(page: Page, pattern: RegExp): Promise<string> {
    const handle = await page.waitForFunction(
      (source) =>
        Array.from(document.querySelectorAll('.webchat__bubble__content'))
          .map((element) => (element as HTMLElement).innerText.trim())
          .find((text) => new RegExp(source).test(text)),
      pattern.source,
      { timeout: 20_000 },
    );
    return String(await handle.jsonValue());
  }

  async function send(page: Page, text: string): Promise<void> {
    await page.locator(SEND_BOX).fill(text);
    await page.locator(SEND_BOX).press('Enter');
  }

  it('sends the signed label link once: as the attachment, not again in the text', async () => {
    const { page, errors } = await openPage('en-US');
    await bubble(page, expectedText('en', 'welcome.greeting'));
    for (const [text, reply] of [
      ['I want to return something', 'orders.askNumber'],
      ['SB-10002', 'verification.ask'],
      ['28013', 'returns.askItems'],
      ['Rain jacket, M', 'returns.askReason'],
      [expectedText('en', 'returns.reasons.damaged'), 'returns.askRefund'],
    ] as const) {
      await send(page, text);
      await bubble(page, expectedText('en', reply));
    }
    await send(page, expectedText('en', 'returns.refund.originalPayment'));
    await bubbleMatching(page, /^Return .* Shall I create the return\?$/);
    await send(page, 'yes');
    const created = await bubbleMatching(page, /^Your return RMA-[A-Z2-9]{8} is ready/);
    const rma = /RMA-[A-Z2-9]{8}/.exec(created)?.[0] ?? '';
    assert.equal(created, expectedText('en', { key: 'returns.created', vars: { rma } }));
    // Wait for the menu that follows, so every activity of the turn is on the page.
    await bubble(page, expectedText('en', 'menu.anythingElse'));

    const links = await page.evaluate(() =>
      Array.from(
        document.querySelectorAll<HTMLAnchorElement>(
          '[role="log"] a[href], .webchat__basic-transcript a[href]',
        ),
      )
        .map((anchor) => anchor.href)
        .filter((href) => href.includes('/api/returns/')),
    );
    assert.equal(links.length, 1, JSON.stringify(links));
    const link = new URL(links[0] ?? '');
    assert.equal(link.pathname, `/api/returns/${rma}/label`);
    assert.ok(link.searchParams.get('signature'), 'the signed link');
    // Nothing else on the page shows the link as text.
    const pageText = await page.evaluate(() => document.body.innerText);
    assert.ok(!pageText.includes('/api/returns/'), 'no link in any bubble text');
    assert.equal(
      await page.locator(`a[href*="/api/returns/${rma}/label"]`).count(),
      1,
      'one element links to the label',
    );
    // The link is the label.
    const label = await fetch(`${server.url}${link.pathname}${link.search}`);
    assert.equal(label.status, 200);
    assert.equal(label.headers.get('content-type'), 'application/pdf');
    await page.screenshot({ path: path.join(ARTIFACTS, 'webchat-return-label.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });
});
