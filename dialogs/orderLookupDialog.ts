import {
  ListStyle,
  WaterfallDialog,
  type Choice,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { parseOrderNumber } from '../bot/language/entities';
import { verifiedIdentity } from '../bot/customerIdentity';
import { turnLanguage } from '../bot/middleware';
import { identityMatches, matchContact, type VerifiedBy } from '../services/customerMatch';
import type { Order } from '../services/types';
import { caseFileOf, updateCaseFile, type CommerceDialogDeps } from './commerceDialogDeps';
import { customerZone, formatInstantDay } from './formatting';
import { offerPersonAfterFailure } from './offerPersonDialog';
import {
  LOOKUP_TRIES,
  VerifiedLookupDialog,
  type LookupOptions,
  type LookupTexts,
} from './verifiedLookupDialog';
import { VerificationGuard } from './verificationGuard';
import { UnderstandingChoicePrompt } from './choicePrompt';

export const ORDER_LOOKUP_DIALOG = 'orderLookupDialog';
const KNOWN_ORDERS = 'orderLookupDialog.knownOrders';
const ASK_NUMBER = 'orderLookupDialog.askNumber';
const ORDER_CHOICE_PROMPT = 'orderLookupDialog.orderChoice';

/** What the known-orders waterfall keeps between steps. */
interface KnownOrdersValues {
  numbers?: string[];
}

/** Tries at the order number before the bot offers a person. */
export const ORDER_NUMBER_TRIES = LOOKUP_TRIES;
/** Most orders listed for a customer the channel identified. */
const MAX_LISTED_ORDERS = 8;

/** What the lookup hands back when the customer proved the order is theirs. */
export interface FoundOrder {
  order: Order;
  verifiedBy: VerifiedBy;
}

export { parseOrderNumber } from '../bot/language/entities';
export type { LookupOptions as OrderLookupOptions } from './verifiedLookupDialog';

/**
 * Finds the customer's order and proves it is theirs before anything about it is disclosed:
 * - a customer whose channel proves their phone or email picks one of their orders from a list;
 * - otherwise the order number, then the email, phone or postcode on the order, as every
 *   {@link VerifiedLookupDialog}; an order verified earlier in the conversation is not asked again.
 * Ends with a {@link FoundOrder}, or a TaskOutcome when the task ended here (a person offered).
 */
export class OrderLookupDialog extends VerifiedLookupDialog<Order> {
  protected readonly texts: LookupTexts = {
    askReference: 'orders.askNumber',
    referenceRetry: 'orders.numberRetry',
    referenceGaveUp: 'orders.numberGaveUp',
    askContact: 'verification.ask',
    notFound: 'verification.failed',
  };

  constructor(deps: CommerceDialogDeps) {
    super(
      ORDER_LOOKUP_DIALOG,
      {
        waterfall: ASK_NUMBER,
        referencePrompt: 'orderLookupDialog.orderNumber',
        contactPrompt: 'orderLookupDialog.contact',
      },
      deps,
    );
    this.addDialog(new UnderstandingChoicePrompt(ORDER_CHOICE_PROMPT));
    this.addDialog(
      new WaterfallDialog(KNOWN_ORDERS, [
        this.listKnownOrdersStep.bind(this),
        this.pickedKnownOrderStep.bind(this),
      ]),
    );
    this.initialDialogId = KNOWN_ORDERS;
  }

  protected parseReference(text: string): string | undefined {
    return parseOrderNumber(text);
  }

  protected lockKey(number: string): string {
    return VerificationGuard.orderKey(number);
  }

  protected find(number: string): Promise<Order | undefined> {
    return this.deps.commerce.orders.findOrder(number);
  }

  protected matchAnswer(order: Order, answer: string): VerifiedBy | undefined {
    return matchContact(order.customer, answer);
  }

  protected async noteReference(step: WaterfallStepContext, number: string): Promise<void> {
    await updateCaseFile(this.deps.state, step.context, { orderNumber: number, orderVerified: false });
  }

  protected async provenWithoutAsking(
    step: WaterfallStepContext,
    number: string,
  ): Promise<{ record: Order; verifiedBy: VerifiedBy } | undefined> {
    const caseFile = await caseFileOf(this.deps.state, step.context);
    const identity = verifiedIdentity(step.context);
    if (!caseFile.verifiedOrders?.includes(number) && !identity) return undefined;
    const order = await this.find(number);
    if (order && caseFile.verifiedOrders?.includes(order.number)) {
      return { record: order, verifiedBy: caseFile.verifiedBy ?? 'channel' };
    }
    if (order && identityMatches(order.customer, identity)) return { record: order, verifiedBy: 'channel' };
    return undefined;
  }

  protected async found(
    step: WaterfallStepContext,
    order: Order,
    verifiedBy: VerifiedBy,
  ): Promise<DialogTurnResult> {
    const caseFile = await caseFileOf(this.deps.state, step.context);
    const verifiedOrders = [...new Set([...(caseFile.verifiedOrders ?? []), order.number])];
    await updateCaseFile(this.deps.state, step.context, {
      orderNumber: order.number,
      orderVerified: true,
      verifiedBy,
      verifiedOrders,
    });
    return step.endDialog({ order, verifiedBy } satisfies FoundOrder);
  }

  private async listKnownOrdersStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = step.options as LookupOptions | undefined;
    const identity = verifiedIdentity(step.context);
    if (!identity || options?.reference) return step.replaceDialog(ASK_NUMBER, options);
    let orders: Order[];
    try {
      orders = (await this.deps.commerce.orders.findOrdersByCustomer(identity)).slice(0, MAX_LISTED_ORDERS);
    } catch (error) {
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    if (orders.length === 0) return step.replaceDialog(ASK_NUMBER);
    (step.values as KnownOrdersValues).numbers = orders.map((order) => order.number);
    const { t, locale } = turnLanguage(step.context);
    const zone = customerZone(step.context, this.deps.shopTimezone);
    const choices: Choice[] = orders.map((order) => ({
      value: t('orders.choiceLabel', {
        number: order.number,
        date: formatInstantDay(order.placedAt, locale, zone),
      }),
      synonyms: [order.number],
    }));
    choices.push({ value: t('orders.anotherOrder') });
    return step.prompt(ORDER_CHOICE_PROMPT, {
      prompt: t('orders.pickOne'),
      retryPrompt: t('orders.pickOneRetry'),
      choices,
      style: ListStyle.suggestedAction,
    });
  }

  private async pickedKnownOrderStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const numbers = (step.values as KnownOrdersValues).numbers as string[];
    const number = numbers[(step.result as FoundChoice).index];
    if (!number) return step.replaceDialog(ASK_NUMBER);
    let order: Order | undefined;
    try {
      order = await this.find(number);
    } catch (error) {
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    // The list came from the identity a moment ago; re-check rather than trust it.
    if (!order || !identityMatches(order.customer, verifiedIdentity(step.context))) {
      return step.replaceDialog(ASK_NUMBER);
    }
    return this.found(step, order, 'channel');
  }
}

/** True when a lookup result is an order (not a TaskOutcome). */
export function isFoundOrder(result: unknown): result is FoundOrder {
  return typeof result === 'object' && result !== null && 'order' in result;
}
