/**
 * The content studio's routes: support leads and admins read and change what the bot says and
 * understands per locale (texts, intent examples, FAQ answers), try a phrase, see and revert the
 * history, and turn messages the bot did not understand into examples. Agents get 403.
 */
import type restify from 'restify';
import type { Request, Response } from 'restify';
import type { SupportedLocale } from '../bot/config';
import {
  sameValue,
  valueOf,
  type ChangeOutcome,
  type ContentChange,
  type ContentKind,
  type ContentParts,
  type ContentValue,
  type LocaleContent,
} from '../bot/content';
import { MAX_ANSWER_CHARS, MAX_PHRASE_CHARS, MAX_PHRASES } from '../bot/content/contentValidation';
import type { LanguageDetector } from '../bot/language/languageDetection';
import { recognizePhrase } from '../bot/recognizeCommand';
import type { AgentDirectory } from './agentDirectory';
import { requireAgent } from './consoleAuth';
import {
  CONSOLE_API_BASE as BASE,
  HttpProblem,
  idParam,
  jsonBody,
  jsonBodyParser,
  queryParam,
  rawId,
  send,
} from './consoleHttp';

export interface ContentRouteDeps {
  agents: AgentDirectory;
  content: ContentParts;
  /** For "try a phrase": the language of a phrase sent without a locale. */
  detector: LanguageDetector;
  defaultLocale: SupportedLocale;
}

const LEADS = ['lead', 'admin'] as const;
/** Most history entries and inbox items one request lists. */
const LIST_LIMIT = 200;

/** A change as the history shows it. */
export function changeView(change: ContentChange) {
  return {
    id: change.id,
    at: new Date(change.at).toISOString(),
    actor: change.actor,
    locale: change.locale,
    kind: change.kind,
    key: change.key,
    before: change.before,
    after: change.after,
    ...(change.revertOf !== undefined ? { revertOf: change.revertOf } : {}),
  };
}

/** A locale's content as the studio reads it, with the keys a lead changed from the shipped files. */
function contentView(locale: string, content: LocaleContent, parts: ContentParts) {
  const live = parts.live;
  const changed = (kind: ContentKind, keys: string[]): string[] =>
    keys.filter((key) => !sameValue(live.shippedValue(locale, kind, key), valueOf(content, kind, key)));
  return {
    locale,
    texts: content.texts,
    intents: content.intents,
    faq: content.faq,
    changed: {
      texts: changed('text', Object.keys(content.texts)),
      intents: changed('intent', Object.keys(content.intents)),
      faq: changed(
        'faq',
        content.faq.map((entry) => entry.id),
      ),
    },
  };
}

/** A list of 1..MAX_PHRASES strings of 1..MAX_PHRASE_CHARS characters, trimmed, or the problem. */
function phraseList(value: unknown, name: string): string[] | HttpProblem {
  if (!Array.isArray(value) || value.length > MAX_PHRASES || value.some((item) => typeof item !== 'string')) {
    return new HttpProblem(400, 'BadArgument', `${name} must be a list of at most ${MAX_PHRASES} strings`);
  }
  const phrases = (value as string[]).map((item) => item.trim());
  if (phrases.some((item) => item === '' || item.length > MAX_PHRASE_CHARS)) {
    return new HttpProblem(
      400,
      'BadArgument',
      `each of ${name} must have 1 to ${MAX_PHRASE_CHARS} characters`,
    );
  }
  return phrases;
}

/** Mounts the studio's routes under `/api/console/`. */
export function mountContentRoutes(server: restify.Server, deps: ContentRouteDeps): void {
  const { content } = deps;
  const { live } = content;
  const authed = requireAgent(deps.agents);
  const body = jsonBodyParser();

  const localeOf = (req: Request): string | HttpProblem => {
    const locale = rawId(req, 'locale');
    return live.content(locale)
      ? locale
      : new HttpProblem(
          404,
          'NotFound',
          `there is no locale "${locale}"; there are ${live.locales.join(', ')}`,
        );
  };

  /** The locale of the path and the JSON body of a change, or the problem with either. */
  const localeAndBody = (req: Request): { locale: string; input: Record<string, unknown> } | HttpProblem => {
    const locale = localeOf(req);
    if (locale instanceof HttpProblem) return locale;
    const input = jsonBody(req);
    return input instanceof HttpProblem ? input : { locale, input };
  };

  /** Answers a change's outcome: 200 with `view`, 422 listing the problems, 404. */
  const answer = (
    res: Response,
    outcome: ChangeOutcome,
    view: () => object,
    status = 200,
  ): HttpProblem | void => {
    switch (outcome.kind) {
      case 'invalid':
        send(res, 422, {
          code: 'InvalidContent',
          message: `the change was not saved: ${outcome.problems.join('; ')}`,
          problems: outcome.problems,
        });
        return;
      case 'notFound':
        return new HttpProblem(404, 'NotFound', outcome.message);
      case 'changed':
      case 'unchanged':
        if (status === 204) send(res, 204);
        else send(res, status, view());
    }
  };

  /** The optional `?locale=` filter, checked. */
  const localeFilter = (req: Request): string | undefined | HttpProblem => {
    const locale = queryParam(req, 'locale');
    if (locale === undefined || locale === '') return undefined;
    if (typeof locale !== 'string' || !live.content(locale)) {
      return new HttpProblem(400, 'BadArgument', `locale must be one of ${live.locales.join(', ')}`);
    }
    return locale;
  };

  // NOTE: the fixed paths first; restify also prefers them to `:locale`.
  server.get(
    `${BASE}/content/history`,
    authed(async (req, res) => {
      const locale = localeFilter(req);
      if (locale instanceof HttpProblem) return locale;
      const entries = await content.store.history({ ...(locale ? { locale } : {}), limit: LIST_LIMIT });
      send(res, 200, { entries: entries.map(changeView) });
    }, LEADS),
  );

  server.post(
    `${BASE}/content/history/:id/revert`,
    authed(async (req, res, { agent }) => {
      const id = idParam(req);
      if (id === undefined) return new HttpProblem(404, 'NotFound', `there is no change ${rawId(req)}`);
      const outcome = await live.revert(agent.username, id);
      return answer(res, outcome, () => ({
        reverted: id,
        ...(outcome.kind === 'changed' ? { change: changeView(outcome.change) } : {}),
      }));
    }, LEADS),
  );

  server.get(
    `${BASE}/content/:locale`,
    authed(async (req, res) => {
      const locale = localeOf(req);
      if (locale instanceof HttpProblem) return locale;
      send(res, 200, contentView(locale, live.content(locale)!, content));
    }, LEADS),
  );

  server.put(
    `${BASE}/content/:locale/texts/:key`,
    body,
    authed(async (req, res, { agent }) => {
      const request = localeAndBody(req);
      if (request instanceof HttpProblem) return request;
      const { locale, input } = request;
      if (typeof input.text !== 'string') return new HttpProblem(400, 'BadArgument', 'text must be a string');
      const key = rawId(req, 'key');
      const outcome = await live.set(agent.username, locale, 'text', key, input.text);
      return answer(res, outcome, () => ({ key, text: live.content(locale)!.texts[key] }));
    }, LEADS),
  );

  server.put(
    `${BASE}/content/:locale/intents/:intent`,
    body,
    authed(async (req, res, { agent }) => {
      const request = localeAndBody(req);
      if (request instanceof HttpProblem) return request;
      const { locale, input } = request;
      const examples = phraseList(input.examples, 'examples');
      if (examples instanceof HttpProblem) return examples;
      const intent = rawId(req, 'intent');
      const outcome = await live.set(agent.username, locale, 'intent', intent, examples);
      return answer(res, outcome, () => ({
        intent,
        examples: (live.content(locale)!.intents as Record<string, string[]>)[intent],
      }));
    }, LEADS),
  );

  server.put(
    `${BASE}/content/:locale/faq/:id`,
    body,
    authed(async (req, res, { agent }) => {
      const request = localeAndBody(req);
      if (request instanceof HttpProblem) return request;
      const { locale, input } = request;
      const questions = phraseList(input.questions, 'questions');
      if (questions instanceof HttpProblem) return questions;
      const answerText = typeof input.answer === 'string' ? input.answer.trim() : '';
      if (answerText === '' || answerText.length > MAX_ANSWER_CHARS) {
        return new HttpProblem(400, 'BadArgument', `answer must have 1 to ${MAX_ANSWER_CHARS} characters`);
      }
      const id = rawId(req);
      const value: ContentValue = { questions, answer: answerText };
      const outcome = await live.set(agent.username, locale, 'faq', id, value);
      return answer(res, outcome, () => live.faq.entry(locale, id) ?? {});
    }, LEADS),
  );

  server.del(
    `${BASE}/content/:locale/faq/:id`,
    authed(async (req, res, { agent }) => {
      const locale = localeOf(req);
      if (locale instanceof HttpProblem) return locale;
      const outcome = await live.set(agent.username, locale, 'faq', rawId(req), null);
      return answer(res, outcome, () => ({}), 204);
    }, LEADS),
  );

  server.post(
    `${BASE}/recognize`,
    body,
    authed(async (req, res) => {
      const input = jsonBody(req);
      if (input instanceof HttpProblem) return input;
      const { text, locale } = input;
      if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_PHRASE_CHARS) {
        return new HttpProblem(400, 'BadArgument', `text must have 1 to ${MAX_PHRASE_CHARS} characters`);
      }
      if (locale !== undefined && (typeof locale !== 'string' || !live.content(locale))) {
        return new HttpProblem(400, 'BadArgument', `locale must be one of ${live.locales.join(', ')}`);
      }
      const phrase = await recognizePhrase(
        { text, ...(typeof locale === 'string' ? { locale } : {}) },
        { recognizer: live.recognizer, detector: deps.detector, defaultLocale: deps.defaultLocale },
      );
      send(res, 200, phrase);
    }, LEADS),
  );

  server.get(
    `${BASE}/unrecognized`,
    authed(async (req, res) => {
      const locale = localeFilter(req);
      if (locale instanceof HttpProblem) return locale;
      const items = await content.inbox.open({ ...(locale ? { locale } : {}), limit: LIST_LIMIT });
      send(res, 200, {
        items: items.map(({ status: _status, lastSeen, ...item }) => ({
          ...item,
          lastSeen: new Date(lastSeen).toISOString(),
        })),
      });
    }, LEADS),
  );

  server.post(
    `${BASE}/unrecognized/:id/assign`,
    body,
    authed(async (req, res, { agent }) => {
      const id = idParam(req);
      const item = id === undefined ? undefined : await content.inbox.get(id);
      if (!item || item.status !== 'open') {
        return new HttpProblem(404, 'NotFound', `there is no open unrecognized message ${rawId(req)}`);
      }
      const input = jsonBody(req);
      if (input instanceof HttpProblem) return input;
      const { intent, faq } = input;
      const current = live.content(item.locale);
      if (!current) return new HttpProblem(404, 'NotFound', `there is no locale "${item.locale}"`);
      let outcome: ChangeOutcome;
      if (typeof intent === 'string' && faq === undefined) {
        const examples = (current.intents as Record<string, string[] | undefined>)[intent];
        if (!examples)
          return new HttpProblem(404, 'NotFound', `there is no intent ${intent} in ${item.locale}`);
        outcome = await live.set(agent.username, item.locale, 'intent', intent, [...examples, item.text]);
      } else if (typeof faq === 'string' && intent === undefined) {
        const entry = live.faq.entry(item.locale, faq);
        if (!entry) return new HttpProblem(404, 'NotFound', `there is no FAQ entry ${faq} in ${item.locale}`);
        outcome = await live.set(agent.username, item.locale, 'faq', faq, {
          questions: [...entry.questions, item.text],
          answer: entry.answer,
        });
      } else {
        return new HttpProblem(400, 'BadArgument', 'give either intent or faq');
      }
      if (outcome.kind === 'changed' || outcome.kind === 'unchanged')
        await content.inbox.close(item.id, 'assigned');
      return answer(res, outcome, () => ({
        id: item.id,
        status: 'assigned',
        ...(outcome.kind === 'changed' ? { change: changeView(outcome.change) } : {}),
      }));
    }, LEADS),
  );

  server.post(
    `${BASE}/unrecognized/:id/dismiss`,
    authed(async (req, res) => {
      const id = idParam(req);
      const item = id === undefined ? undefined : await content.inbox.get(id);
      if (!item || item.status !== 'open') {
        return new HttpProblem(404, 'NotFound', `there is no open unrecognized message ${rawId(req)}`);
      }
      await content.inbox.close(item.id, 'dismissed');
      send(res, 200, { id: item.id, status: 'dismissed' });
    }, LEADS),
  );
}
