import { CommerceBackendUnavailableError } from '../errors';
import {
  ORDER_STATUSES,
  REFUND_METHODS,
  RETURN_REASONS,
  type BookableService,
  type Booking,
  type Order,
  type OrderItem,
  type ReturnAuthorization,
  type Slot,
} from '../types';

/**
 * Checks the shop API's JSON against the contract in `services/openapi.yaml`, so a backend that
 * answers something else fails loudly here (as unavailable) instead of deep inside a dialog.
 */

type Json = Record<string, unknown>;

function invalid(where: string, problem: string): CommerceBackendUnavailableError {
  return new CommerceBackendUnavailableError(
    `RestCommerceBackend: ${where} ${problem} (see services/openapi.yaml)`,
  );
}

function object(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(where, 'is not an object');
  return value as Json;
}

function text(json: Json, key: string, where: string): string {
  const value = json[key];
  if (typeof value !== 'string' || value === '') throw invalid(where, `has no string "${key}"`);
  return value;
}

function optionalText(json: Json, key: string, where: string): string | undefined {
  const value = json[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(where, `has a "${key}" that is not a string`);
  return value;
}

function count(json: Json, key: string, where: string): number {
  const value = json[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalid(where, `has no whole number "${key}"`);
  }
  return value;
}

function list(json: Json, key: string, where: string): unknown[] {
  const value = json[key];
  if (!Array.isArray(value)) throw invalid(where, `has no array "${key}"`);
  return value as unknown[];
}

function member<T extends string>(json: Json, key: string, allowed: readonly T[], where: string): T {
  const value = text(json, key, where);
  if (!(allowed as readonly string[]).includes(value))
    throw invalid(where, `has an unknown ${key} "${value}"`);
  return value as T;
}

function instant(json: Json, key: string, where: string): string {
  const value = text(json, key, where);
  if (Number.isNaN(Date.parse(value))) throw invalid(where, `has a "${key}" that is not a date-time`);
  return value;
}

function withOptional<T extends object>(base: T, extras: Record<string, string | undefined>): T {
  for (const [key, value] of Object.entries(extras)) if (value !== undefined) (base as Json)[key] = value;
  return base;
}

export function parseOrder(value: unknown): Order {
  const json = object(value, 'order');
  const where = `order ${typeof json.number === 'string' ? json.number : ''}`.trim();
  const customer = object(json.customer, `${where} customer`);
  const items: OrderItem[] = list(json, 'items', where).map((raw, index) => {
    const item = object(raw, `${where} item ${index}`);
    const parsed: OrderItem = withOptional(
      {
        sku: text(item, 'sku', `${where} item ${index}`),
        name: text(item, 'name', `${where} item ${index}`),
        category: text(item, 'category', `${where} item ${index}`),
        quantity: count(item, 'quantity', `${where} item ${index}`),
      },
      { returnedIn: optionalText(item, 'returnedIn', `${where} item ${index}`) },
    );
    if (item.names !== undefined) parsed.names = textsByLocale(item.names, `${where} item ${index} names`);
    return parsed;
  });
  return withOptional(
    {
      number: text(json, 'number', where),
      status: member(json, 'status', ORDER_STATUSES, where),
      placedAt: instant(json, 'placedAt', where),
      customer: {
        name: optionalText(customer, 'name', where) ?? '',
        email: optionalText(customer, 'email', where) ?? '',
        phone: optionalText(customer, 'phone', where) ?? '',
        postcode: optionalText(customer, 'postcode', where) ?? '',
      },
      items,
    },
    {
      carrier: optionalText(json, 'carrier', where),
      trackingNumber: optionalText(json, 'trackingNumber', where),
      expectedDelivery: optionalText(json, 'expectedDelivery', where),
      deliveredAt: optionalText(json, 'deliveredAt', where),
    },
  );
}

export function parseOrderList(value: unknown): Order[] {
  return list(object(value, 'order list'), 'orders', 'order list').map(parseOrder);
}

export function parseReturn(value: unknown): ReturnAuthorization {
  const json = object(value, 'return');
  const where = 'return';
  return {
    rma: text(json, 'rma', where),
    orderNumber: text(json, 'orderNumber', where),
    skus: list(json, 'skus', where).map((sku) => {
      if (typeof sku !== 'string') throw invalid(where, 'has a sku that is not a string');
      return sku;
    }),
    reason: member(json, 'reason', RETURN_REASONS, where),
    refundMethod: member(json, 'refundMethod', REFUND_METHODS, where),
    createdAt: instant(json, 'createdAt', where),
  };
}

/** A `{locale: text}` object; entries that are not texts are left out. */
function textsByLocale(value: unknown, where: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(object(value, where)).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

export function parseServices(value: unknown): BookableService[] {
  return list(object(value, 'service list'), 'services', 'service list').map((raw, index) => {
    const json = object(raw, `service ${index}`);
    const names = json.names === undefined ? undefined : object(json.names, `service ${index} names`);
    const service: BookableService = {
      id: text(json, 'id', `service ${index}`),
      name: text(json, 'name', `service ${index}`),
      durationMinutes: count(json, 'durationMinutes', `service ${index}`),
    };
    if (names) {
      service.names = Object.fromEntries(
        Object.entries(names).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
      );
    }
    return service;
  });
}

export function parseSlots(value: unknown): Slot[] {
  return list(object(value, 'slot list'), 'slots', 'slot list').map((raw, index) => {
    const json = object(raw, `slot ${index}`);
    return { start: instant(json, 'start', `slot ${index}`), end: instant(json, 'end', `slot ${index}`) };
  });
}

export function parseBooking(value: unknown): Booking {
  const json = object(value, 'booking');
  const where = 'booking';
  const contact = json.contact === undefined ? {} : object(json.contact, 'booking contact');
  return {
    reference: text(json, 'reference', where),
    serviceId: text(json, 'serviceId', where),
    start: instant(json, 'start', where),
    end: instant(json, 'end', where),
    status: member(json, 'status', ['confirmed', 'cancelled'] as const, where),
    contact: withOptional(
      {},
      { email: optionalText(contact, 'email', where), phone: optionalText(contact, 'phone', where) },
    ),
  };
}

/** The `{code, message}` of an error answer, for the log and the thrown error. */
export function problemOf(value: unknown): string {
  if (typeof value !== 'object' || value === null) return 'no details';
  const json = value as Json;
  return [json.code, json.message].filter((part) => typeof part === 'string').join(': ') || 'no details';
}
