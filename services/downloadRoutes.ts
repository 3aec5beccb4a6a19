import type { i18n } from 'i18next';
import type { Logger } from 'pino';
import type { Request, Response, Server } from 'restify';
import type { ShopDetails } from '../bot/config';
import { translator } from '../bot/i18n';
import { buildIcs } from './calendar';
import { CommerceBackendUnavailableError } from './errors';
import { labelTexts, renderReturnLabel } from './returnLabel';
import type { DownloadLinks } from './downloadLinks';
import type { Clock, CommerceBackend } from './types';

/** Path of the return label of `rma`; sign it with {@link DownloadLinks.sign}. */
export function returnLabelPath(rma: string): string {
  return `/api/returns/${encodeURIComponent(rma)}/label`;
}

/** Path of the calendar file of booking `reference`. */
export function calendarPath(reference: string): string {
  return `/api/appointments/${encodeURIComponent(reference)}/calendar`;
}

export interface DownloadRoutesDeps {
  commerce: CommerceBackend;
  links: DownloadLinks;
  i18n: i18n;
  clock: Clock;
  logger: Logger;
  /** The shop named on labels and calendar entries. */
  shop: ShopDetails;
}

/** The localized name of a bookable service. */
export function serviceNameIn(
  service: { name: string; names?: Record<string, string> },
  locale: string,
): string {
  return service.names?.[locale] ?? service.names?.[locale.split('-')[0] ?? ''] ?? service.name;
}

/**
 * Mounts the files the bot links to, each behind a signed expiring link:
 * - `GET /api/returns/:rma/label` → the return label PDF;
 * - `GET /api/appointments/:reference/calendar` → the booking as an `.ics` file.
 * A bad signature or an expired link is 403, an unknown RMA or booking 404, a backend that
 * can't be reached 503; every error is JSON `{code, message}`.
 */
export function mountDownloadRoutes(server: Server, deps: DownloadRoutesDeps): void {
  const guard = (req: Request, res: Response, path: string): URLSearchParams | undefined => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const check = deps.links.check(path, query);
    if (check === 'valid') return query;
    res.send(403, {
      code: check === 'expired' ? 'LinkExpired' : 'InvalidSignature',
      message:
        check === 'expired'
          ? 'this download link has expired; ask the bot for a new one'
          : 'the link signature is missing or wrong',
    });
    return undefined;
  };

  const failed = (res: Response, error: unknown, what: string): void => {
    if (error instanceof CommerceBackendUnavailableError) {
      deps.logger.warn({ err: error }, `${what}: commerce backend unavailable`);
      res.send(503, {
        code: 'BackendUnavailable',
        message: 'the shop system cannot be reached right now; retry later',
      });
      return;
    }
    deps.logger.error({ err: error }, `${what} failed`);
    res.send(500, { code: 'InternalError', message: `${what} failed` });
  };

  // NOTE: restify 11 handlers are async and return nothing; each branch answers itself.
  server.get('/api/returns/:rma/label', async (req: Request, res: Response) => {
    const rma = (req.params as Record<string, string | undefined>).rma ?? '';
    const query = guard(req, res, returnLabelPath(rma));
    if (!query) return;
    try {
      const authorization = await deps.commerce.returns.findReturn(rma);
      if (!authorization) {
        res.send(404, { code: 'NotFound', message: `no return ${rma}` });
        return;
      }
      const order = await deps.commerce.orders.findOrder(authorization.orderNumber);
      const names = authorization.skus.map(
        (sku) => order?.items.find((item) => item.sku === sku)?.name ?? sku,
      );
      const t = translator(deps.i18n, query.get('locale') ?? 'en');
      const pdf = await renderReturnLabel(
        {
          authorization,
          itemNames: names,
          returnTo: { name: deps.shop.name, lines: deps.shop.returnAddress },
          ...(order
            ? { sender: { name: order.customer.name, lines: [order.customer.postcode].filter(Boolean) } }
            : {}),
        },
        labelTexts(t),
      );
      res.sendRaw(200, pdf, {
        'content-type': 'application/pdf',
        'content-disposition': `attachment; filename="return-label-${authorization.rma}.pdf"`,
        'cache-control': 'private, no-store',
      });
    } catch (error) {
      failed(res, error, 'GET /api/returns/:rma/label');
    }
  });

  server.get('/api/appointments/:reference/calendar', async (req: Request, res: Response) => {
    const reference = (req.params as Record<string, string | undefined>).reference ?? '';
    const query = guard(req, res, calendarPath(reference));
    if (!query) return;
    try {
      const booking = await deps.commerce.appointments.findBooking(reference);
      if (!booking) {
        res.send(404, { code: 'NotFound', message: `no booking ${reference}` });
        return;
      }
      const locale = query.get('locale') ?? 'en';
      const t = translator(deps.i18n, locale);
      const service = (await deps.commerce.appointments.listServices()).find(
        (s) => s.id === booking.serviceId,
      );
      const ics = buildIcs({
        uid: `${booking.reference}@switchboard`,
        summary: service ? serviceNameIn(service, locale) : booking.serviceId,
        description: t('appointments.calendarDescription', { reference: booking.reference }),
        start: booking.start,
        end: booking.end,
        stamp: deps.clock.now(),
        cancelled: booking.status === 'cancelled',
        location: deps.shop.address.join(', '),
        organizer: { name: deps.shop.name, email: deps.shop.email },
      });
      res.sendRaw(200, ics, {
        'content-type': 'text/calendar; charset=utf-8',
        'content-disposition': `attachment; filename="${booking.reference}.ics"`,
        'cache-control': 'private, no-store',
      });
    } catch (error) {
      failed(res, error, 'GET /api/appointments/:reference/calendar');
    }
  });
}
