import type { Logger } from 'pino';
import {
  BookingNotFoundError,
  CommerceBackendUnavailableError,
  ReturnNotAllowedError,
  SlotTakenError,
} from '../errors';
import type {
  AppointmentService,
  BookableService,
  Booking,
  BookingRequest,
  CommerceBackend,
  CustomerContact,
  Order,
  OrderService,
  ReturnAuthorization,
  ReturnRequest,
  ReturnService,
  Slot,
  SlotQuery,
} from '../types';
import { HttpClient, type HttpAnswer } from './httpClient';
import {
  parseBooking,
  parseOrder,
  parseOrderList,
  parseReturn,
  parseServices,
  parseSlots,
  problemOf,
} from './responses';

export interface RestCommerceOptions {
  /** `COMMERCE_API_URL`, without a trailing slash. */
  baseUrl: string;
  /** `COMMERCE_API_TOKEN`, sent as a bearer token. */
  token?: string;
  /** `COMMERCE_API_TIMEOUT_MS`, per attempt. */
  timeoutMs: number;
  getRetries?: number;
  retryDelayMs?: number;
  logger?: Logger;
}

const segment = encodeURIComponent;

function unexpected(answer: HttpAnswer, what: string): CommerceBackendUnavailableError {
  return new CommerceBackendUnavailableError(
    `RestCommerceBackend: ${what} answered ${answer.status} (${problemOf(answer.body)})`,
    answer.status,
  );
}

/**
 * The commerce services over a shop's own HTTP API, as documented in `services/openapi.yaml`.
 * Reads are retried; writes carry an `Idempotency-Key` and are not, so a lost answer never
 * creates a second return or booking.
 */
export class RestCommerceBackend implements CommerceBackend, OrderService, ReturnService, AppointmentService {
  readonly kind = 'rest';
  readonly orders: OrderService = this;
  readonly returns: ReturnService = this;
  readonly appointments: AppointmentService = this;
  private readonly http: HttpClient;

  constructor(options: RestCommerceOptions) {
    this.http = new HttpClient({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      timeoutMs: options.timeoutMs,
      ...(options.token ? { token: options.token } : {}),
      ...(options.getRetries === undefined ? {} : { getRetries: options.getRetries }),
      ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  close(): void {
    // Nothing to release: fetch keeps no connection we own.
  }

  async findOrder(number: string): Promise<Order | undefined> {
    const answer = await this.http.get(`/orders/${segment(number.trim().toUpperCase())}`);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw unexpected(answer, 'GET /orders/{number}');
    return parseOrder(answer.body);
  }

  async findOrdersByCustomer(contact: Pick<CustomerContact, 'email' | 'phone'>): Promise<Order[]> {
    const query = new URLSearchParams();
    if (contact.email) query.set('email', contact.email);
    if (contact.phone) query.set('phone', contact.phone);
    if ([...query.keys()].length === 0) return [];
    const answer = await this.http.get(`/orders?${query.toString()}`);
    if (answer.status !== 200) throw unexpected(answer, 'GET /orders');
    return parseOrderList(answer.body);
  }

  async createReturn(request: ReturnRequest): Promise<ReturnAuthorization> {
    const { idempotencyKey, ...body } = request;
    const answer = await this.http.post('/returns', body, { 'idempotency-key': idempotencyKey });
    if (answer.status === 200 || answer.status === 201) return parseReturn(answer.body);
    if (answer.status === 409 || answer.status === 422) {
      throw new ReturnNotAllowedError(request.orderNumber, problemOf(answer.body));
    }
    throw unexpected(answer, 'POST /returns');
  }

  async findReturn(rma: string): Promise<ReturnAuthorization | undefined> {
    const answer = await this.http.get(`/returns/${segment(rma.trim().toUpperCase())}`);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw unexpected(answer, 'GET /returns/{rma}');
    return parseReturn(answer.body);
  }

  async listServices(): Promise<BookableService[]> {
    const answer = await this.http.get('/appointment-services');
    if (answer.status !== 200) throw unexpected(answer, 'GET /appointment-services');
    return parseServices(answer.body);
  }

  async freeSlots(query: SlotQuery): Promise<Slot[]> {
    const params = new URLSearchParams({ from: query.from, days: String(Math.max(1, query.days)) });
    const answer = await this.http.get(
      `/appointment-services/${segment(query.serviceId)}/slots?${params.toString()}`,
    );
    if (answer.status === 404) return [];
    if (answer.status !== 200) throw unexpected(answer, 'GET /appointment-services/{id}/slots');
    return parseSlots(answer.body);
  }

  async book(request: BookingRequest): Promise<Booking> {
    const { idempotencyKey, ...body } = request;
    const answer = await this.http.post('/bookings', body, { 'idempotency-key': idempotencyKey });
    if (answer.status === 200 || answer.status === 201) return parseBooking(answer.body);
    if (answer.status === 409) throw new SlotTakenError(request.serviceId, request.start);
    throw unexpected(answer, 'POST /bookings');
  }

  async findBooking(reference: string): Promise<Booking | undefined> {
    const answer = await this.http.get(`/bookings/${segment(reference.trim().toUpperCase())}`);
    if (answer.status === 404) return undefined;
    if (answer.status !== 200) throw unexpected(answer, 'GET /bookings/{reference}');
    return parseBooking(answer.body);
  }

  async reschedule(reference: string, start: string): Promise<Booking> {
    const answer = await this.http.post(`/bookings/${segment(reference)}/reschedule`, { start });
    if (answer.status === 200) return parseBooking(answer.body);
    if (answer.status === 404) throw new BookingNotFoundError(reference);
    if (answer.status === 409) throw new SlotTakenError('', start);
    throw unexpected(answer, 'POST /bookings/{reference}/reschedule');
  }

  async cancelBooking(reference: string): Promise<Booking> {
    const answer = await this.http.post(`/bookings/${segment(reference)}/cancel`, {});
    if (answer.status === 200) return parseBooking(answer.body);
    if (answer.status === 404) throw new BookingNotFoundError(reference);
    throw unexpected(answer, 'POST /bookings/{reference}/cancel');
  }
}
