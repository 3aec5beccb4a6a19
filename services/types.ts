/**
 * The commerce domain the dialogs work with, and the interfaces every backend implements (the
 * embedded demo store and the REST backend). Dates travel as ISO 8601 strings so every value
 * can be kept in dialog state and sent over HTTP unchanged.
 */

/** Where "now" comes from; injected so tests and seeding are deterministic. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export const ORDER_STATUSES = [
  'processing',
  'shipped',
  'outForDelivery',
  'delivered',
  'delayed',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The contact details on an order or a booking; any one of them verifies a customer. */
export interface CustomerContact {
  email?: string;
  phone?: string;
  postcode?: string;
}

export interface OrderItem {
  /** Stock-keeping unit, unique within the order. */
  sku: string;
  /** Product name as the shop shows it (shop data, not a bot text). */
  name: string;
  /**
   * The product's name in other languages, by locale (`{"es": "Chaqueta impermeable, M"}`), so a
   * customer who names it in their own language ("la chaqueta") is understood.
   */
  names?: Record<string, string>;
  /** Product category id, e.g. `shoes`, `underwear`, `giftCards`; return policy works on it. */
  category: string;
  quantity: number;
  /** RMA of the return this item is already part of. */
  returnedIn?: string;
}

export interface Order {
  /** Order number as printed on the confirmation, e.g. `SB-10001`. */
  number: string;
  status: OrderStatus;
  /** When the order was placed (ISO instant). */
  placedAt: string;
  customer: { name: string; email: string; phone: string; postcode: string };
  items: OrderItem[];
  carrier?: string;
  trackingNumber?: string;
  /** Expected delivery day in the shop's timezone (`yyyy-MM-dd`). */
  expectedDelivery?: string;
  /** When the parcel was delivered (ISO instant). */
  deliveredAt?: string;
}

/** Finds orders; both methods return nothing rather than throw for an unknown order. */
export interface OrderService {
  findOrder(number: string): Promise<Order | undefined>;
  /** Orders whose email or phone matches (most recent first); used for channel-verified customers. */
  findOrdersByCustomer(contact: Pick<CustomerContact, 'email' | 'phone'>): Promise<Order[]>;
}

export const RETURN_REASONS = [
  'changedMind',
  'wrongSize',
  'damaged',
  'notAsDescribed',
  'arrivedLate',
  'other',
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

export const REFUND_METHODS = ['originalPayment', 'storeCredit'] as const;
export type RefundMethod = (typeof REFUND_METHODS)[number];

export interface ReturnRequest {
  /** The same key always yields the same return, so a redelivered confirmation creates one RMA. */
  idempotencyKey: string;
  orderNumber: string;
  skus: string[];
  reason: ReturnReason;
  refundMethod: RefundMethod;
}

/** A created return (return merchandise authorization). */
export interface ReturnAuthorization {
  rma: string;
  orderNumber: string;
  skus: string[];
  reason: ReturnReason;
  refundMethod: RefundMethod;
  createdAt: string;
}

export interface ReturnService {
  /**
   * Creates the return, or returns the one already created with the same idempotency key.
   * @throws ReturnNotAllowedError when an item is unknown or already in another return.
   */
  createReturn(request: ReturnRequest): Promise<ReturnAuthorization>;
  findReturn(rma: string): Promise<ReturnAuthorization | undefined>;
}

/** Something a customer can book, e.g. a repair drop-off or an installation visit. */
export interface BookableService {
  id: string;
  /** Name in the shop's main language. */
  name: string;
  /** Names by locale (`en`, `es`, …); `name` is used for a locale not listed. */
  names?: Record<string, string>;
  durationMinutes: number;
}

/** A bookable time (ISO instants). */
export interface Slot {
  start: string;
  end: string;
}

export interface SlotQuery {
  serviceId: string;
  /** First day, in the shop's timezone (`yyyy-MM-dd`). */
  from: string;
  /** Number of days from `from`, at least 1. */
  days: number;
}

export interface BookingRequest {
  /** The same key always yields the same booking (a redelivered confirmation books once). */
  idempotencyKey: string;
  serviceId: string;
  /** Start of one of the free slots (ISO instant). */
  start: string;
  contact: Pick<CustomerContact, 'email' | 'phone'>;
}

export type BookingStatus = 'confirmed' | 'cancelled';

export interface Booking {
  /** Booking reference given to the customer, e.g. `BK-7Q4M2X`. */
  reference: string;
  serviceId: string;
  start: string;
  end: string;
  status: BookingStatus;
  contact: Pick<CustomerContact, 'email' | 'phone'>;
}

export interface AppointmentService {
  listServices(): Promise<BookableService[]>;
  /** Free slots from opening hours, holidays, durations and existing bookings, earliest first. */
  freeSlots(query: SlotQuery): Promise<Slot[]>;
  /** @throws SlotTakenError when the slot is no longer free (someone else was faster). */
  book(request: BookingRequest): Promise<Booking>;
  findBooking(reference: string): Promise<Booking | undefined>;
  /**
   * @throws SlotTakenError when the new slot is no longer free.
   * @throws BookingNotFoundError for an unknown or cancelled booking.
   */
  reschedule(reference: string, start: string): Promise<Booking>;
  /** @throws BookingNotFoundError for an unknown booking. */
  cancelBooking(reference: string): Promise<Booking>;
}

/** The three services of one commerce backend, and what the server needs to manage its life. */
export interface CommerceBackend {
  readonly kind: 'demo' | 'rest';
  readonly orders: OrderService;
  readonly returns: ReturnService;
  readonly appointments: AppointmentService;
  /** Releases what the backend opened (a database of its own, connections). */
  close(): void | Promise<void>;
}
