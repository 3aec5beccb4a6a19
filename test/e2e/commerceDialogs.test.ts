import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { SqliteStorage } from '../../bot/storage';
import type { ConversationData } from '../../bot/state';
import { DownloadLinks } from '../../services/downloadLinks';
import { returnLabelPath } from '../../services/downloadRoutes';
import { TestClock } from '../dialogs/commerceFixtures';
import { assertOpens, drawnText } from '../services/pdfInspection';
import { expectedText } from '../support/dialogTable';
import {
  customerMessage,
  makeDataDir,
  postActivity,
  removeDataDir,
  say,
  startServer,
  type RunningServer,
} from '../support/testServer';

/** Sends a message and returns the bot's reply activities. */
async function exchange(
  server: RunningServer,
  conversation: string,
  text: string,
  locale = 'en-US',
): Promise<Activity[]> {
  const { status, body } = await postActivity(server.url, customerMessage(conversation, text, { locale }));
  assert.equal(status, 200);
  return (body as { activities: Activity[] }).activities;
}

/** A link the bot sent, pointed at the test server (PUBLIC_URL names the default port). */
function onServer(server: RunningServer, link: string): string {
  const url = new URL(link);
  return `${server.url}${url.pathname}${url.search}`;
}

/** The download links the server signs, rebuilt from the secret it keeps in DATA_DIR. */
function serverLinks(server: RunningServer, clock: TestClock): DownloadLinks {
  const secrets = JSON.parse(fs.readFileSync(path.join(server.dataDir, 'secrets.json'), 'utf8')) as {
    links: string;
  };
  return new DownloadLinks(secrets.links, server.config.publicUrl, clock);
}

describe('order status, returns and appointments through the real server (demo store)', () => {
  let server: RunningServer | undefined;
  let clock: TestClock;
  const en = (key: Parameters<typeof expectedText>[1]) => expectedText('en', key);
  const es = (key: Parameters<typeof expectedText>[1]) => expectedText('es', key);

  beforeEach(() => {
    clock = new TestClock();
  });
  afterEach(async () => {
    await server?.app.close();
    if (server) removeDataDir(server.dataDir);
    server = undefined;
  });

  it('en: a customer checks an order end to end', async () => {
    server = await startServer({}, { clock });
    assert.deepEqual(await say(server.url, 'o1', 'where is my order?'), [
      en('welcome.greeting'),
      en('orders.askNumber'),
    ]);
    assert.deepEqual(await say(server.url, 'o1', 'SB-10001'), [en('verification.ask')]);
    assert.deepEqual(await say(server.url, 'o1', 'ana.garcia@example.com'), [
      en({
        key: 'orders.summary',
        vars: {
          number: 'SB-10001',
          placed: 'June 9, 2025',
          items: 'Trail running shoes, size 42; Hiking socks, 3-pack',
        },
      }),
      en({
        key: 'orders.status.shipped',
        vars: { carrier: 'SEUR', tracking: 'SEUR8834120567', expected: 'June 13, 2025' },
      }),
      en('menu.anythingElse'),
    ]);
  });

  it('zh-TW: FAQ answers come from locales/zh-TW/faq.json, at the menu and inside a task', async () => {
    server = await startServer({}, { clock });
    const tw = (key: Parameters<typeof expectedText>[1]) => expectedText('zh-TW', key);
    const shipped = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', '..', 'locales', 'zh-TW', 'faq.json'), 'utf8'),
    ) as { id: string; answer: string }[];
    const answer = (id: string) => shipped.find((entry) => entry.id === id)?.answer;
    const zh = { locale: 'zh-TW' };
    assert.deepEqual(await say(server.url, 'f1', '寄到台北運費多少錢', zh), [
      tw('welcome.greeting'),
      answer('shipping-costs'),
      tw('faq.helpful'),
    ]);
    assert.deepEqual(await say(server.url, 'f1', '好的', zh), [tw('faq.thanks'), tw('menu.anythingElse')]);
    assert.deepEqual(await say(server.url, 'f1', '我的訂單到哪了？', zh), [tw('orders.askNumber')]);
    assert.deepEqual(await say(server.url, 'f1', '週六幾點開門', zh), [
      answer('opening-hours'),
      tw('orders.askNumber'),
    ]);
  });

  it('es: a customer returns an item and downloads the label from the signed link', async () => {
    server = await startServer(
      { SHOP_NAME: 'Tienda Montaña', SHOP_RETURN_ADDRESS: 'Devoluciones|Calle Mayor 1|28013 Madrid' },
      { clock },
    );
    await say(server.url, 'r1', 'hola', { locale: 'es-ES' });
    const notReturnable = es({
      key: 'returns.ineligible.nonReturnable',
      vars: { item: 'Merino base-layer briefs, M', category: es('categories.underwear') },
    });
    for (const [text, expected] of [
      ['quiero devolver algo', [es('orders.askNumber')]],
      ['SB-10002', [es('verification.ask')]],
      // The underwear is named as not returnable before the item question.
      ['28013', [notReturnable, es('returns.askItems')]],
      ['Rain jacket, M', [es('returns.askReason')]],
      ['Llegó dañado o defectuoso', [es('returns.askRefund')]],
    ] as const) {
      assert.deepEqual(await say(server.url, 'r1', text, { locale: 'es-ES' }), expected, text);
    }
    assert.equal(
      (await exchange(server, 'r1', 'Método de pago original', 'es-ES'))[0]?.text?.startsWith('Devolver'),
      true,
    );
    const [created, menu] = await exchange(server, 'r1', 'sí', 'es-ES');
    assert.equal(menu?.text, es('menu.anythingElse'));
    const attachment = created?.attachments?.[0];
    assert.equal(attachment?.contentType, 'application/pdf');
    assert.match(attachment?.name ?? '', /^return-label-RMA-[A-Z2-9]{8}\.pdf$/);
    const link = attachment?.contentUrl ?? '';
    const rma = /RMA-[A-Z2-9]{8}/.exec(link)?.[0] ?? '';
    assert.equal(created?.text, es({ key: 'returns.created', vars: { rma } }));
    assert.ok(!created?.text?.includes('/api/returns/'), 'the link is sent once, as the attachment');

    const label = await fetch(onServer(server, link));
    assert.equal(label.status, 200);
    assert.equal(label.headers.get('content-type'), 'application/pdf');
    const pdf = Buffer.from(await label.arrayBuffer());
    assertOpens(pdf);
    assert.ok(drawnText(pdf).includes(rma), 'the RMA is on the label');
    assert.ok(drawnText(pdf).includes('Etiqueta de devolución'), 'in the language of the link');
    for (const line of ['Tienda Montaña', 'Devoluciones', 'Calle Mayor 1', '28013 Madrid', 'Ana García'])
      assert.ok(drawnText(pdf).includes(line), `${line} (shop, return address, sender) is on the label`);

    // Tampered, expired and unknown links.
    const tampered = new URL(onServer(server, link));
    tampered.searchParams.set('signature', 'A'.repeat(43));
    const forbidden = await fetch(tampered);
    assert.equal(forbidden.status, 403);
    assert.deepEqual(await forbidden.json(), {
      code: 'InvalidSignature',
      message: 'the link signature is missing or wrong',
    });
    const unknown = await fetch(
      onServer(server, serverLinks(server, clock).sign(returnLabelPath('RMA-NOPE2345'), 'es')),
    );
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { code: string }).code, 'NotFound');
    clock.advanceMinutes(8 * 24 * 60);
    const expired = await fetch(onServer(server, link));
    assert.equal(expired.status, 403);
    assert.equal(((await expired.json()) as { code: string }).code, 'LinkExpired');

    // The agent who takes over sees what the bot collected.
    await server.app.close();
    const storage = new SqliteStorage(path.join(server.dataDir, 'state.sqlite'));
    try {
      const items = await storage.read(['test/conversations/r1/']);
      const data = (items['test/conversations/r1/'] as { conversationData: ConversationData })
        .conversationData;
      assert.equal(data.caseFile?.rma, rma);
      assert.equal(data.caseFile?.orderNumber, 'SB-10002');
      assert.equal(data.caseFile?.orderVerified, true);
    } finally {
      storage.close();
    }
  });

  it('en: a customer books an appointment and downloads the calendar file', async () => {
    server = await startServer({}, { clock });
    await say(server.url, 'a1', 'hello');
    for (const [text, expected] of [
      ['appointment', en('appointments.askAction')],
      ['Book an appointment', en('appointments.askService')],
      ['Repair drop-off', en('appointments.askDay')],
      ['next Tuesday', en({ key: 'appointments.pickSlot', vars: { date: 'Tuesday, June 17, 2025' } })],
      ['10:00', en('appointments.askContact')],
      [
        '+34 699 000 111',
        en({
          key: 'appointments.confirmBooking',
          vars: { service: 'Repair drop-off', date: 'Tuesday, June 17, 2025', time: '10:00 AM' },
        }),
      ],
    ] as const) {
      assert.deepEqual(await say(server.url, 'a1', text), [expected], text);
    }
    const [booked] = await exchange(server, 'a1', 'yes');
    const attachment = booked?.attachments?.[0];
    assert.equal(attachment?.contentType, 'text/calendar');
    assert.ok(!booked?.text?.includes('/calendar'), 'the link is sent once, as the attachment');
    const reference = /BK-[A-Z2-9]{6}/.exec(attachment?.name ?? '')?.[0] ?? '';
    assert.match(reference, /^BK-/);
    const calendar = await fetch(onServer(server, attachment?.contentUrl ?? ''));
    assert.equal(calendar.status, 200);
    assert.equal(calendar.headers.get('content-type'), 'text/calendar; charset=utf-8');
    const ics = await calendar.text();
    assert.ok(ics.includes('DTSTART:20250617T080000Z\r\n'), ics);
    assert.ok(ics.includes('SUMMARY:Repair drop-off\r\n'), ics);
    assert.ok(ics.includes(`UID:${reference}@switchboard\r\n`), ics);
    assert.ok(ics.includes('LOCATION:Calle de Fuencarral 45\\, 28004 Madrid\\, Spain\r\n'), ics);
    assert.ok(ics.includes('ORGANIZER;CN=Switchboard Outdoor (demo):mailto:help@shop.example\r\n'), ics);

    // The same customer cancels it by reference.
    for (const [text, expected] of [
      ['appointment', en('appointments.askAction')],
      ['Cancel an appointment', en('appointments.askReference')],
      [reference, en('appointments.askBookingContact')],
      [
        '699000111',
        en({
          key: 'appointments.confirmCancel',
          vars: { service: 'Repair drop-off', date: 'Tuesday, June 17, 2025', time: '10:00 AM', reference },
        }),
      ],
    ] as const) {
      assert.deepEqual(await say(server.url, 'a1', text), [expected], text);
    }
    assert.deepEqual(await say(server.url, 'a1', 'yes'), [
      en({ key: 'appointments.cancelled', vars: { reference } }),
      en('menu.anythingElse'),
    ]);
  });

  it('es: with the real clock, a freshly seeded store has returnable recent orders', async () => {
    server = await startServer();
    for (const [text, expected] of [
      ['devolver', [es('welcome.greeting'), es('orders.askNumber')]],
      ['SB-10002', [es('verification.ask')]],
      [
        'ana.garcia@example.com',
        [
          es({
            key: 'returns.ineligible.nonReturnable',
            vars: { item: 'Merino base-layer briefs, M', category: es('categories.underwear') },
          }),
          es('returns.askItems'),
        ],
      ],
      ['Rain jacket, M', [es('returns.askReason')]],
      ['Otro motivo', [es('returns.askRefund')]],
    ] as const) {
      assert.deepEqual(await say(server.url, 'real', text, { locale: 'es' }), expected, text);
    }
  });

  it('keeps returns and the link secret across a restart on the same DATA_DIR', async () => {
    const dataDir = makeDataDir();
    server = await startServer({ DATA_DIR: dataDir }, { clock });
    const rma = (
      await server.app.commerce.returns.createReturn({
        idempotencyKey: 'restart',
        orderNumber: 'SB-10015',
        skus: ['TRS-42'],
        reason: 'changedMind',
        refundMethod: 'originalPayment',
      })
    ).rma;
    const link = serverLinks(server, clock).sign(returnLabelPath(rma), 'en');
    await server.app.close();
    server = await startServer({ DATA_DIR: dataDir }, { clock });
    const label = await fetch(onServer(server, link));
    assert.equal(label.status, 200);
    assert.equal((await server.app.commerce.returns.findReturn(rma))?.orderNumber, 'SB-10015');
  });

  it('when the shop API is down: the customer is told plainly and offered a person; downloads answer 503', async () => {
    server = await startServer(
      {
        COMMERCE_BACKEND: 'rest',
        COMMERCE_API_URL: 'http://127.0.0.1:1/api',
        COMMERCE_API_TIMEOUT_MS: '500',
      },
      { clock },
    );
    assert.deepEqual(await say(server.url, 'down', 'where is my order?'), [
      en('welcome.greeting'),
      en('orders.askNumber'),
    ]);
    assert.deepEqual(await say(server.url, 'down', 'SB-10001'), [en('verification.ask')]);
    assert.deepEqual(await say(server.url, 'down', 'ana.garcia@example.com'), [
      en('backend.unavailable'),
      en('common.offerPerson'),
    ]);
    assert.deepEqual(await say(server.url, 'down', 'yes'), [
      en({ key: 'handoff.queued', vars: { position: 1, minutes: 3 } }),
    ]);
    const label = await fetch(
      onServer(server, serverLinks(server, clock).sign(returnLabelPath('RMA-AAAA2222'), 'en')),
    );
    assert.equal(label.status, 503);
    assert.equal(((await label.json()) as { code: string }).code, 'BackendUnavailable');
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });
});
