import { setTimeout as sleep } from 'node:timers/promises';
import type { Activity } from 'botbuilder';
import { DirectLine, type IActivity } from 'botframework-directlinejs';
import { WebSocket } from 'ws';
import XMLHttpRequest from 'xhr2';

// botframework-directlinejs is a browser library: it needs XMLHttpRequest (rxjs ajax) and, for
// the WebSocket transport, a global WebSocket (Node 20 has neither). Node's own fetch,
// FormData and Blob are used as they are.
const globals = globalThis as unknown as { XMLHttpRequest?: unknown; WebSocket?: unknown };
globals.XMLHttpRequest ??= XMLHttpRequest;
globals.WebSocket ??= WebSocket;

export type Transport = 'polling' | 'websocket';

/** A real Direct Line client with everything it received, for protocol tests. */
export class TestDirectLineClient {
  readonly directLine: DirectLine;
  readonly received: Activity[] = [];
  private readonly subscription: { unsubscribe(): void };

  constructor(options: {
    baseUrl: string;
    token?: string;
    secret?: string;
    conversationId?: string;
    watermark?: string;
    transport: Transport;
  }) {
    this.directLine = new DirectLine({
      domain: `${options.baseUrl}/v3/directline`,
      token: options.token,
      secret: options.secret,
      conversationId: options.conversationId,
      watermark: options.watermark,
      webSocket: options.transport === 'websocket',
      pollingInterval: 200,
      timeout: 10_000,
    });
    this.subscription = this.directLine.activity$.subscribe((activity: IActivity) => {
      this.received.push(activity as unknown as Activity);
    });
  }

  /** Posts a message the way Web Chat does (with a clientActivityID) and resolves with the server's id. */
  send(text: string, clientActivityID = `client-${Math.random().toString(36).slice(2)}`): Promise<string> {
    return new Promise((resolve, reject) => {
      this.directLine
        .postActivity({
          type: 'message',
          from: { id: 'customer' },
          text,
          channelData: { clientActivityID },
        } as unknown as Parameters<DirectLine['postActivity']>[0])
        .subscribe({
          next: (id: string) => (id === 'retry' ? reject(new Error(`send("${text}") failed`)) : resolve(id)),
          error: reject,
        });
    });
  }

  /** Waits until some received activity matches, failing with what was received after `timeoutMs`. */
  async waitFor(
    predicate: (activity: Activity) => boolean,
    description: string,
    timeoutMs = 10_000,
  ): Promise<Activity> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `waitFor(${description}): not received; got ${JSON.stringify(this.received.map((a) => [a.from?.role, a.type, a.text]))}`,
        );
      }
      await sleep(25);
    }
  }

  /** Texts of the bot's messages so far. */
  botTexts(): string[] {
    return this.received.filter((a) => a.from?.role === 'bot' && a.type === 'message').map((a) => a.text);
  }

  get watermark(): string {
    return (this.directLine as unknown as { watermark: string }).watermark;
  }

  get conversationId(): string {
    return (this.directLine as unknown as { conversationId: string }).conversationId;
  }

  end(): void {
    this.subscription.unsubscribe();
    this.directLine.end();
  }
}
