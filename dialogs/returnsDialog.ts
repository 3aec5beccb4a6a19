import {
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
import { matchChoice } from './choiceMatch';
import { localizedChoice, partialUnderstandingChoicePrompt, yesNoPrompt } from './choicePrompt';
import { customerZone, formatInstantDay, itemList } from './formatting';
import { InterruptibleDialog, type TaskOutcome } from './interruptibleDialog';
import {
  OFFER_PERSON_DIALOG,
  OfferPersonDialog,
  askYesNo,
  offerPersonAfterFailure,
  saidYes,
  type OfferPersonOptions,
} from './offerPersonDialog';
import {
  ORDER_LOOKUP_DIALOG,
  OrderLookupDialog,
  isFoundOrder,
  type OrderLookupOptions,
} from './orderLookupDialog';

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

const REASON_SYNONYMS: Record<ReturnReason, TranslationKey> = {
  changedMind: 'returns.reasonSynonyms.changedMind',
  wrongSize: 'returns.reasonSynonyms.wrongSize',
  damaged: 'returns.reasonSynonyms.damaged',
  notAsDescribed: 'returns.reasonSynonyms.notAsDescribed',
  arrivedLate: 'returns.reasonSynonyms.arrivedLate',
  other: 'returns.reasonSynonyms.other',
};

const REFUND_TEXT: Record<RefundMethod, TranslationKey> = {
  originalPayment: 'returns.refund.originalPayment',
  storeCredit: 'returns.refund.storeCredit',
};

const REFUND_SYNONYMS: Record<RefundMethod, TranslationKey> = {
  originalPayment: 'returns.refundSynonyms.originalPayment',
  storeCredit: 'returns.refundSynonyms.storeCredit',
};

/** Category names customers read; a category not listed here is shown by its id. */
const CATEGORY_TEXT: Readonly<Record<string, TranslationKey>> = {
  underwear: 'categories.underwear',
  giftCards: 'categories.giftCards',
  openedSoftware: 'categories.openedSoftware',
};

/**
 * What the customer already said when the return started ("return the jacket from SB-10002,
 * it's too small"): MainDialog passes it, and the questions it answers are not asked.
 */
export interface ReturnsOptions {
  /** An order number found in the message. */
  orderNumber?: string;
  /** The message itself, read for an item's name and a reason. */
  message?: string;
}

/** What the dialog collected so far (kept in the waterfall's values). */
interface ReturnDraft {
  order: Order;
  /** The items that can go back, in the order offered. */
  returnable: string[];
  skus: string[];
  reason?: ReturnReason;
  refundMethod?: RefundMethod;
}

/** What the waterfall keeps between steps. */
interface ReturnValues {
  draft?: ReturnDraft;
  given?: ReturnsOptions;
}

/**
 * "I want to return something": the order (verified, see {@link OrderLookupDialog}), then the
 * return policy (delivered, within the window, returnable category, not returned yet): items
 * that can't go back are named with the reason and not offered; if nothing can, a person is
 * offered. Then the items, the reason (paraphrases understood, see UnderstandingChoicePrompt),
 * the refund method, a confirmation, and the return (RMA) with its label as a PDF attachment
 * and a signed download link. An order number, item or reason named in the first message
 * ({@link ReturnsOptions}) is not asked for again. Creating the return is idempotent per
 * conversation, order and items, so a redelivered "yes" creates one RMA.
 */
export class ReturnsDialog extends InterruptibleDialog {
  protected readonly helpKey: TranslationKey = 'help.returns';

  constructor(private readonly deps: CommerceDialogDeps) {
    super(RETURNS_DIALOG, deps.recognizer);
    this.addDialog(new OrderLookupDialog(deps));
    this.addDialog(new OfferPersonDialog(deps.state));
    // Product names are long ("Rain jacket, M"): "jacket" is enough to pick one; reasons and
    // refund methods are answered in the customer's words ("it does not fit").
    for (const id of [ITEMS_PROMPT, REASON_PROMPT, REFUND_PROMPT])
      this.addDialog(partialUnderstandingChoicePrompt(id));
    this.addDialog(yesNoPrompt(CONFIRM_PROMPT));
    this.addDialog(
      new WaterfallDialog(WATERFALL, [
        this.findOrderStep.bind(this),
        this.chooseItemsStep.bind(this),
        this.askReasonStep.bind(this),
        this.askRefundStep.bind(this),
        this.confirmStep.bind(this),
        this.createReturnStep.bind(this),
      ]),
    );
    this.initialDialogId = WATERFALL;
  }

  private async findOrderStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const given = (step.options ?? {}) as ReturnsOptions;
    (step.values as ReturnValues).given = given;
    return step.beginDialog(ORDER_LOOKUP_DIALOG, {
      ...(given.orderNumber ? { reference: given.orderNumber } : {}),
    } satisfies OrderLookupOptions);
  }

  /** Names what can't go back and why, then asks which of the rest (unless there is one, or it was named). */
  private async chooseItemsStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (isTaskOutcome(step.result) || !isFoundOrder(step.result)) return step.endDialog(step.result);
    const { order } = step.result;
    const { t, locale } = turnLanguage(step.context);
    const checked = checkReturnEligibility(
      order,
      order.items.map((item) => item.sku),
      this.deps.returnPolicy,
      this.deps.clock.now(),
    );
    const zone = customerZone(step.context, this.deps.shopTimezone);
    for (const { item, problem } of checked) {
      if (problem) await step.context.sendActivity(this.whyNot(t, locale, zone, item, problem));
    }
    const returnable = checked.filter((entry) => !entry.problem).map((entry) => entry.item);
    if (returnable.length === 0) {
      return step.replaceDialog(OFFER_PERSON_DIALOG, { reason: 'notEligible' } satisfies OfferPersonOptions);
    }
    const draft: ReturnDraft = { order, returnable: returnable.map((item) => item.sku), skus: [] };
    (step.values as ReturnValues).draft = draft;
    if (returnable.length === 1) {
      if (returnable.length < checked.length) {
        await step.context.sendActivity(t('returns.continuingWith', { items: itemList(returnable) }));
      }
      return step.next();
    }
    // The shop's names in other languages are synonyms: "la chaqueta" picks "Rain jacket, M".
    const choices: Choice[] = returnable.map((item) => ({
      value: item.name,
      synonyms: [item.sku, ...Object.values(item.names ?? {})],
    }));
    // "All items" only when said as such: "return an item" ("atgriezt preci") is not "all items" ("visas preces").
    const named =
      this.namedIn(step, choices, true) ??
      (this.namedIn(step, [localizedChoice(t, 'returns.allItems')], false) === 0
        ? choices.length
        : undefined);
    choices.push(localizedChoice(t, 'returns.allItems'));
    if (named !== undefined) return step.next({ index: named, value: choices[named]?.value, score: 1 });
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
    const sku = picked === undefined ? undefined : draft.returnable[picked];
    draft.skus = sku ? [sku] : [...draft.returnable];
    const t = localize(step.context);
    const choices = RETURN_REASONS.map((reason) =>
      localizedChoice(t, REASON_TEXT[reason], REASON_SYNONYMS[reason]),
    );
    const named = this.namedIn(step, choices, false);
    if (named !== undefined) return step.next({ index: named, value: choices[named]?.value, score: 1 });
    return step.prompt(REASON_PROMPT, {
      prompt: t('returns.askReason'),
      retryPrompt: t('returns.reasonRetry'),
      choices,
      style: ListStyle.suggestedAction,
    });
  }

  private async askRefundStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = (step.values as ReturnValues).draft as ReturnDraft;
    draft.reason = RETURN_REASONS[(step.result as FoundChoice).index] ?? 'other';
    const t = localize(step.context);
    return step.prompt(REFUND_PROMPT, {
      prompt: t('returns.askRefund'),
      retryPrompt: t('returns.refundRetry'),
      choices: REFUND_METHODS.map((method) =>
        localizedChoice(t, REFUND_TEXT[method], REFUND_SYNONYMS[method]),
      ),
      style: ListStyle.suggestedAction,
    });
  }

  /**
   * The choice the first message already named, if any. Only names and synonyms found in it
   * count (no numbers: "SB-10002" is no position); product names may be named by one word.
   */
  private namedIn(step: WaterfallStepContext, choices: Choice[], partial: boolean): number | undefined {
    const message = (step.values as ReturnValues).given?.message;
    if (!message) return undefined;
    return matchChoice(message, choices, { numbers: false, partial })?.index;
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
