import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, launchChromium } from '../support/chromium';
import { PASSWORD, login, queueCase, startConsole, type ConsoleFixture } from './consoleFixture';

/** The console items agents work with every day, in a real browser: screenshots in test-artifacts/. */
describe('console page in headless Chromium: history, canned replies, transcript', function () {
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
    fixture = await startConsole();
  });

  afterEach(async () => {
    await fixture?.close();
  });

  async function logIn(username: string): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.location().url.endsWith('/favicon.ico')) return;
      if (message.type() === 'error' && !/401 \(Unauthorized\)/.test(message.text())) {
        problems.push(`${message.text()} (${message.location().url})`);
      }
    });
    await page.goto(`${fixture.url}/console`);
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('#agent-name').waitFor();
    return { page, problems };
  }

  it('the History view finds an ended case by its order number and shows it read-only with its open ticket', async () => {
    const found = await queueCase(fixture, {
      customerName: 'María López',
      reason: 'notUnderstood',
      collected: { orderNumber: 'SB-10042' },
    });
    fixture.database.store.appendTranscript(found.conversationKey, 'customer', 'My parcel never came');
    await fixture.desk.claim(found.id, fixture.accounts.ana!);
    fixture.database.store.appendTranscript(
      found.conversationKey,
      'agent',
      'I am on it',
      fixture.accounts.ana!.id,
    );
    await fixture.desk.end(found.id, fixture.accounts.ana!, 'notResolved');
    const other = await queueCase(fixture, {
      customerName: 'Bob Stone',
      collected: { orderNumber: 'SB-99999' },
    });
    await fixture.desk.end(other.id, fixture.accounts.lena!, 'spam');
    const ticket = await fixture.database.store.createTicket({
      conversationKey: found.conversationKey,
      team: 'support',
      locale: 'en',
      text: 'Please call me back about SB-10042',
      collected: { orderNumber: 'SB-10042' },
    });

    const { page, problems } = await logIn('ana');
    await page.getByRole('button', { name: 'History' }).click();
    await page.locator('#history-list .case-item').nth(1).waitFor();
    await page.getByLabel('Name, order, RMA or booking').fill('sb-10042');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#history-page', { hasText: '1 case · page 1 of 1' }).waitFor();
    const item = page.locator(`[data-history-id="${found.id}"]`);
    assert.match(await item.innerText(), /María López · Order status/);
    assert.match(await item.innerText(), /Ana García · Not resolved/);
    assert.match(await item.innerText(), /1 open ticket/);
    await item.click();

    await page.locator('#history-title', { hasText: `María López — case ${found.id}` }).waitFor();
    const facts = await page.locator('#history-facts').innerText();
    assert.match(facts, /Reason\s+Bot did not understand the customer/);
    assert.match(facts, /Outcome\s+Not resolved/);
    assert.doesNotMatch(facts, /notUnderstood|notResolved/);
    const transcript = await page.locator('#history-transcript').innerText();
    assert.match(transcript, /María López · .*\n?My parcel never came/);
    assert.match(transcript, /Ana García · .*\n?I am on it/);
    // Read-only: nothing to reply, reveal or claim with.
    assert.equal(await page.locator('#history-panel textarea, #history-panel button.reveal').count(), 0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-history.png'), fullPage: true });

    await page.getByRole('link', { name: `Open ticket ${ticket.id} (support)` }).click();
    const linked = page.locator(`#ticket-${ticket.id}`);
    await linked.waitFor();
    assert.equal(await linked.evaluate((node) => node === document.activeElement), true);
    assert.equal(await page.locator('#tickets-panel').isVisible(), true);
    assert.deepEqual(problems, []);
  });

  it('typing / and a name inserts the canned reply filled with the case’s data; Enter sends it', async () => {
    const lena = await login(fixture.url, 'lena');
    for (const [name, text] of [
      ['hello', 'Hi {{customerName}}, this is {{agentName}}. I am checking order {{orderNumber}}.'],
      ['help', 'Is there anything else I can help with?'],
    ] as const) {
      assert.equal(
        (await lena.post('/api/console/canned-replies', { name, locale: 'en', team: 'support', text }))
          .status,
        201,
      );
    }
    const handoffCase = await queueCase(fixture, {
      customerName: 'María López',
      collected: { orderNumber: 'SB-10042' },
    });
    await fixture.desk.claim(handoffCase.id, fixture.accounts.ana!);
    const { page, problems } = await logIn('ana');
    await page.locator(`[data-case-id="${handoffCase.id}"]`).click();
    const box = page.getByLabel('Reply to the customer');
    await page.locator('#reply-hint', { hasText: '/hello' }).waitFor();
    await box.pressSequentially('/he');
    const options = page.locator('#canned-picker').getByRole('option');
    await options.nth(1).waitFor();
    assert.deepEqual(await options.allInnerTexts(), [
      '/hello Hi {{customerName}}, this is {{agentName}}. I am checking order {{orderNumber}}.'.replace(
        /\{\{customerName\}\}|\{\{agentName\}\}|\{\{orderNumber\}\}/g,
        (p) =>
          ({
            '{{customerName}}': 'María López',
            '{{agentName}}': 'Ana García',
            '{{orderNumber}}': 'SB-10042',
          })[p] ?? p,
      ),
      '/help Is there anything else I can help with?',
    ]);
    await box.press('l');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-canned-picker.png'), fullPage: true });
    await box.press('Enter');
    assert.equal(await box.inputValue(), 'Hi María López, this is Ana García. I am checking order SB-10042.');
    assert.equal(await page.locator('#canned-picker').isVisible(), false);
    await box.press('Enter');
    await page.locator('#status', { hasText: 'Sent.' }).waitFor();
    const sent = fixture.deliveries.map((delivery) => delivery.activity.text);
    assert.ok(
      sent.some((text) =>
        text?.includes('Hi María López, this is Ana García. I am checking order SB-10042.'),
      ),
      JSON.stringify(sent),
    );
    assert.deepEqual(problems, []);
  });

  it('a lead adds a canned reply in the console; an unknown placeholder is refused with its name', async () => {
    const { page, problems } = await logIn('lena');
    await page.getByRole('button', { name: 'Canned replies' }).click();
    // Other views have a Team and a Text too.
    const canned = page.getByRole('region', { name: 'Canned replies' });
    await canned.getByLabel('Name (typed after /)').fill('thanks');
    await canned.getByLabel('Team', { exact: true }).selectOption('support');
    await canned.getByLabel('Text', { exact: true }).fill('Thanks {{firstName}}!');
    await page.getByRole('button', { name: 'Add canned reply' }).click();
    await page.locator('#canned-error', { hasText: '{{firstName}}' }).waitFor();
    await canned.getByLabel('Text', { exact: true }).fill('Thanks {{customerName}}!');
    await page.getByRole('button', { name: 'Add canned reply' }).click();
    await page.locator('#canned-list', { hasText: 'Thanks {{customerName}}!' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-canned-replies.png'), fullPage: true });
    assert.deepEqual(
      (await fixture.database.store.cannedReplies()).map((r) => [r.name, r.team, r.text]),
      [['thanks', 'support', 'Thanks {{customerName}}!']],
    );
    // The browser logs the refused save (422) itself; nothing else went wrong.
    assert.deepEqual(
      problems.filter((problem) => !/status of 422 .*\/api\/console\/canned-replies/.test(problem)),
      [],
    );
  });

  it('the transcript follows new messages, stays put when the agent scrolled up, and shows codes as words and the customer by name', async () => {
    const handoffCase = await queueCase(fixture, { customerName: 'Anna', reason: 'notUnderstood' });
    for (let n = 1; n <= 40; n += 1) {
      fixture.database.store.appendTranscript(
        handoffCase.conversationKey,
        n % 2 ? 'customer' : 'bot',
        `line ${n}`,
      );
    }
    const { page, problems } = await logIn('ana');
    const item = page.locator(`[data-case-id="${handoffCase.id}"]`);
    assert.match(await item.innerText(), /^Anna · Order status/);
    await item.click();
    await page.locator('#transcript', { hasText: 'line 40' }).waitFor();
    const facts = await page.locator('#case-facts').innerText();
    assert.match(facts, /Reason\s+Bot did not understand the customer/);
    assert.doesNotMatch(facts, /notUnderstood/);
    assert.match(await page.locator('#transcript li').first().innerText(), /^Anna · /);
    const transcript = page.locator('#transcript');
    const distanceToEnd = () =>
      transcript.evaluate((list) => list.scrollHeight - list.scrollTop - list.clientHeight);
    assert.ok(
      (await transcript.evaluate((list) => list.scrollHeight - list.clientHeight)) > 100,
      'it scrolls',
    );
    assert.ok((await distanceToEnd()) <= 1, 'opened at the newest message');

    // A message arrives while the agent reads the newest: the list follows it.
    await fixture.desk.claim(handoffCase.id, fixture.accounts.ana!);
    fixture.database.store.appendTranscript(handoffCase.conversationKey, 'customer', 'line 41');
    fixture.desk.customerWrote(handoffCase, 'line 41');
    await page.locator('#transcript', { hasText: 'line 41' }).waitFor();
    assert.ok((await distanceToEnd()) <= 1, 'followed the new message');
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-transcript-follows.png'), fullPage: true });

    // The agent scrolls up to read: the next message does not pull them down.
    await transcript.evaluate((list) => {
      list.scrollTop = 0;
    });
    fixture.database.store.appendTranscript(handoffCase.conversationKey, 'customer', 'line 42');
    fixture.desk.customerWrote(handoffCase, 'line 42');
    await page.locator('#transcript', { hasText: 'line 42' }).waitFor();
    assert.equal(
      await transcript.evaluate((list) => list.scrollTop),
      0,
      'stayed where the agent was reading',
    );
    const newer = page.getByRole('button', { name: 'New messages below' });
    await newer.waitFor();
    await page.screenshot({
      path: path.join(ARTIFACTS, 'console-transcript-scrolled-up.png'),
      fullPage: true,
    });
    await newer.click();
    assert.ok((await distanceToEnd()) <= 1, 'the button jumps to the newest');
    assert.equal(await newer.isVisible(), false);
    assert.deepEqual(problems, []);
  });
});
