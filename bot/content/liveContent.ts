import type { i18n } from 'i18next';
import type { FanOut } from '../coordination';
import type { Logger } from '../logger';
import type { Recognizer } from '../language/recognizer';
import type { ContentChange, ContentStore } from './contentStore';
import { problemsIntroduced } from './contentValidation';
import type { FaqBook, FaqEntry } from './faq';
import { LiveRecognizer } from './liveRecognizer';
import {
  mergeContent,
  nestTexts,
  sameValue,
  valueOf,
  withValue,
  type ContentKind,
  type ContentOverride,
  type ContentValue,
  type LocaleContent,
} from './localeContent';

/** Trains a recognizer on some content; `previous` and `changed` let it keep the models of unchanged locales. */
export type TrainRecognizer = (
  content: Record<string, LocaleContent>,
  previous?: { recognizer: Recognizer; changedLocales: ReadonlySet<string> },
) => Recognizer;

export interface LiveContentDeps {
  store: ContentStore;
  /** The shipped files: the base every override applies to. */
  shipped: Record<string, LocaleContent>;
  /** The recognizer trained on the shipped files, answering until the overrides are loaded. */
  shippedRecognizer: Recognizer;
  train: TrainRecognizer;
  /** Reloaded with every change of texts. */
  i18n: i18n;
  /** Tells the other instances that content changed; they reload it. */
  fanOut?: FanOut;
  logger: Logger;
  now: () => number;
  /** How often the store is asked for a newer version (changes made elsewhere: another instance, the CLI). */
  pollMs: number;
}

/** What a change came to: done, refused with the problems it would bring, or aimed at nothing. */
export type ChangeOutcome =
  | { kind: 'changed'; change: ContentChange }
  | { kind: 'unchanged' }
  | { kind: 'invalid'; problems: string[] }
  | { kind: 'notFound'; message: string };

const FAN_OUT_MESSAGE = 'changed';

/**
 * The content the bot uses now: the shipped locale files with the leads' overrides applied. A
 * change is validated against the rules of `cli locales check`, stored with its history, and live
 * at once on this instance (texts reloaded into i18next, the recognizer re-trained for the locales
 * whose phrases changed, FAQ answers replaced); other instances hear of it through Redis and, in
 * any case, find the newer version when they next poll the store.
 */
export class LiveContent {
  readonly recognizer: LiveRecognizer;
  /** The FAQ answers as they are now. */
  readonly faq: FaqBook;
  private merged: Record<string, LocaleContent>;
  private version = 0;
  /** One change or reload at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly deps: LiveContentDeps) {
    this.merged = deps.shipped;
    this.recognizer = new LiveRecognizer(deps.shippedRecognizer);
    this.faq = {
      entry: (locale, id) => this.content(locale)?.faq.find((entry: FaqEntry) => entry.id === id),
    };
    deps.fanOut?.onMessage(() => void this.refresh());
  }

  /** Loads the overrides and starts polling; the recognizer is ready after it. */
  async start(): Promise<void> {
    await this.refresh();
    this.recognizer.markLoaded();
    if (this.closed) return;
    this.timer = setInterval(() => void this.refresh(), this.deps.pollMs);
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** The locales there is content for. */
  get locales(): string[] {
    return Object.keys(this.deps.shipped);
  }

  /** One locale's content as the bot uses it now. */
  content(locale: string): LocaleContent | undefined {
    return Object.hasOwn(this.merged, locale) ? this.merged[locale] : undefined;
  }

  /** The shipped value of a key (undefined for an FAQ entry the studio added). */
  shippedValue(locale: string, kind: ContentKind, key: string): ContentValue | undefined {
    const shipped = Object.hasOwn(this.deps.shipped, locale) ? this.deps.shipped[locale] : undefined;
    return shipped && valueOf(shipped, kind, key);
  }

  /** Applies a newer version from the store, if there is one; true when something was reloaded. */
  refresh(): Promise<boolean> {
    return this.serially(async () => {
      try {
        const newest = await this.deps.store.version();
        if (newest === this.version) return false;
        await this.reload();
        return true;
      } catch (error) {
        if (!this.closed) this.deps.logger.warn({ err: error }, 'content: could not check for changes');
        return false;
      }
    });
  }

  /**
   * Sets one key of one locale (`null` deletes an FAQ entry): refused when the locale or key does
   * not exist or the content would break a rule; live on return.
   */
  set(
    actor: string,
    locale: string,
    kind: ContentKind,
    key: string,
    value: ContentValue | null,
  ): Promise<ChangeOutcome> {
    return this.serially(() => this.apply({ actor, locale, kind, key, value }));
  }

  /** Sets a key back to what it was before change `id` (itself a change, in the history). */
  revert(actor: string, id: number): Promise<ChangeOutcome> {
    return this.serially(async () => {
      const change = await this.deps.store.changeById(id);
      if (!change) return { kind: 'notFound', message: `there is no change ${id}` };
      return this.apply({ ...change, actor, value: change.before, revertOf: id });
    });
  }

  private async apply(input: {
    actor: string;
    locale: string;
    kind: ContentKind;
    key: string;
    value: ContentValue | null;
    revertOf?: number;
  }): Promise<ChangeOutcome> {
    const { locale, kind, key, value } = input;
    const current = this.content(locale);
    if (!current) return { kind: 'notFound', message: `there is no locale ${locale}` };
    // Another instance may have changed something meanwhile: validate against the newest content.
    await this.catchUp();
    const before = valueOf(this.merged[locale] ?? current, kind, key);
    if (kind === 'text' && before === undefined)
      return { kind: 'notFound', message: `there is no text ${key}` };
    if (
      kind === 'intent' &&
      before === undefined &&
      value !== null &&
      !(key in (this.deps.shipped.en?.intents ?? {}))
    ) {
      return { kind: 'notFound', message: `there is no intent ${key}` };
    }
    if (kind === 'faq' && value === null && before === undefined) {
      return { kind: 'notFound', message: `there is no FAQ entry ${key} in ${locale}` };
    }
    if (sameValue(before, value)) return { kind: 'unchanged' };
    const next = { ...this.merged, [locale]: withValue(this.merged[locale] ?? current, kind, key, value) };
    const problems = problemsIntroduced(this.merged, next);
    if (problems.length > 0) return { kind: 'invalid', problems };
    const change = await this.deps.store.change(
      {
        actor: input.actor,
        locale,
        kind,
        key,
        before: before ?? null,
        after: value,
        shipped: this.shippedValue(locale, kind, key) ?? null,
        ...(input.revertOf !== undefined ? { revertOf: input.revertOf } : {}),
      },
      this.deps.now(),
    );
    await this.reload();
    this.deps.fanOut?.send(FAN_OUT_MESSAGE);
    this.deps.logger.info({ actor: input.actor, locale, kind, key, change: change.id }, 'content changed');
    return { kind: 'changed', change };
  }

  /** Reloads when the store holds a newer version than the one applied. */
  private async catchUp(): Promise<void> {
    const newest = await this.deps.store.version();
    if (newest !== this.version) await this.reload();
  }

  /** Reads every override and makes the result live: texts, recognizer, FAQ. */
  private async reload(): Promise<void> {
    // The version first: a change committed meanwhile is in the overrides or makes the next check reload again.
    const version = await this.deps.store.version();
    const overrides: ContentOverride[] = await this.deps.store.overrides();
    const next = mergeContent(this.deps.shipped, overrides);
    const previous = this.merged;
    const changedTexts = this.locales.filter(
      (locale) => !sameJson(previous[locale]?.texts, next[locale]?.texts),
    );
    const changedPhrases = new Set(
      this.locales.filter(
        (locale) =>
          !sameJson(previous[locale]?.intents, next[locale]?.intents) ||
          !sameJson(previous[locale]?.faq, next[locale]?.faq),
      ),
    );
    if (changedPhrases.size > 0) {
      // Trained before anything is switched, so a failure leaves the old content whole.
      this.recognizer.replace(
        this.deps.train(next, { recognizer: this.recognizer.model, changedLocales: changedPhrases }),
      );
    }
    for (const locale of changedTexts) {
      this.deps.i18n.addResourceBundle(
        locale,
        'translation',
        nestTexts(next[locale]?.texts ?? {}),
        true,
        true,
      );
    }
    this.merged = next;
    this.version = version;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
