import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { toConnector } from '../../../channels/botframework/mapper';

describe('Bot Framework mapper', () => {
  it('toConnector() keeps schema fields and drops internal channel data and unknown fields', () => {
    const sent = toConnector({
      type: 'message',
      text: 'Ana: hello',
      suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Yes', value: 'yes' }] },
      channelData: {
        switchboardAgent: { id: 'agent-7', name: 'Ana', text: 'hello' },
        notification: { alert: true },
      },
      ...({ caseFile: { orderId: 'A-1' } } as Partial<Activity>),
    });
    assert.deepEqual(sent, {
      type: 'message',
      text: 'Ana: hello',
      suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Yes', value: 'yes' }] },
      channelData: { notification: { alert: true } },
    });
  });

  it('toConnector() leaves no channelData when only internal keys were there', () => {
    const sent = toConnector({ type: 'message', text: 'x', channelData: { switchboardAgent: { id: 'a' } } });
    assert.equal('channelData' in sent, false);
  });

  it("toConnector() signs an agent's reply in the text: the connector takes only the bot as sender", () => {
    const sent = toConnector({
      type: 'message',
      text: 'hi',
      channelData: {
        switchboardSender: { id: 'agent:7', name: 'Ana García', signedText: 'Ana (agent): hi' },
      },
    });
    assert.deepEqual(sent, { type: 'message', text: 'Ana (agent): hi' });
  });
});
