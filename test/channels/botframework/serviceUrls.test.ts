import assert from 'node:assert/strict';
import {
  DEFAULT_SERVICE_URL_PATTERNS,
  isServiceUrlAllowed,
  parseServiceUrlPattern,
  type ServiceUrlPattern,
} from '../../../channels/botframework/serviceUrls';

function patterns(...texts: string[]): ServiceUrlPattern[] {
  return texts.map((text) => {
    const pattern = parseServiceUrlPattern(text);
    if (!pattern) throw new Error(`test pattern ${text} does not parse`);
    return pattern;
  });
}

describe('service URL allow-list', () => {
  const defaults = patterns(...DEFAULT_SERVICE_URL_PATTERNS);

  const cases: [name: string, allowed: ServiceUrlPattern[], url: string, expected: boolean][] = [
    ['the Emulator on localhost', defaults, 'http://localhost:52417', true],
    ['loopback 127.0.0.1 with a path', defaults, 'http://127.0.0.1:4250/internal/admin?x=', true],
    ['another loopback address', defaults, 'http://127.0.0.2:4250/', false],
    ['https on localhost when only http is allowed', defaults, 'https://localhost:443/', false],
    ['a public host', defaults, 'https://smba.trafficmanager.net/emea/', false],
    ['credentials that hide the real host', defaults, 'http://localhost:1@evil.example/', false],
    ['user info on an allowed host', defaults, 'http://user@localhost:3000/', false],
    ['not a URL', defaults, 'localhost:3978', false],
    ['an empty service URL', defaults, '', false],
    [
      'a subdomain wildcard',
      patterns('https://*.botframework.com'),
      'https://webchat.botframework.com/',
      true,
    ],
    [
      'the bare domain under a wildcard',
      patterns('https://*.botframework.com'),
      'https://botframework.com/',
      false,
    ],
    ['a look-alike domain', patterns('https://*.botframework.com'), 'https://evilbotframework.com/', false],
    ['a default port written out', patterns('https://api.example'), 'https://api.example:443/v3', true],
    [
      'another port without a port wildcard',
      patterns('https://api.example'),
      'https://api.example:8443/',
      false,
    ],
    [
      'a path prefix',
      patterns('http://localhost:3979/api/*'),
      'http://localhost:3979/api/v3/conversations',
      true,
    ],
    [
      'outside the path prefix',
      patterns('http://localhost:3979/api/*'),
      'http://localhost:3979/admin',
      false,
    ],
    ['upper-case host', patterns('https://API.example'), 'https://api.EXAMPLE/', true],
    ['a folder without *', patterns('http://localhost:3979/bf'), 'http://localhost:3979/bf/v3/x', true],
    ['the folder itself', patterns('http://localhost:3979/bf'), 'http://localhost:3979/bf', true],
    ['a look-alike folder', patterns('http://localhost:3979/bf'), 'http://localhost:3979/bfx/admin', false],
  ];
  for (const [name, allowed, url, expected] of cases) {
    it(`isServiceUrlAllowed() ${expected ? 'allows' : 'refuses'} ${name}`, () => {
      assert.equal(isServiceUrlAllowed(url, allowed), expected);
    });
  }

  for (const bad of [
    'localhost:3978',
    'ftp://files.example',
    'http://',
    'http://host:99999',
    'http://a b',
    'https://*.com',
  ]) {
    it(`parseServiceUrlPattern() refuses "${bad}"`, () => {
      assert.equal(parseServiceUrlPattern(bad), undefined);
    });
  }
});
