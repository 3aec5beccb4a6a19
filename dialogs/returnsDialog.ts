import {
  ChoicePrompt,
  ListStyle,
  WaterfallDialog,
  type Choice,
  type DialogTurnResult,
  type FoundChoice,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Translate, TranslationKey } from '../bot/i18n';
import { localize, turnLanguage } from '../bot/middleware';
import { ReturnNotAllowedError } from '../services/errors';
import { returnLabelPath } from '../services/downloadRoutes';
import { checkReturnEligibility, type IneligibilityReason } from '../services/returnPolicy';
import {
  REFUND_METHODS,
  RETURN_REASONS,
  type Order,
  type OrderItem,
  type RefundMethod,
  type ReturnAuthorization,
  type ReturnReason,
} from '../services/types';
import {
  conversationRef,
  isTaskOutcome,
  updateCaseFile,
  type CommerceDialogDeps,
} from './commerceDialogDeps';
import { customerZone, formatInstantDay, itemList } from './formatting';
import { InterruptibleDialog, type TaskOutcome } from './interruptibleDialog';
import {
  OFFER_PERSON_DIALOG,
  OfferPersonDialog,
  askYesNo,
  offerPersonAfterFailure,
  partialMatchChoicePrompt,
  saidYes,
  type OfferPersonOptions,
} from './offerPersonDialog';
import { ORDER_LOOKUP_DIALOG, OrderLookupDialog, isFoundOrder } from './orderLookupDialog';

export const RETURNS_DIALOG = 'returnsDialog';
const WATERFALL = 'returnsDialog.waterfall';
const ITEMS_PROMPT = 'returnsDialog.items';
const REASON_PROMPT = 'returnsDialog.reason';
const REFUND_PROMPT = 'returnsDialog.refund';
const CONFIRM_PROMPT = 'returnsDialog.confirm';

const REASON_TEXT: Record<ReturnReason, TranslationKey> = {
  changedMind: 'returns.reasons.changedMind',
  wrongSize: 'returns.reasons.wrongSize',
  damaged: 'returns.reasons.damaged',
  notAsDescribed: 'returns.reasons.notAsDescribed',
  arrivedLate: 'returns.reasons.arrivedLate',
  other: 'returns.reasons.other',
};

const REFUND_TEXT: Record<RefundMethod, TranslationKey> = {
  originalPayment: 'returns.refund.originalPayment',
  storeCredit: 'returns.refund.storeCredit',
};

/** Category names customers read; a category not listed here is shown by its id. */
const CATEGORY_TEXT: Readonly<Record<string, TranslationKey>> = {
  underwear: 'categories.underwear',
  giftCards: 'categories.giftCards',
  openedSoftware: 'categories.openedSoftware',
};

/** What the dialog collected so far (kept in the waterfall's values). */
interface ReturnDraft {
  order: Order;
  skus: string[];
  reason?: ReturnReason;
  refundMethod?: RefundMethod;
}

/** What the waterfall keeps between steps. */
interface ReturnValues {
  draft?: ReturnDraft;
}

/**
 * "I want to return something": the order (verified, see {@link OrderLookupDialog}), the items,
 * the reason, then the return policy (delivered, within the window, returnable category, not
 * returned yet). Items that can't go back are named with the reason; if nothing can, a person
 * is offered. Then the refund method, a confirmation, and the return (RMA) with its label as a
 * PDF attachment and a signed download link. Creating it is idempotent per conversation, order
 * and items, so a redelivered "yes" creates one RMA.
 */
export class ReturnsDialog extends InterruptibleDialog {
  protected readonly helpKey: TranslationKey = 'help.returns';

  constructor(private readonly deps: CommerceDialogDeps) {
    super(RETURNS_DIALOG, deps.recognizer);
    this.addDialog(new OrderLookupDialog(deps));
    this.addDialog(new OfferPersonDialog(deps.state));
    for (const id of [REASON_PROMPT, REFUND_PROMPT, CONFIRM_PROMPT]) this.addDialog(new ChoicePrompt(id));
    // Product names are long ("Rain jacket, M"): "jacket" is enough to pick one.
    this.addDialog(partialMatchChoicePrompt(ITEMS_PROMPT));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.findOrderStep.bind(this),
        this.chooseItemsStep.bind(this),
        this.askReasonStep.bind(this),
        this.checkEligibilityStep.bind(this),
        this.confirmStep.bind(this),
        this.createReturnStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  private async findOrderStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.beginDialog(ORDER_LOOKUP_DIALOG);
  }

  private async chooseItemsStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isTaskOutcome(step.result) || !isFoundOrder(step.result)) return step.endDialog(step.result);
    const { order } = step.result;
    (step.values as ReturnValues).draft = { order, skus: [] } satisfies ReturnDraft;
    if (order.items.length === 1) return step.next();
    const t = localize(step.context);
    const choices: Choice[] = order.items.map((item) => ({ value: item.name, synonyms: [item.sku] }));
    choices.push({ value: t('returns.allItems') });
    return step.prompt(ITEMS_PROMPT, {
      prompt: t('returns.askItems'),
      retryPrompt: t('returns.itemsRetry'),
      choices,
      style: ListStyle.suggestedAction,
    });
  }

  private async askReasonStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = (step.values as ReturnValues).draft as ReturnDraft;
    const picked = (step.result as FoundChoice | undefined)?.index;
    const item = picked === undefined ? undefined : draft.order.items[picked];
    draft.skus = item ? [item.sku] : draft.order.items.map((each) => each.sku);
    const t = localize(step.context);
    return step.prompt(REASON_PROMPT, {
      prompt: t('returns.askReason'),
      retryPrompt: t('returns.reasonRetry'),
      choices: RETURN_REASONS.map((reason) => ({ value: t(REASON_TEXT[reason]) })),
      style: ListStyle.suggestedAction,
    });
  }

  private async checkEligibilityStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = (step.values as ReturnValues).draft as ReturnDraft;
    draft.reason = RETURN_REASONS[(step.result as FoundChoice).index] ?? 'other';
    const { t, locale } = turnLanguage(step.context);
    const checked = checkReturnEligibility(
      draft.order,
      draft.skus,
      this.deps.returnPolicy,
      this.deps.clock.now(),
    );
    const zone = customerZone(step.context, this.deps.shopTimezone);
    for (const { item, problem } of checked) {
      if (problem) await step.context.sendActivity(this.whyNot(t, locale, zone, item, problem));
    }
    const eligible = checked.filter((entry) => !entry.problem).map((entry) => entry.item);
    if (eligible.length === 0) {
      return step.replaceDialog(OFFER_PERSON_DIALOG, { reason: 'notEligible' } satisfies OfferPersonOptions);
    }
    if (eligible.length < checked.length) {
      await step.context.sendActivity(t('returns.continuingWith', { items: itemList(eligible) }));
    }
    draft.skus = eligible.map((item) => item.sku);
    return step.prompt(REFUND_PROMPT, {
      prompt: t('returns.askRefund'),
      retryPrompt: t('returns.refundRetry'),
      choices: REFUND_METHODS.map((method) => ({ value: t(REFUND_TEXT[method]) })),
      style: ListStyle.suggestedAction,
    });
  }

  private async confirmStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = (step.values as ReturnValues).draft as ReturnDraft;
    draft.refundMethod = REFUND_METHODS[(step.result as FoundChoice).index] ?? 'originalPayment';
    const t = localize(step.context);
    const items = draft.order.items.filter((item) => draft.skus.includes(item.sku));
    return askYesNo(
      step,
      CONFIRM_PROMPT,
      t('returns.confirm', {
        items: itemList(items),
        number: draft.order.number,
        reason: t(REASON_TEXT[draft.reason ?? 'other']),
        refund: t(REFUND_TEXT[draft.refundMethod]),
      }),
    );
  }

  private async createReturnStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = (step.values as ReturnValues).draft as ReturnDraft;
    const { t, locale } = turnLanguage(step.context);
    if (!saidYes(step.result)) {
      await step.context.sendActivity(t('returns.notCreated'));
      return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
    }
    let created: ReturnAuthorization;
    try {
      created = await this.deps.commerce.returns.createReturn({
        // Stable for this conversation, order and items: a redelivered "yes" gets the same RMA.
        idempotencyKey: `${conversationRef(step.context)}/${draft.order.number}/${[...draft.skus].sort().join('+')}`,
        orderNumber: draft.order.number,
        skus: draft.skus,
        reason: draft.reason ?? 'other',
        refundMethod: draft.refundMethod ?? 'originalPayment',
      });
    } catch (error) {
      if (error instanceof ReturnNotAllowedError) {
        this.deps.logger?.warn({ err: error }, 'return refused by the backend');
        await step.context.sendActivity(t('returns.refused'));
        return step.replaceDialog(OFFER_PERSON_DIALOG, {
          reason: 'returnRefused',
        } satisfies OfferPersonOptions);
      }
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    await updateCaseFile(this.deps.state, step.context, { rma: created.rma });
    const link = this.deps.links.sign(returnLabelPath(created.rma), locale);
    await step.context.sendActivity({
      type: 'message',
      text: t('returns.created', { rma: created.rma, link }),
      attachments: [
        { contentType: 'application/pdf', contentUrl: link, name: `return-label-${created.rma}.pdf` },
      ],
    });
    return step.endDialog({ outcome: 'completed' } satisfies TaskOutcome);
  }

  private whyNot(
    t: Translate,
    locale: string,
    zone: string,
    item: OrderItem,
    problem: IneligibilityReason,
  ): string {
    switch (problem.reason) {
      case 'notDelivered':
        return t('returns.ineligible.notDelivered', { item: item.name });
      case 'alreadyReturned':
        return t('returns.ineligible.alreadyReturned', { item: item.name, rma: problem.rma });
      case 'nonReturnable': {
        const key = CATEGORY_TEXT[problem.category];
        return t('returns.ineligible.nonReturnable', {
          item: item.name,
          category: key ? t(key) : problem.category,
        });
      }
      case 'windowClosed':
        return t('returns.ineligible.windowClosed', {
          item: item.name,
          days: problem.windowDays,
          date: formatInstantDay(problem.closedAt, locale, zone),
        });
    }
  }
}
