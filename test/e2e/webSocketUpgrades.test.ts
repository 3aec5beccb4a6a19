import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import sinon from 'sinon';
import { upgradeRoutes } from '../../bot/upgrades';
import { removeDataDir, startServer, type RunningServer } from '../support/testServer';

interface RawAnswer {
  statusLine: string;
  headers: string[];
  body: unknown;
}

/**
 * Sends a WebSocket upgrade request for `path` over a plain TCP socket and resolves once the
 * server has answered and closed the connection on its own (the client never ends it).
 */
async function rawUpgrade(url: string, path: string): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'connect');
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await Promise.all([once(socket, 'end'), once(socket, 'close')]);
  const [head = '', body = ''] = Buffer.concat(chunks).toString('utf8').split('\r\n\r\n');
  const [statusLine = '', ...headers] = head.split('\r\n');
  return { statusLine, headers, body: body ? (JSON.parse(body) as unknown) : undefined };
}

describe('WebSocket upgrades', () => {
  let server: RunningServer;
  let sandbox: sinon.SinonSandbox;

  beforeEach(async () => {
    sandbox = sinon.createSandbox();
    server = await startServer();
  });

  afterEach(async () => {
    sandbox.restore();
    await server.app.close();
    removeDataDir(server.dataDir);
  });

  const unclaimed = [
    '/nope',
    '/healthz',
    '/api/console/events/more',
    '/v3/directline/conversations/abc/stream/more',
    '/v3/directline/conversations',
  ];
  for (const path of unclaimed) {
    it(`answers an upgrade to ${path} with 404 JSON and closes the socket`, async () => {
      const answer = await rawUpgrade(server.url, `${path}?x=1`);
      assert.equal(answer.statusLine, 'HTTP/1.1 404 Not Found');
      assert.ok(answer.headers.includes('Content-Type: application/json'), answer.headers.join('|'));
      assert.ok(answer.headers.includes('Connection: close'), answer.headers.join('|'));
      assert.deepEqual(answer.body, {
        code: 'NotFound',
        message: `there is no WebSocket endpoint at ${path}`,
      });
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    });
  }

  it('refuses a Direct Line stream whose conversation id is not valid percent-encoding with 400', async () => {
    const answer = await rawUpgrade(server.url, '/v3/directline/conversations/%E0%A4%A/stream?t=x');
    assert.equal(answer.statusLine, 'HTTP/1.1 400 Bad Request');
    assert.deepEqual(answer.body, { code: 'BadArgument', message: 'the conversation id is not valid' });
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  for (const path of ['//[/', '//[::1/x', 'http://[/']) {
    it(`answers an upgrade whose path ${path} is not a URL with 400 and keeps the process alive`, async () => {
      const answer = await rawUpgrade(server.url, path);
      assert.equal(answer.statusLine, 'HTTP/1.1 400 Bad Request');
      assert.deepEqual(answer.body, { code: 'BadRequest', message: 'the request path is not a valid URL' });
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    });
  }

  it('refuses the claimed paths with their own answers, not 404', async () => {
    const stream = await rawUpgrade(server.url, '/v3/directline/conversations/abc/stream');
    assert.equal(stream.statusLine, 'HTTP/1.1 401 Unauthorized');
    const events = await rawUpgrade(server.url, '/api/console/events');
    assert.equal(events.statusLine, 'HTTP/1.1 401 Unauthorized');
  });

  it('answers 500, logs and keeps serving when an endpoint throws on an upgrade', async () => {
    const logged = sandbox.spy(server.app.logger, 'error');
    upgradeRoutes(server.app.server).claim(
      '/throws',
      () => {
        throw new Error('handler exploded');
      },
      server.app.logger,
    );
    const answer = await rawUpgrade(server.url, '/throws');
    assert.equal(answer.statusLine, 'HTTP/1.1 500 Internal Server Error');
    assert.deepEqual(answer.body, {
      code: 'InternalError',
      message: 'the WebSocket upgrade could not be handled',
    });
    assert.ok(logged.calledWithMatch({ path: '/throws' }, 'WebSocket upgrade failed'));
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });
});
