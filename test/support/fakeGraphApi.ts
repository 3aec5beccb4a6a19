/**
 * A local fake of the WhatsApp Business Cloud API (Graph API reference: "Messages", "Media",
 * "Error codes"), enough for the bot to run against it through `WHATSAPP_CLOUD_API_ROOT`:
 * `POST /<version>/<phone number id>/messages` (send, mark read) and `/media` (multipart upload).
 * Answers are Meta's shapes: `{messaging_product, contacts, messages: [{id}]}`, `{success: true}`,
 * `{id}`, and errors as `{error: {message, type, code, error_subcode, fbtrace_id}}`. It checks
 * the bearer token and Meta's limits on interactive messages (code 131009), records what the bot
 * sent, and can be told to fail.
 */
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';

export const FAKE_GRAPH_TOKEN = 'EAAFakeGraphTokenForTestsOnly';
export const FAKE_PHONE_NUMBER_ID = '109876543210987';

/** One call the bot made. */
export interface GraphCall {
  path: string;
  /** `messages` or `media`. */
  endpoint: string;
  body: Record<string, unknown>;
  /** The uploaded file, for `/media`. */
  file?: { fileName: string; contentType: string; bytes: Buffer };
  /** The status the fake answered with. */
  status: number;
}

/** A Graph API error to answer with. */
export interface GraphFailure {
  status: number;
  error: { message: string; type: string; code: number; error_subcode?: number };
}

/** Meta's answer when a business sends too fast (HTTP 429, code 130429). */
export const THROUGHPUT_LIMIT: GraphFailure = {
  status: 429,
  error: { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429 },
};
/** Meta's answer to a message with an invalid parameter. */
export const INVALID_PARAMETER: GraphFailure = {
  status: 400,
  error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100, error_subcode: 2494010 },
};
/** Meta's answer to a free-form message more than 24 hours after the customer last wrote. */
export const REENGAGEMENT: GraphFailure = {
  status: 400,
  error: {
    message: '(#131047) Re-engagement message',
    type: 'OAuthException',
    code: 131047,
  },
};

interface FailureRule {
  endpoint: string;
  failure: GraphFailure;
  times: number;
}

/** The texts a message shows the customer: its body, and the titles of its buttons or rows. */
export interface ShownMessage {
  to: string;
  type: string;
  text: string;
  /** Button or row titles and ids, for interactive messages. */
  choices: { id: string; title: string }[];
  template?: { name: string; language: string; parameters: string[] };
  document?: { id: string; filename: string };
}

export class FakeGraphApi {
  readonly calls: GraphCall[] = [];
  /** Uploaded media by id. */
  readonly media = new Map<string, { fileName: string; contentType: string; bytes: Buffer }>();
  private readonly failures: FailureRule[] = [];
  private readonly events = new EventEmitter();
  private nextId = 1;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeGraphApi> {
    const started: { fake?: FakeGraphApi } = {};
    const server = http.createServer((req, res) => {
      started.fake?.handle(req, res).catch((error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeGraphApi(server, `http://127.0.0.1:${port}`);
    started.fake = fake;
    return fake;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Answers the next `times` calls to `endpoint` with `failure`. */
  fail(endpoint: 'messages' | 'media', failure: GraphFailure, times = 1): void {
    this.failures.push({ endpoint, failure, times });
  }

  /** Messages the bot sent (not read receipts), in order. */
  sent(to?: string): ShownMessage[] {
    return this.calls
      .filter((call) => call.endpoint === 'messages' && call.status === 200 && call.body.status !== 'read')
      .map((call) => shown(call.body))
      .filter((message) => to === undefined || message.to === to);
  }

  /** The texts the bot showed `to`, in order. */
  textsTo(to: string): string[] {
    return this.sent(to).map((message) => message.text);
  }

  /** Message ids the bot marked read. */
  readReceipts(): string[] {
    return this.calls
      .filter((call) => call.endpoint === 'messages' && call.body.status === 'read')
      .map((call) => String(call.body.message_id));
  }

  /** Resolves once `check` holds, re-checking after every call; fails naming `description`. */
  async until(description: string, check: () => boolean, ms = 15_000): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('call', onCall);
        reject(new Error(`until(${description}): not reached; sent: ${JSON.stringify(this.sent())}`));
      }, ms);
      const onCall = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.events.off('call', onCall);
        resolve();
      };
      this.events.on('call', onCall);
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    const match = /^\/v\d+\.\d+\/(\d+)\/(messages|media)$/.exec(path);
    const answer = (status: number, body: unknown, call?: Omit<GraphCall, 'status'>): void => {
      if (call) this.calls.push({ ...call, status });
      // NOTE: two calls, not a chain: restify (loaded in the same process) patches writeHead to return nothing.
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
      this.events.emit('call');
    };
    const error = (status: number, message: string, code: number, call?: Omit<GraphCall, 'status'>): void =>
      answer(
        status,
        { error: { message, type: 'OAuthException', code, fbtrace_id: `trace${this.nextId++}` } },
        call,
      );
    if (req.method !== 'POST' || !match) {
      error(400, `Unsupported request - method type: ${req.method?.toLowerCase()}`, 100);
      return;
    }
    const [, phoneId = '', endpoint = ''] = match;
    if (req.headers.authorization !== `Bearer ${FAKE_GRAPH_TOKEN}`) {
      error(401, 'Invalid OAuth access token - Cannot parse access token', 190);
      return;
    }
    if (phoneId !== FAKE_PHONE_NUMBER_ID) {
      error(400, `Unsupported post request. Object with ID '${phoneId}' does not exist`, 100);
      return;
    }
    const call: Omit<GraphCall, 'status'> =
      endpoint === 'media' ? await readUpload(req, path) : { path, endpoint, body: await readJson(req) };
    const rule = this.failures.find((candidate) => candidate.endpoint === endpoint && candidate.times > 0);
    if (rule) {
      rule.times -= 1;
      answer(
        rule.failure.status,
        { error: { ...rule.failure.error, fbtrace_id: `trace${this.nextId++}` } },
        call,
      );
      return;
    }
    if (endpoint === 'media') {
      if (call.body.messaging_product !== 'whatsapp' || !call.file) {
        error(400, '(#100) The parameter messaging_product is required.', 100, call);
        return;
      }
      const id = String(4000 + this.nextId++);
      this.media.set(id, call.file);
      answer(200, { id }, call);
      return;
    }
    const problem = messageProblem(call.body, this.media);
    if (problem) {
      error(400, problem.message, problem.code, call);
      return;
    }
    if (call.body.status === 'read') {
      answer(200, { success: true }, call);
      return;
    }
    const to = String(call.body.to);
    answer(
      200,
      {
        messaging_product: 'whatsapp',
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id: `wamid.FAKE${this.nextId++}` }],
      },
      call,
    );
  }
}

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    req.on('error', reject);
  });
}

function readUpload(req: http.IncomingMessage, path: string): Promise<Omit<GraphCall, 'status'>> {
  return new Promise((resolve, reject) => {
    const body: Record<string, unknown> = {};
    let file: GraphCall['file'];
    const parser = busboy({ headers: req.headers });
    parser.on('field', (name, value) => {
      body[name] = value;
    });
    parser.on('file', (_name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        file = { fileName: info.filename ?? '', contentType: info.mimeType, bytes: Buffer.concat(chunks) };
      });
    });
    parser.on('close', () => resolve({ path, endpoint: 'media', body, file }));
    parser.on('error', reject);
    req.pipe(parser);
  });
}

const length = (text: unknown): number => (typeof text === 'string' ? [...text].length : 0);

/** What Meta would refuse in a message body, with its code. */
function messageProblem(
  body: Record<string, unknown>,
  media: Map<string, unknown>,
): { message: string; code: number } | undefined {
  if (body.messaging_product !== 'whatsapp')
    return { message: '(#100) The parameter messaging_product is required.', code: 100 };
  if (body.status === 'read')
    return typeof body.message_id === 'string'
      ? undefined
      : { message: '(#100) message_id is required', code: 100 };
  const invalid = (what: string) => ({
    message: `(#131009) Parameter value is not valid: ${what}`,
    code: 131009,
  });
  if (typeof body.to !== 'string' || !/^\d{7,15}$/.test(body.to)) return invalid('to');
  switch (body.type) {
    case 'text': {
      const text = body.text as { body?: unknown } | undefined;
      if (length(text?.body) === 0 || length(text?.body) > 4096) return invalid('text.body');
      return undefined;
    }
    case 'interactive': {
      const interactive = body.interactive as {
        type?: string;
        body?: { text?: unknown };
        action?: {
          buttons?: { reply?: { id?: unknown; title?: unknown } }[];
          button?: unknown;
          sections?: { rows?: { id?: unknown; title?: unknown }[] }[];
        };
      };
      if (length(interactive.body?.text) === 0 || length(interactive.body?.text) > 1024)
        return invalid('body.text');
      if (interactive.type === 'button') {
        const buttons = interactive.action?.buttons ?? [];
        if (buttons.length < 1 || buttons.length > 3) return invalid('buttons');
        if (
          buttons.some(
            (b) => length(b.reply?.title) === 0 || length(b.reply?.title) > 20 || length(b.reply?.id) > 256,
          )
        )
          return invalid('button title');
        return undefined;
      }
      if (interactive.type === 'list') {
        const rows = (interactive.action?.sections ?? []).flatMap((section) => section.rows ?? []);
        if (length(interactive.action?.button) === 0 || length(interactive.action?.button) > 20)
          return invalid('button');
        if (rows.length < 1 || rows.length > 10) return invalid('rows');
        if (rows.some((row) => length(row.title) === 0 || length(row.title) > 24 || length(row.id) > 200))
          return invalid('row title');
        return undefined;
      }
      return invalid('interactive.type');
    }
    case 'document': {
      const document = body.document as { id?: string } | undefined;
      return document?.id && media.has(document.id) ? undefined : invalid('document.id');
    }
    case 'template': {
      const template = body.template as { name?: unknown; language?: { code?: unknown } } | undefined;
      if (typeof template?.name !== 'string' || typeof template.language?.code !== 'string')
        return invalid('template');
      const parameters = templateParameters(body);
      if (parameters.some((text) => /[\n\t]| {5,}/.test(text)))
        return {
          message: '(#132018) There was an issue with the parameters in your template.',
          code: 132018,
        };
      return undefined;
    }
    default:
      return invalid('type');
  }
}

function templateParameters(body: Record<string, unknown>): string[] {
  const template = body.template as { components?: { parameters?: { text?: unknown }[] }[] } | undefined;
  return (template?.components ?? []).flatMap((component) =>
    (component.parameters ?? []).map((p) => String(p.text)),
  );
}

/** What a sent message shows the customer. */
function shown(body: Record<string, unknown>): ShownMessage {
  const to = String(body.to);
  const type = String(body.type);
  switch (type) {
    case 'text':
      return { to, type, text: String((body.text as { body: string }).body), choices: [] };
    case 'interactive': {
      const interactive = body.interactive as {
        body: { text: string };
        action: {
          buttons?: { reply: { id: string; title: string } }[];
          sections?: { rows: { id: string; title: string }[] }[];
        };
      };
      const choices =
        interactive.action.buttons?.map((button) => button.reply) ??
        (interactive.action.sections ?? []).flatMap((section) => section.rows);
      return {
        to,
        type,
        text: interactive.body.text,
        choices: choices.map(({ id, title }) => ({ id, title })),
      };
    }
    case 'template': {
      const template = body.template as { name: string; language: { code: string } };
      const parameters = templateParameters(body);
      return {
        to,
        type,
        text: parameters.join(' '),
        choices: [],
        template: { name: template.name, language: template.language.code, parameters },
      };
    }
    case 'document': {
      const document = body.document as { id: string; filename: string };
      return { to, type, text: '', choices: [], document };
    }
    default:
      return { to, type, text: '', choices: [] };
  }
}
