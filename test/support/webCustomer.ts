import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { waitFor } from './polling';

/** A customer on the Direct Line channel, talking over plain HTTP and polling with a watermark. */
export class WebCustomer {
  private watermark = '';

  private constructor(
    private readonly url: string,
    readonly conversationId: string,
    private readonly token: string,
  ) {}

  /** `start` fields go into the conversation start as the shop's server sends them (`user`, `verified`, `locale`). */
  static async start(url: string, secret: string, start: Record<string, unknown> = {}): Promise<WebCustomer> {
    const response = await fetch(`${url}/v3/directline/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ locale: 'en-US', ...start }),
    });
    assert.equal(response.status, 201);
    const body = (await response.json()) as { conversationId: string; token: string };
    const customer = new WebCustomer(url, body.conversationId, body.token);
    await customer.botSays(2); // welcome and menu
    return customer;
  }

  /** Reconnects to the same conversation, e.g. after a server restart. */
  reconnect(url: string): WebCustomer {
    const again = new WebCustomer(url, this.conversationId, this.token);
    again.watermark = this.watermark;
    return again;
  }

  async say(text: string): Promise<void> {
    await this.post({ type: 'message', text, locale: 'en-US', from: { id: 'customer' } });
  }

  /** Posts any activity; resolves once the server has run its turn. */
  async post(activity: Record<string, unknown>): Promise<void> {
    const response = await fetch(
      `${this.url}/v3/directline/conversations/${this.conversationId}/activities`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      },
    );
    assert.equal(response.status, 200);
  }

  /** Waits for `count` new bot messages and returns their texts. */
  async botSays(count: number): Promise<string[]> {
    const texts: string[] = [];
    await waitFor(
      async () => {
        const response = await fetch(
          `${this.url}/v3/directline/conversations/${this.conversationId}/activities?watermark=${this.watermark}`,
          { headers: { authorization: `Bearer ${this.token}` } },
        );
        const set = (await response.json()) as { activities: Activity[]; watermark: string };
        this.watermark = set.watermark;
        texts.push(
          ...set.activities.filter((a) => a.from.role === 'bot' && a.type === 'message').map((a) => a.text),
        );
        return texts.length >= count;
      },
      `${count} messages from the bot`,
      { everyMs: 25 },
    );
    return texts;
  }
}
