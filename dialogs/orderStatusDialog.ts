import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { Translate, TranslationKey } from '../bot/i18n';
import { turnLanguage } from '../bot/middleware';
import type { Order, OrderStatus } from '../services/types';
import { isTaskOutcome, type CommerceDialogDeps } from './commerceDialogDeps';
import { customerZone, formatDay, formatInstantDay, itemList } from './formatting';
import { InterruptibleDialog, type TaskOutcome } from './interruptibleDialog';
import { ORDER_LOOKUP_DIALOG, OrderLookupDialog, isFoundOrder } from './orderLookupDialog';

export const ORDER_STATUS_DIALOG = 'orderStatusDialog';
const WATERFALL = 'orderStatusDialog.waterfall';

/** What each status says; each text may use {{carrier}}, {{tracking}}, {{expected}} and {{delivered}}. */
const STATUS_TEXT: Record<OrderStatus, TranslationKey> = {
  processing: 'orders.status.processing',
  shipped: 'orders.status.shipped',
  outForDelivery: 'orders.status.outForDelivery',
  delivered: 'orders.status.delivered',
  delayed: 'orders.status.delayed',
  cancelled: 'orders.status.cancelled',
};

/**
 * "Where is my order?": finds and verifies the order (see {@link OrderLookupDialog}), then tells
 * its status, items, carrier and tracking number, and the expected or actual delivery day, in
 * the customer's language.
 */
export class OrderStatusDialog extends InterruptibleDialog {
  protected readonly helpKey: TranslationKey = 'help.orderStatus';

  constructor(private readonly deps: CommerceDialogDeps) {
    super(ORDER_STATUS_DIALOG, deps.recognizer);
    this.addDialog(new OrderLookupDialog(deps));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [this.findOrderStep.bind(this), this.showStatusStep.bind(this)]),
    );
    this.initialDialogId = WATERFALL;
  }

  private async findOrderStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.beginDialog(ORDER_LOOKUP_DIALOG);
  }

  private async showStatusStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isTaskOutcome(step.result) || !isFoundOrder(step.result)) return step.endDialog(step.result);
    const { order } = step.result;
    const { locale, t } = turnLanguage(step.context);
    const zone = customerZone(step.context, this.deps.shopTimezone);
    await step.context.sendActivity(
      t('orders.summary', {
        number: order.number,
        placed: formatInstantDay(order.placedAt, locale, zone),
        items: itemList(order.items),
      }),
    );
    await step.context.sendActivity(t(STATUS_TEXT[order.status], this.statusVars(order, t, locale, zone)));
    return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
  }

  private statusVars(order: Order, t: Translate, locale: string, zone: string): Record<string, string> {
    const unknown = t('orders.notKnownYet');
    return {
      carrier: order.carrier ?? unknown,
      tracking: order.trackingNumber ?? unknown,
      expected: order.expectedDelivery
        ? formatDay(order.expectedDelivery, locale, this.deps.shopTimezone)
        : unknown,
      delivered: order.deliveredAt ? formatInstantDay(order.deliveredAt, locale, zone) : unknown,
    };
  }
}
