import { parseOrderNumber } from '../bot/language/entities';
import {
  ChoicePrompt,
  ComponentDialog,
  ListStyle,
  TextPrompt,
  WaterfallDialog,
  type Choice,
  type DialogTurnResult,
  type FoundChoice,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { verifiedIdentity } from '../bot/customerIdentity';
import { localize, turnLanguage } from '../bot/middleware';
import { identityMatches, matchContact, type VerifiedBy } from '../services/customerMatch';
import type { Order } from '../services/types';
import { caseFileOf, conversationRef, updateCaseFile, type CommerceDialogDeps } from './commerceDialogDeps';
import { customerZone, formatInstantDay, formatTime } from './formatting';
import {
  OFFER_PERSON_DIALOG,
  OfferPersonDialog,
  offerPersonAfterFailure,
  type OfferPersonOptions,
} from './offerPersonDialog';
import { VerificationGuard } from './verificationGuard';

export const ORDER_LOOKUP_DIALOG = 'orderLookupDialog';
const KNOWN_ORDERS = 'orderLookupDialog.knownOrders';
const ASK_NUMBER = 'orderLookupDialog.askNumber';
const ORDER_CHOICE_PROMPT = 'orderLookupDialog.orderChoice';
const ORDER_NUMBER_PROMPT = 'orderLookupDialog.orderNumber';
const CONTACT_PROMPT = 'orderLookupDialog.contact';

/** What the waterfalls keep between steps. */
interface LookupValues {
  numbers?: string[];
  number?: string;
}

/** Tries at the order number before the bot offers a person. */
export const ORDER_NUMBER_TRIES = 3;
/** Most orders listed for a customer the channel identified. */
const MAX_LISTED_ORDERS = 8;

/** What the customer already said: an order number named in their first message skips the question. */
export interface OrderLookupOptions {
  orderNumber?: string;
}

/** What the lookup hands back when the customer proved the order is theirs. */
export interface FoundOrder {
  order: Order;
  verifiedBy: VerifiedBy;
}

export { parseOrderNumber } from '../bot/language/entities';

/**
 * Finds the customer's order and proves it is theirs before anything about it is disclosed:
 * - a customer whose channel proves their phone or email picks one of their orders from a list;
 * - otherwise the order number (three tries at its form, then a person is offered), then the
 *   email, phone or postcode on the order. An unknown order and a wrong answer get the same
 *   reply, and 5 failures for one order or one conversation lock both for 15 minutes.
 * Ends with a {@link FoundOrder}, or a TaskOutcome when the task ended here (a person offered).
 */
export class OrderLookupDialog extends ComponentDialog {
  constructor(private readonly deps: CommerceDialogDeps) {
    super(ORDER_LOOKUP_DIALOG);
    this.addDialog(new ChoicePrompt(ORDER_CHOICE_PROMPT));
    this.addDialog(new TextPrompt(ORDER_NUMBER_PROMPT, (prompt) => this.validateOrderNumber(prompt)));
    this.addDialog(new TextPrompt(CONTACT_PROMPT));
    this.addDialog(new OfferPersonDialog(deps.state));
    this.addDialog(
      new WaterfallDialog(KNOWN_ORDERS, [
        this.listKnownOrdersStep.bind(this),
        this.pickedKnownOrderStep.bind(this),
      ]),
    );
    this.addDialog(
      new WaterfallDialog(ASK_NUMBER, [
        this.askOrderNumberStep.bind(this),
        this.askContactStep.bind(this),
        this.verifyCustomerStep.bind(this),
      ]),
    );
    this.initialDialogId = KNOWN_ORDERS;
  }

  private async listKnownOrdersStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const identity = verifiedIdentity(step.context);
    if (!identity) return step.replaceDialog(ASK_NUMBER, step.options);
    let orders: Order[];
    try {
      orders = (await this.deps.commerce.orders.findOrdersByCustomer(identity)).slice(0, MAX_LISTED_ORDERS);
    } catch (error) {
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    if (orders.length === 0) return step.replaceDialog(ASK_NUMBER, step.options);
    (step.values as LookupValues).numbers = orders.map((order) => order.number);
    const t = localize(step.context);
    const { locale } = turnLanguage(step.context);
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
    const numbers = (step.values as LookupValues).numbers as string[];
    const number = numbers[(step.result as FoundChoice).index];
    if (!number) return step.replaceDialog(ASK_NUMBER);
    let order: Order | undefined;
    try {
      order = await this.deps.commerce.orders.findOrder(number);
    } catch (error) {
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    // The list came from the identity a moment ago; re-check rather than trust it.
    if (!order || !identityMatches(order.customer, verifiedIdentity(step.context))) {
      return step.replaceDialog(ASK_NUMBER);
    }
    return this.found(step, order, 'channel');
  }

  private async askOrderNumberStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const given = (step.options as OrderLookupOptions | undefined)?.orderNumber;
    if (given) return step.next(given);
    const t = localize(step.context);
    return step.prompt(ORDER_NUMBER_PROMPT, {
      prompt: t('orders.askNumber'),
      retryPrompt: t('orders.numberRetry'),
    });
  }

  /** Accepts a well-formed number; after the last try it lets anything through for the next step to give up. */
  private validateOrderNumber(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const valid =
      prompt.recognized.succeeded && parseOrderNumber(prompt.recognized.value ?? '') !== undefined;
    return Promise.resolve(valid || prompt.attemptCount >= ORDER_NUMBER_TRIES);
  }

  private async askContactStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const t = localize(step.context);
    const number = parseOrderNumber(String(step.result ?? ''));
    if (!number) {
      await step.context.sendActivity(t('orders.numberGaveUp'));
      return step.replaceDialog(OFFER_PERSON_DIALOG, {
        reason: 'notUnderstood',
      } satisfies OfferPersonOptions);
    }
    (step.values as LookupValues).number = number;
    await updateCaseFile(this.deps.state, step.context, { orderNumber: number, orderVerified: false });
    const locked = await this.lockedUntil(step, number);
    if (locked) return this.locked(step, locked);

    const caseFile = await caseFileOf(this.deps.state, step.context);
    const identity = verifiedIdentity(step.context);
    if (caseFile.verifiedOrders?.includes(number) || identity) {
      let order: Order | undefined;
      try {
        order = await this.deps.commerce.orders.findOrder(number);
      } catch (error) {
        return offerPersonAfterFailure(step, error, this.deps.logger);
      }
      if (order && caseFile.verifiedOrders?.includes(order.number)) {
        return this.found(step, order, caseFile.verifiedBy ?? 'channel');
      }
      if (order && identityMatches(order.customer, identity)) return this.found(step, order, 'channel');
    }
    return step.prompt(CONTACT_PROMPT, { prompt: t('verification.ask'), retryPrompt: t('verification.ask') });
  }

  private async verifyCustomerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const number = (step.values as LookupValues).number as string;
    // Another conversation may have locked the order while this customer was typing.
    const locked = await this.lockedUntil(step, number);
    if (locked) return this.locked(step, locked);
    let order: Order | undefined;
    try {
      order = await this.deps.commerce.orders.findOrder(number);
    } catch (error) {
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    const verifiedBy = order ? matchContact(order.customer, String(step.result ?? '')) : undefined;
    if (order && verifiedBy) return this.found(step, order, verifiedBy);

    // NOTE: an unknown order and a wrong answer must look exactly alike to the customer.
    const lockedNow = await this.deps.guard.recordFailure(this.lockKeys(step, number));
    if (lockedNow) return this.locked(step, lockedNow);
    await step.context.sendActivity(localize(step.context)('verification.failed'));
    return step.replaceDialog(ASK_NUMBER);
  }

  private async found(
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

  private lockKeys(step: WaterfallStepContext, number: string): string[] {
    return [
      VerificationGuard.orderKey(number),
      VerificationGuard.conversationKey(conversationRef(step.context)),
    ];
  }

  private lockedUntil(step: WaterfallStepContext, number: string): Promise<Date | undefined> {
    return this.deps.guard.lockedUntil(this.lockKeys(step, number));
  }

  private async locked(step: WaterfallStepContext, until: Date): Promise<DialogTurnResult> {
    const { locale, t } = turnLanguage(step.context);
    const time = formatTime(until.toISOString(), locale, customerZone(step.context, this.deps.shopTimezone));
    await step.context.sendActivity(t('verification.locked', { time }));
    return step.replaceDialog(OFFER_PERSON_DIALOG, {
      reason: 'verificationLocked',
    } satisfies OfferPersonOptions);
  }
}

/** True when a lookup result is an order (not a TaskOutcome). */
export function isFoundOrder(result: unknown): result is FoundOrder {
  return typeof result === 'object' && result !== null && 'order' in result;
}
