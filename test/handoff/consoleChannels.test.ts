import assert from 'node:assert/strict';
import type { ChannelStatus } from '../../handoff/consoleApi';
import { PASSWORD, WAITING_FOR_QR, login, startConsole, type ConsoleFixture } from './consoleFixture';

interface ChannelsAnswer {
  channels?: (Omit<ChannelStatus, 'linkCode'> & { linkQrSvg?: string; linkCode?: string })[];
  code?: string;
}

describe('GET /api/console/channels', () => {
  let fixture: ConsoleFixture;

  beforeEach(async () => {
    fixture = await startConsole({ channels: () => WAITING_FOR_QR });
    await fixture.database.agents.create({
      username: 'root',
      name: 'Root Admin',
      role: 'admin',
      teams: [],
      password: PASSWORD,
    });
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('shows admins each channel and, while WhatsApp Web waits to be linked, its code as a QR image', async () => {
    const root = await login(fixture.url, 'root');
    const answer = await root.get<ChannelsAnswer>('/api/console/channels');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    const [web, whatsapp] = answer.body.channels ?? [];
    assert.deepEqual(web, { name: 'web', ready: true, checks: {} });
    assert.equal(whatsapp?.name, 'whatsapp');
    assert.match(
      whatsapp?.linkQrSvg ?? '',
      /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*<\/svg>\s*$/,
    );
    assert.equal(whatsapp?.linkCode, undefined, 'the code itself is not sent as text');
  });

  it('refuses leads and agents: linking a channel is an admin job', async () => {
    for (const username of ['lena', 'ana']) {
      const session = await login(fixture.url, username);
      const answer = await session.get<ChannelsAnswer>('/api/console/channels');
      assert.equal(answer.status, 403, username);
      assert.equal(answer.body.channels, undefined);
    }
  });
});
