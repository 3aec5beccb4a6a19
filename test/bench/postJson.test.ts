import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { postJson } from '../../bench/load';

/**
 * A server speaking just enough HTTP/1.1: it answers each request with its connection's and
 * the request's number, and drops the connection, unanswered, on the requests `dropped` names
 * (`[connection, request on it]`, both from 1).
 */
async function server(dropped: [number, number][]): Promise<{ url: URL; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const listening = net.createServer((socket) => {
    const connection = ++connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let requests = 0;
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      // Each request of these tests is its headers and a body of `content-length` bytes.
      for (;;) {
        const headersEnd = buffered.indexOf('\r\n\r\n');
        if (headersEnd < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, headersEnd))?.[1] ?? 0);
        if (buffered.length < headersEnd + 4 + length) return;
        buffered = buffered.slice(headersEnd + 4 + length);
        const request = ++requests;
        if (dropped.some(([c, r]) => c === connection && r === request)) {
          socket.destroy();
          return;
        }
        const body = JSON.stringify({ connection, request });
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: keep-alive\r\n\r\n${body}`,
        );
      }
    });
  });
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  const { port } = listening.address() as net.AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/api/messages`),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => listening.close(() => resolve()));
    },
  };
}

describe('postJson() (the benchmark drivers’ POST)', () => {
  it('sends a request again on a new connection when the kept-alive one it reused was dropped', async () => {
    const bot = await server([[1, 2]]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await postJson(agent, bot.url, '{}');
      assert.deepEqual(JSON.parse(first.text), { connection: 1, request: 1 });
      const second = await postJson(agent, bot.url, '{"n":2}', { 'x-extra': 'yes' });
      assert.equal(second.status, 200);
      assert.deepEqual(JSON.parse(second.text), { connection: 2, request: 1 });
    } finally {
      agent.destroy();
      await bot.close();
    }
  });

  it('does not send again what a new connection lost: the bot may have run it', async () => {
    const bot = await server([[1, 1]]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await assert.rejects(postJson(agent, bot.url, '{}'), /socket hang up|ECONNRESET/);
      const next = await postJson(agent, bot.url, '{}');
      assert.deepEqual(JSON.parse(next.text), { connection: 2, request: 1 });
    } finally {
      agent.destroy();
      await bot.close();
    }
  });
});
