import type { Dialog } from 'botbuilder-dialogs';
import { AppointmentDialog } from './appointmentDialog';
import type { CommerceDialogDeps } from './commerceDialogDeps';
import type { TaskIntent } from './mainDialog';
import { OrderStatusDialog } from './orderStatusDialog';
import { ReturnsDialog } from './returnsDialog';

export type { CommerceDialogDeps } from './commerceDialogDeps';

/** The task dialog of each task intent, for MainDialog's `tasks`. */
export function makeCommerceDialogs(deps: CommerceDialogDeps): Record<TaskIntent, Dialog> {
  return {
    orderStatus: new OrderStatusDialog(deps),
    returnItem: new ReturnsDialog(deps),
    appointment: new AppointmentDialog(deps),
  };
}
