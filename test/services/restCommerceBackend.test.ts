import assert from 'node:assert/strict';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BookingNotFoundError,
  CommerceBackendUnavailableError,
  ReturnNotAllowedError,
  SlotTakenError,
} from '../../services/errors';
import { RestCommerceBackend } from '../../services/rest/restCommerceBackend';
import type { Order, ReturnAuthorization } from '../../services/types';

/** What the fake shop API saw of one request. */
interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (request: SeenRequest, res: ServerResponse) => void;

/** A stand-in for a shop's own API on 127.0.0.1, answering with `handler`. */
class FakeShopApi {
  readonly seen: SeenRequest[] = [];
  handler: Handler = (_request, res) => json(res, 404, { code: 'NotFound', message: 'no route' });
  private readonly server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      this.seen.push(seen);
      this.handler(seen, res);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const ORDER: Order = {
  number: 'SB-10001',
  status: 'shipped',
  placedAt: '2025-06-09T09:20:00.000Z',
  customer: { name: 'Ana García', email: 'ana.garcia@example.com', phone: '+34600111222', postcode: '28013' },
  items: [{ sku: 'TRS-42', name: 'Trail running shoes, size 42', category: 'shoes', quantity: 1 }],
  carrier: 'SEUR',
  trackingNumber: 'SEUR8834120567',
  expectedDelivery: '2025-06-13',
};

const BOOKING = {
  reference: 'BK-7Q4M2X',
  serviceId: 'repair-drop-off',
  start: '2025-06-13T08:00:00.000Z',
  end: '2025-06-13T08:15:00.000Z',
  status: 'confirmed',
  contact: { email: 'ana.garcia@example.com' },
};

describe('RestCommerceBackend (against a local fake of the shop API)', () => {
  let api: FakeShopApi;
  let baseUrl: string;
  let backend: RestCommerceBackend;

  beforeEach(async () => {
    api = new FakeShopApi();
    baseUrl = await api.start();
    backend = new RestCommerceBackend({ baseUrl, token: 'secret-token', timeoutMs: 1000, retryDelayMs: 1 });
  });
  afterEach(() => api.stop());

  it('findOrder() reads the order with the bearer token, and 404 as not found', async () => {
    api.handler = (request, res) =>
      request.url === '/api/orders/SB-10001' ? json(res, 200, ORDER) : json(res, 404, { code: 'NotFound' });
    assert.deepEqual(await backend.findOrder(' sb-10001 '), ORDER);
    assert.equal(await backend.findOrder('SB-99999'), undefined);
    assert.equal(api.seen[0]?.headers.authorization, 'Bearer secret-token');
    assert.equal(api.seen[0]?.method, 'GET');
  });

  it('findOrdersByCustomer() sends the contact as query parameters', async () => {
    api.handler = (_request, res) => json(res, 200, { orders: [ORDER] });
    assert.deepEqual(await backend.findOrdersByCustomer({ phone: '+34 600 111 222' }), [ORDER]);
    assert.equal(api.seen[0]?.url, '/api/orders?phone=%2B34+600+111+222');
  });

  it("keeps the customer's email and phone out of error messages", async () => {
    api.handler = (_request, res) => json(res, 500, { code: 'Boom' });
    await assert.rejects(
      backend.findOrdersByCustomer({ email: 'ana.garcia@example.com', phone: '+34600111222' }),
      (error: unknown) =>
        error instanceof CommerceBackendUnavailableError &&
        error.message.includes('/api/orders answered 500') &&
        !error.message.includes('ana.garcia') &&
        !error.message.includes('600111222'),
    );
  });

  it('retries a read after a 5xx and succeeds', async () => {
    let calls = 0;
    api.handler = (_request, res) =>
      ++calls === 1 ? json(res, 503, { code: 'Busy' }) : json(res, 200, ORDER);
    assert.deepEqual(await backend.findOrder('SB-10001'), ORDER);
    assert.equal(api.seen.length, 2);
  });

  it('gives up on a read after three attempts with CommerceBackendUnavailableError', async () => {
    api.handler = (_request, res) => json(res, 500, { code: 'Boom' });
    await assert.rejects(
      backend.findOrder('SB-10001'),
      (error: unknown) => error instanceof CommerceBackendUnavailableError && error.status === 500,
    );
    assert.equal(api.seen.length, 3);
  });

  it('cuts a request off at the timeout, reports the backend unavailable and does not retry it', async () => {
    backend = new RestCommerceBackend({ baseUrl, timeoutMs: 100, retryDelayMs: 1 });
    api.handler = () => undefined; // never answers
    await assert.rejects(
      backend.findOrder('SB-10001'),
      (error: unknown) =>
        error instanceof CommerceBackendUnavailableError && /timed out after 100 ms/.test(error.message),
    );
    assert.equal(api.seen.length, 1, 'a slow backend costs one wait, not three');
  });

  it('never retries a write, and sends its idempotency key as a header', async () => {
    api.handler = (_request, res) => json(res, 503, { code: 'Busy' });
    await assert.rejects(
      backend.createReturn({
        idempotencyKey: 'conv/SB-10002/RJK-M',
        orderNumber: 'SB-10002',
        skus: ['RJK-M'],
        reason: 'wrongSize',
        refundMethod: 'storeCredit',
      }),
      CommerceBackendUnavailableError,
    );
    assert.equal(api.seen.length, 1);
    assert.equal(api.seen[0]?.method, 'POST');
    assert.equal(api.seen[0]?.headers['idempotency-key'], 'conv/SB-10002/RJK-M');
    assert.deepEqual(JSON.parse(api.seen[0]?.body ?? ''), {
      orderNumber: 'SB-10002',
      skus: ['RJK-M'],
      reason: 'wrongSize',
      refundMethod: 'storeCredit',
    });
  });

  it('createReturn() reads the RMA, and maps 409 to ReturnNotAllowedError', async () => {
    const created: ReturnAuthorization = {
      rma: 'RMA-1',
      orderNumber: 'SB-10002',
      skus: ['RJK-M'],
      reason: 'wrongSize',
      refundMethod: 'storeCredit',
      createdAt: '2025-06-11T08:00:00.000Z',
    };
    const { rma: _rma, createdAt: _createdAt, ...fields } = created;
    const request = { ...fields, idempotencyKey: 'k' };
    api.handler = (_request, res) => json(res, 201, created);
    assert.deepEqual(await backend.createReturn(request), created);
    api.handler = (_request, res) =>
      json(res, 409, { code: 'AlreadyReturned', message: 'RJK-M is in RMA-0' });
    await assert.rejects(
      backend.createReturn(request),
      (error: unknown) =>
        error instanceof ReturnNotAllowedError && /AlreadyReturned: RJK-M is in RMA-0/.test(error.message),
    );
  });

  it('freeSlots() asks for the service, first day and number of days', async () => {
    api.handler = (_request, res) => json(res, 200, { slots: [{ start: BOOKING.start, end: BOOKING.end }] });
    assert.deepEqual(await backend.freeSlots({ serviceId: 'repair drop', from: '2025-06-13', days: 14 }), [
      { start: BOOKING.start, end: BOOKING.end },
    ]);
    assert.equal(api.seen[0]?.url, '/api/appointment-services/repair%20drop/slots?from=2025-06-13&days=14');
  });

  it('book() returns the booking, and 409 (slot taken) becomes SlotTakenError', async () => {
    api.handler = (_request, res) => json(res, 201, BOOKING);
    const request = {
      idempotencyKey: 'k',
      serviceId: 'repair-drop-off',
      start: BOOKING.start,
      contact: { email: 'a@b.co' },
    };
    assert.deepEqual(await backend.book(request), BOOKING);
    api.handler = (_request, res) => json(res, 409, { code: 'SlotTaken' });
    await assert.rejects(backend.book(request), SlotTakenError);
    assert.equal(api.seen.length, 2);
  });

  it('reschedule() and cancelBooking() map 404 to BookingNotFoundError', async () => {
    api.handler = (request, res) =>
      request.url.startsWith('/api/bookings/BK-7Q4M2X/')
        ? json(res, 200, { ...BOOKING, status: request.url.endsWith('cancel') ? 'cancelled' : 'confirmed' })
        : json(res, 404, { code: 'NotFound' });
    assert.equal((await backend.cancelBooking('BK-7Q4M2X')).status, 'cancelled');
    assert.equal((await backend.reschedule('BK-7Q4M2X', BOOKING.start)).reference, 'BK-7Q4M2X');
    await assert.rejects(backend.cancelBooking('BK-NOPE00'), BookingNotFoundError);
    await assert.rejects(backend.reschedule('BK-NOPE00', BOOKING.start), BookingNotFoundError);
  });

  const badAnswers: [name: string, respond: (res: ServerResponse) => void, message: RegExp][] = [
    [
      'a body that is not JSON',
      (res) => {
        res.writeHead(200);
        res.end('<html>');
      },
      /not JSON/,
    ],
    [
      'an order without items',
      (res) => json(res, 200, { ...ORDER, items: undefined }),
      /has no array "items"/,
    ],
    ['an unknown status', (res) => json(res, 200, { ...ORDER, status: 'lost' }), /unknown status "lost"/],
    ['401 (bad token)', (res) => json(res, 401, { code: 'Unauthorized' }), /check COMMERCE_API_TOKEN/],
  ];
  for (const [name, respond, message] of badAnswers) {
    it(`reports ${name} as the backend unavailable, naming the problem`, async () => {
      api.handler = (_request, res) => respond(res);
      await assert.rejects(
        backend.findOrder('SB-10001'),
        (error: unknown) => error instanceof CommerceBackendUnavailableError && message.test(error.message),
      );
    });
  }

  it('reports a backend that refuses connections as unavailable', async () => {
    await api.stop();
    await assert.rejects(
      backend.listServices(),
      (error: unknown) =>
        error instanceof CommerceBackendUnavailableError && /network error/.test(error.message),
    );
    api = new FakeShopApi();
    await api.start();
  });
});
