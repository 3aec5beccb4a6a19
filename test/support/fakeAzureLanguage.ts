/**
 * A local fake of Azure AI Language's text analysis REST API (api-version 2023-04-01, "Language
 * Analyze Text"), served over https as the real one is (the SDK refuses plain http):
 * - `POST /language/:analyze-text` with `kind` SentimentAnalysis, PiiEntityRecognition or
 *   LanguageDetection answers `{kind: '<kind>Results', results: {documents, errors, modelVersion}}`;
 * - `POST /language/analyze-text/jobs` answers 202 with `operation-location`, and
 *   `GET /language/analyze-text/jobs/{jobId}` reports `notStarted`, `running`, then `succeeded`
 *   with `tasks.items[]` of `ExtractiveSummarizationLROResults`;
 * - errors are `{error: {code, message, innererror?}}`: 401 for a wrong
 *   `Ocp-Apim-Subscription-Key`, 400 for too many documents, per-document errors for a document
 *   over 5,120 characters or an unsupported language; 429 with `Retry-After` and 5xx on demand.
 * Its "models" are deliberately simple and deterministic (word lists, patterns), so tests know
 * what each answer must be.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const FAKE_LANGUAGE_KEY = 'fake-language-key-0123456789abcdef';
const API_VERSION = '2023-04-01';
const MODEL_VERSION = '2023-04-15';
const MAX_CHARS = 5120;
const MAX_DOCUMENTS: Record<string, number> = {
  SentimentAnalysis: 10,
  PiiEntityRecognition: 5,
  LanguageDetection: 1000,
};
const LANGUAGES: Record<string, readonly string[]> = {
  SentimentAnalysis: ['en', 'es', 'zh-hans', 'zh-hant', 'lv'],
  PiiEntityRecognition: ['en', 'es', 'zh-hans', 'zh-hant', 'lv'],
  ExtractiveSummarization: ['en', 'es', 'zh-hans', 'zh-hant'],
};
/** Words the fake sentiment model takes for anger, in the five languages. */
const NEGATIVE = /ridiculous|terrible|useless|scam|estafa|harto|ridículo|骗子|騙子|垃圾|krāpnieki|šausmīg/iu;
const POSITIVE = /thanks|great|gracias|genial|谢谢|謝謝|paldies/iu;

/** A self-signed certificate for 127.0.0.1 and localhost, made once per process with openssl. */
export interface TestCertificate {
  key: string;
  cert: string;
  /** The certificate's file, for `NODE_EXTRA_CA_CERTS`. */
  certFile: string;
}

let certificate: TestCertificate | undefined;

export function testCertificate(): TestCertificate {
  if (certificate) return certificate;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-cert-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  certificate = { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8'), certFile };
  return certificate;
}

/** One request the fake received. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/** An answer to give instead of the normal one, to the next `times` requests. */
export interface InjectedFailure {
  status: number;
  code: string;
  message: string;
  retryAfter?: number;
}

interface Job {
  id: string;
  polls: number;
  documents: { id: string; text: string; language: string }[];
  sentenceCount: number;
  created: string;
}

interface Document {
  id: string;
  text: string;
  language?: string;
  countryHint?: string;
}

const textElements = (text: string): number =>
  [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length;

function documentError(id: string, code: string, message: string): unknown {
  return {
    id,
    error: {
      code: 'InvalidArgument',
      message: 'Invalid document in request.',
      innererror: { code, message },
    },
  };
}

export class FakeAzureLanguage {
  readonly requests: RecordedRequest[] = [];
  /** Names the fake PII model knows as `Person` (a real model knows names without a lead-in). */
  readonly persons = new Set<string>();
  /** Milliseconds to wait before answering each request (a slow service). */
  delayMs = 0;
  /** GETs of a job before it succeeds. */
  pollsUntilDone = 2;
  private failures: { failure: InjectedFailure; times: number }[] = [];
  private readonly jobs = new Map<string, Job>();
  private server: https.Server | undefined;
  private readonly pending = new Set<NodeJS.Timeout>();
  url = '';

  /** Starts listening on an ephemeral loopback port; `url` is the endpoint. */
  async start(): Promise<string> {
    const { key, cert } = testCertificate();
    this.server = https.createServer({ key, cert }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'InternalServerError', message: String(error) } }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Answers the next `times` requests with `failure`. */
  fail(failure: InjectedFailure, times = 1): void {
    this.failures.push({ failure, times });
  }

  /** The analyze-text requests of `kind`, as sent. */
  bodiesOf(kind: string): { kind: string; analysisInput: { documents: Document[] }; parameters?: unknown }[] {
    return this.requests
      .filter(
        (request) =>
          request.method === 'POST' && (request.body as { kind?: string } | undefined)?.kind === kind,
      )
      .map((request) => request.body as { kind: string; analysisInput: { documents: Document[] } });
  }

  private async handle(
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body: unknown = raw ? JSON.parse(raw) : undefined;
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
    });

    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        if (res.destroyed) return;
        res.writeHead(status, {
          'content-type': 'application/json',
          'apim-request-id': `req-${this.requests.length}`,
          ...headers,
        });
        res.end(payload === undefined ? '' : JSON.stringify(payload));
      }, this.delayMs);
      this.pending.add(timer);
    };
    const error = (
      status: number,
      code: string,
      message: string,
      headers: Record<string, string> = {},
    ): void => send(status, { error: { code, message } }, headers);

    if (req.headers['ocp-apim-subscription-key'] !== FAKE_LANGUAGE_KEY)
      return error(401, '401', 'Access denied due to invalid subscription key or wrong API endpoint.');
    const injected = this.failures[0];
    if (injected) {
      injected.times -= 1;
      if (injected.times <= 0) this.failures.shift();
      const { status, code, message, retryAfter } = injected.failure;
      return error(
        status,
        code,
        message,
        retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
      );
    }
    if (url.searchParams.get('api-version') !== API_VERSION)
      return error(
        404,
        'UnsupportedApiVersion',
        `Unsupported api-version ${url.searchParams.get('api-version') ?? ''}`,
      );

    if (req.method === 'POST' && url.pathname === '/language/:analyze-text')
      return this.analyze(body, send, error);
    if (req.method === 'POST' && url.pathname === '/language/analyze-text/jobs')
      return this.submitJob(body, send, error);
    const job = /^\/language\/analyze-text\/jobs\/([\w-]+)$/.exec(url.pathname);
    if (req.method === 'GET' && job?.[1]) return this.jobStatus(job[1], send, error);
    return error(404, '404', 'Resource not found');
  }

  private analyze(
    body: unknown,
    send: (status: number, payload: unknown) => void,
    error: (status: number, code: string, message: string) => void,
  ): void {
    const { kind, analysisInput } = (body ?? {}) as {
      kind?: string;
      analysisInput?: { documents?: Document[] };
    };
    const documents = analysisInput?.documents;
    if (!kind || !Array.isArray(documents) || documents.length === 0)
      return error(400, 'InvalidRequest', 'Invalid Request. kind and analysisInput.documents are required.');
    const max = MAX_DOCUMENTS[kind];
    if (max === undefined) return error(400, 'InvalidRequest', `Invalid Request. Unknown kind ${kind}.`);
    if (documents.length > max)
      return error(
        400,
        'InvalidArgument',
        `Batch request contains too many records. Max ${max} records are permitted.`,
      );
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const document of documents) {
      if (textElements(document.text) > MAX_CHARS) {
        errors.push(
          documentError(
            document.id,
            'InvalidDocument',
            `A document within the request was too large to be processed. Limit document size to: ${MAX_CHARS} text elements.`,
          ),
        );
        continue;
      }
      const supported = LANGUAGES[kind];
      if (supported && !supported.includes(document.language ?? 'en')) {
        errors.push(
          documentError(
            document.id,
            'UnsupportedLanguageCode',
            `Invalid language code '${document.language ?? ''}'.`,
          ),
        );
        continue;
      }
      const { stringIndexType } = (body as { parameters?: { stringIndexType?: string } }).parameters ?? {};
      results.push(
        kind === 'SentimentAnalysis'
          ? this.sentiment(document)
          : kind === 'PiiEntityRecognition'
            ? this.pii(document, stringIndexType ?? 'TextElements_v8')
            : this.detectLanguage(document),
      );
    }
    send(200, {
      kind: `${kind}Results`,
      results: { documents: results, errors, modelVersion: MODEL_VERSION },
    });
  }

  private sentiment(document: Document): unknown {
    const negative = NEGATIVE.test(document.text) ? 0.97 : 0.02;
    const positive = POSITIVE.test(document.text) && negative < 0.5 ? 0.9 : 0.01;
    const neutral = Math.max(0, Math.round((1 - negative - positive) * 100) / 100);
    const sentiment = negative > 0.5 ? 'negative' : positive > 0.5 ? 'positive' : 'neutral';
    const confidenceScores = { positive, neutral, negative };
    return {
      id: document.id,
      sentiment,
      confidenceScores,
      sentences: [
        { sentiment, confidenceScores, offset: 0, length: document.text.length, text: document.text },
      ],
      warnings: [],
    };
  }

  /** Finds entities; offsets in UTF-16 code units when asked, else in text elements (the API's default). */
  private pii(document: Document, stringIndexType: string): unknown {
    const entities: {
      text: string;
      category: string;
      offset: number;
      length: number;
      confidenceScore: number;
    }[] = [];
    const units = (text: string): number =>
      stringIndexType === 'Utf16CodeUnit' ? text.length : textElements(text);
    const add = (pattern: RegExp, category: string): void => {
      for (const match of document.text.matchAll(pattern)) {
        const start = units(document.text.slice(0, match.index));
        if (entities.some((entity) => start >= entity.offset && start < entity.offset + entity.length))
          continue;
        entities.push({
          text: match[0],
          category,
          offset: units(document.text.slice(0, match.index)),
          length: units(match[0]),
          confidenceScore: 0.9,
        });
      }
    };
    add(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, 'Email');
    add(/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g, 'InternationalBankingAccountNumber');
    add(/\b(?:\d[ -]?){12,18}\d\b/g, 'CreditCardNumber');
    add(/\+?\d[\d ()-]{7,}\d/g, 'PhoneNumber');
    for (const person of this.persons)
      add(new RegExp(person.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'), 'Person');
    add(/\b(?:customer|cliente)\b/g, 'PersonType');
    entities.sort((a, b) => a.offset - b.offset);
    let redactedText = document.text;
    for (const entity of entities)
      redactedText = redactedText.split(entity.text).join('*'.repeat(entity.text.length));
    return { id: document.id, redactedText, entities, warnings: [] };
  }

  private detectLanguage(document: Document): unknown {
    const text = document.text;
    const [name, iso6391Name, confidenceScore] = /[們這麼裡嗎訂單謝]/u.test(text)
      ? ['Chinese_Traditional', 'zh_cht', 0.95]
      : /\p{Script=Han}/u.test(text)
        ? ['Chinese_Simplified', 'zh_chs', 0.95]
        : /[āēīūšžķļņģč]/iu.test(text)
          ? ['Latvian', 'lv', 0.92]
          : /[ñ¿¡]|\b(?:quiero|dónde|pedido|hola)\b/iu.test(text)
            ? ['Spanish', 'es', 0.93]
            : /\b(?:ich|und|nicht|bestellung)\b/iu.test(text)
              ? ['German', 'de', 0.9]
              : /\b(?:the|my|where|is|order)\b/iu.test(text)
                ? ['English', 'en', 0.97]
                : ['(Unknown)', '(Unknown)', 0];
    return { id: document.id, detectedLanguage: { name, iso6391Name, confidenceScore }, warnings: [] };
  }

  private submitJob(
    body: unknown,
    send: (status: number, payload: unknown, headers?: Record<string, string>) => void,
    error: (status: number, code: string, message: string) => void,
  ): void {
    const { analysisInput, tasks } = (body ?? {}) as {
      analysisInput?: { documents?: Job['documents'] };
      tasks?: { kind?: string; parameters?: { sentenceCount?: number } }[];
    };
    const documents = analysisInput?.documents ?? [];
    const task = tasks?.[0];
    if (
      documents.length === 0 ||
      documents.length > 25 ||
      tasks?.length !== 1 ||
      task?.kind !== 'ExtractiveSummarization'
    )
      return error(
        400,
        'InvalidRequest',
        'Invalid Request. One ExtractiveSummarization task and 1 to 25 documents are required.',
      );
    const total = documents.reduce((sum, document) => sum + textElements(document.text), 0);
    if (total > 125_000)
      return error(400, 'InvalidArgument', 'Request payload exceeds 125000 text elements.');
    for (const document of documents)
      if (!LANGUAGES.ExtractiveSummarization!.includes(document.language))
        return error(400, 'UnsupportedLanguageCode', `Invalid language code '${document.language}'.`);
    const id = `job-${this.jobs.size + 1}`;
    this.jobs.set(id, {
      id,
      polls: 0,
      documents,
      sentenceCount: task.parameters?.sentenceCount ?? 3,
      created: new Date().toISOString(),
    });
    send(202, undefined, {
      'operation-location': `${this.url}/language/analyze-text/jobs/${id}?api-version=${API_VERSION}`,
    });
  }

  private jobStatus(
    id: string,
    send: (status: number, payload: unknown) => void,
    error: (status: number, code: string, message: string) => void,
  ): void {
    const job = this.jobs.get(id);
    if (!job) return error(404, 'NotFound', `Job ${id} not found.`);
    job.polls += 1;
    const done = job.polls > this.pollsUntilDone;
    const status = done ? 'succeeded' : job.polls === 1 ? 'notStarted' : 'running';
    const now = new Date().toISOString();
    send(200, {
      jobId: id,
      createdDateTime: job.created,
      lastUpdatedDateTime: now,
      expirationDateTime: now,
      status,
      errors: [],
      tasks: {
        completed: done ? 1 : 0,
        failed: 0,
        inProgress: done ? 0 : 1,
        total: 1,
        items: done
          ? [
              {
                kind: 'ExtractiveSummarizationLROResults',
                taskName: '0',
                lastUpdateDateTime: now,
                status: 'succeeded',
                results: {
                  documents: job.documents.map((document) => ({
                    id: document.id,
                    sentences: this.summarySentences(document.text, job.sentenceCount),
                    warnings: [],
                  })),
                  errors: [],
                  modelVersion: MODEL_VERSION,
                },
              },
            ]
          : [],
      },
    });
  }

  /** The fake's extraction: the longest sentences, in document order. */
  private summarySentences(text: string, count: number): unknown[] {
    const sentences: { text: string; offset: number }[] = [];
    for (const match of text.matchAll(/[^.!?。！？\n]+[.!?。！？]?/gu)) {
      const trimmed = match[0].trim();
      if (trimmed) sentences.push({ text: trimmed, offset: match.index + match[0].indexOf(trimmed) });
    }
    const chosen = [...sentences].sort((a, b) => b.text.length - a.text.length).slice(0, count);
    return sentences
      .filter((sentence) => chosen.includes(sentence))
      .map((sentence) => ({
        text: sentence.text,
        rankScore: Math.min(1, sentence.text.length / 100),
        offset: sentence.offset,
        length: sentence.text.length,
      }));
  }
}
