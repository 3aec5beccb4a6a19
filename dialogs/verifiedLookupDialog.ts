import {
  ComponentDialog,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type PromptValidatorContext,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { TranslationKey } from '../bot/i18n';
import { localize } from '../bot/middleware';
import type { VerifiedBy } from '../services/customerMatch';
import { conversationRef, type CommerceDialogDeps } from './commerceDialogDeps';
import {
  OFFER_PERSON_DIALOG,
  OfferPersonDialog,
  offerPersonAfterFailure,
  type OfferPersonOptions,
} from './offerPersonDialog';
import { ShopTimes } from './shopTimes';
import { VerificationGuard } from './verificationGuard';

/** Tries at the reference's form before the bot offers a person. */
export const LOOKUP_TRIES = 3;

/** What a lookup may start with: a reference the customer already gave ("move BK-7Q4M2X"). */
export interface LookupOptions {
  reference?: string;
}

/** The ids of a lookup's own waterfall and prompts (kept stable: saved dialog stacks name them). */
export interface LookupIds {
  waterfall: string;
  referencePrompt: string;
  contactPrompt: string;
}

/** The texts of one kind of lookup. */
export interface LookupTexts {
  askReference: TranslationKey;
  referenceRetry: TranslationKey;
  /** After {@link LOOKUP_TRIES} unreadable answers, before a person is offered. */
  referenceGaveUp: TranslationKey;
  askContact: TranslationKey;
  /** An unknown reference and a wrong answer get this same reply. */
  notFound: TranslationKey;
}

/** What the waterfall keeps between steps. */
interface LookupValues {
  reference?: string;
}

/**
 * Look up a reference, then verify the customer, before anything about it is disclosed: the
 * reference (three tries at its form, then a person is offered), then a contact that must match
 * the record, unless the channel's verified identity or an earlier verification proves it
 * already. An unknown reference and a wrong answer look exactly alike; 5 failures for one
 * reference or one conversation lock both for 15 minutes ({@link VerificationGuard}).
 *
 * Subclasses say what a reference is, how to find its record and what counts as a match.
 */
export abstract class VerifiedLookupDialog<TRecord> extends ComponentDialog {
  protected abstract readonly texts: LookupTexts;

  constructor(
    dialogId: string,
    protected readonly lookupIds: LookupIds,
    protected readonly deps: CommerceDialogDeps,
  ) {
    super(dialogId);
    this.addDialog(new TextPrompt(lookupIds.referencePrompt, (prompt) => this.validateReference(prompt)));
    this.addDialog(new TextPrompt(lookupIds.contactPrompt));
    this.addDialog(new OfferPersonDialog(deps.state));
    this.addDialog(
      new WaterfallDialog(lookupIds.waterfall, [
        this.askReferenceStep.bind(this),
        this.askContactStep.bind(this),
        this.verifyCustomerStep.bind(this),
      ]),
    );
    this.initialDialogId = lookupIds.waterfall;
  }

  /** The reference in the customer's text, normalized, if there is one. */
  protected abstract parseReference(text: string): string | undefined;

  /** The guard's key of one reference. */
  protected abstract lockKey(reference: string): string;

  /** The record of a reference; undefined when there is none the customer may see. */
  protected abstract find(reference: string): Promise<TRecord | undefined>;

  /** How the customer's answer proves the record is theirs, if it does. */
  protected abstract matchAnswer(record: TRecord, answer: string): VerifiedBy | undefined;

  /** Keeps the reference in the case file, for the agent who may take over. */
  protected abstract noteReference(step: WaterfallStepContext, reference: string): Promise<void>;

  /** The record when the customer is proven without being asked (verified channel, earlier answer). */
  protected abstract provenWithoutAsking(
    step: WaterfallStepContext,
    reference: string,
  ): Promise<{ record: TRecord; verifiedBy: VerifiedBy } | undefined>;

  /** Ends the lookup with what the calling dialog receives. */
  protected abstract found(
    step: WaterfallStepContext,
    record: TRecord,
    verifiedBy: VerifiedBy,
  ): Promise<DialogTurnResult>;

  private async askReferenceStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const given = (step.options as LookupOptions | undefined)?.reference;
    if (given && this.parseReference(given)) return step.next(given);
    const t = localize(step.context);
    return step.prompt(this.lookupIds.referencePrompt, {
      prompt: t(this.texts.askReference),
      retryPrompt: t(this.texts.referenceRetry),
    });
  }

  /** Accepts a well-formed reference; after the last try it lets anything through for the next step to give up. */
  private validateReference(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const valid =
      prompt.recognized.succeeded && this.parseReference(prompt.recognized.value ?? '') !== undefined;
    return Promise.resolve(valid || prompt.attemptCount >= LOOKUP_TRIES);
  }

  private async askContactStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const t = localize(step.context);
    const reference = this.parseReference(String(step.result ?? ''));
    if (!reference) {
      await step.context.sendActivity(t(this.texts.referenceGaveUp));
      return step.replaceDialog(OFFER_PERSON_DIALOG, {
        reason: 'notUnderstood',
      } satisfies OfferPersonOptions);
    }
    (step.values as LookupValues).reference = reference;
    await this.noteReference(step, reference);
    const locked = await this.lockedUntil(step, reference);
    if (locked) return this.locked(step, locked);
    let proven: { record: TRecord; verifiedBy: VerifiedBy } | undefined;
    try {
      proven = await this.provenWithoutAsking(step, reference);
    } catch (error) {
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    if (proven) return this.found(step, proven.record, proven.verifiedBy);
    return step.prompt(this.lookupIds.contactPrompt, {
      prompt: t(this.texts.askContact),
      retryPrompt: t(this.texts.askContact),
    });
  }

  private async verifyCustomerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const reference = (step.values as LookupValues).reference as string;
    // Another conversation may have locked the reference while this customer was typing.
    const locked = await this.lockedUntil(step, reference);
    if (locked) return this.locked(step, locked);
    let record: TRecord | undefined;
    try {
      record = await this.find(reference);
    } catch (error) {
      return offerPersonAfterFailure(step, error, this.deps.logger);
    }
    const verifiedBy = record ? this.matchAnswer(record, String(step.result ?? '')) : undefined;
    if (record && verifiedBy) return this.found(step, record, verifiedBy);

    // NOTE: an unknown reference and a wrong answer must look exactly alike to the customer.
    const lockedNow = await this.deps.guard.recordFailure(this.lockKeys(step, reference));
    if (lockedNow) return this.locked(step, lockedNow);
    await step.context.sendActivity(localize(step.context)(this.texts.notFound));
    return step.replaceDialog(this.lookupIds.waterfall);
  }

  private lockKeys(step: WaterfallStepContext, reference: string): string[] {
    return [this.lockKey(reference), VerificationGuard.conversationKey(conversationRef(step.context))];
  }

  private lockedUntil(step: WaterfallStepContext, reference: string): Promise<Date | undefined> {
    return this.deps.guard.lockedUntil(this.lockKeys(step, reference));
  }

  private async locked(step: WaterfallStepContext, until: Date): Promise<DialogTurnResult> {
    const time = ShopTimes.of(step.context, this.deps.shopTimezone).time(until.toISOString());
    await step.context.sendActivity(localize(step.context)('verification.locked', { time }));
    return step.replaceDialog(OFFER_PERSON_DIALOG, {
      reason: 'verificationLocked',
    } satisfies OfferPersonOptions);
  }
}
