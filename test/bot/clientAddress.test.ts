import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { clientAddressOf } from '../../bot/clientAddress';

/** A request as proxy-addr reads it: the socket's peer and the headers. */
function request(peer: string | undefined, forwardedFor?: string): IncomingMessage {
  const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  return {
    headers,
    socket: { remoteAddress: peer },
    connection: { remoteAddress: peer },
  } as unknown as IncomingMessage;
}

describe('clientAddressOf()', () => {
  const rows: [name: string, trusted: string[], req: IncomingMessage, address: string][] = [
    [
      'no trusted proxy: the peer, whatever the header says',
      [],
      request('10.0.0.5', '203.0.113.9'),
      '10.0.0.5',
    ],
    [
      'a trusted peer: the address it forwarded',
      ['10.0.0.5'],
      request('10.0.0.5', '203.0.113.9'),
      '203.0.113.9',
    ],
    [
      'a trusted peer: the rightmost untrusted address, not one the client forged before it',
      ['10.0.0.0/8'],
      request('10.0.0.5', '198.51.100.1, 203.0.113.9, 10.0.0.7'),
      '203.0.113.9',
    ],
    ['an untrusted peer: its own address', ['10.0.0.5'], request('192.0.2.1', '203.0.113.9'), '192.0.2.1'],
    ['a trusted peer without the header: the peer', ['loopback'], request('127.0.0.1'), '127.0.0.1'],
    [
      'an IPv4-mapped peer matches an IPv4 entry',
      ['127.0.0.1'],
      request('::ffff:127.0.0.1', '203.0.113.9'),
      '203.0.113.9',
    ],
    [
      'a forwarded address with a port loses the port',
      ['10.0.0.5'],
      request('10.0.0.5', '203.0.113.9:51234'),
      '203.0.113.9',
    ],
    ['an IPv6 forwarded address', ['10.0.0.5'], request('10.0.0.5', '2001:db8::7'), '2001:db8::7'],
    ['a closed socket without a peer', [], request(undefined), 'unknown'],
  ];
  for (const [name, trusted, req, address] of rows) {
    it(`${name} (${address})`, () => {
      assert.equal(clientAddressOf(trusted)(req), address);
    });
  }
});
