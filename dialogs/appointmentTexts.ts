import type { TurnContext } from 'botbuilder';
import { turnLanguage } from '../bot/middleware';
import { serviceNameIn } from '../services/downloadRoutes';
import type { Booking } from '../services/types';
import type { CommerceDialogDeps } from './commerceDialogDeps';
import { ShopTimes } from './shopTimes';

/** The service's name in `locale`; its id when the backend can't say (the name is cosmetic here). */
export async function serviceName(
  deps: CommerceDialogDeps,
  serviceId: string,
  locale: string,
): Promise<string> {
  try {
    const service = (await deps.commerce.appointments.listServices()).find((s) => s.id === serviceId);
    return service ? serviceNameIn(service, locale) : serviceId;
  } catch (error) {
    deps.logger?.warn({ err: error }, 'could not read service names');
    return serviceId;
  }
}

/** The variables the booking texts use: reference, service, day and time (in shop time). */
export async function bookingVars(
  deps: CommerceDialogDeps,
  context: TurnContext,
  booking: Pick<Booking, 'reference' | 'serviceId' | 'start'>,
): Promise<Record<string, string>> {
  const times = ShopTimes.of(context, deps.shopTimezone);
  return {
    reference: booking.reference,
    service: await serviceName(deps, booking.serviceId, turnLanguage(context).locale),
    date: times.day(booking.start),
    time: times.time(booking.start),
  };
}
