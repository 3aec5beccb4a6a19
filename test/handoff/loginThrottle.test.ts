import assert from 'node:assert/strict';
import { rateLimitKey } from '../../bot/clientAddress';
import { LoginThrottle } from '../../handoff/consoleAuth';

const LIMIT = { attempts: 3, attemptsPerAddress: 50, windowMs: 60_000 };

describe('LoginThrottle', () => {
  it('attempt() counts one account whatever the case or spacing of its username', () => {
    const throttle = new LoginThrottle(LIMIT, () => 0);
    for (const typed of ['ana', 'Ana', ' ANA ']) assert.equal(throttle.attempt(typed, '203.0.113.7'), true);
    assert.notEqual(throttle.attempt('aNa', '203.0.113.7'), true);
    assert.equal(throttle.attempt('bruno', '203.0.113.7'), true);
  });

  it('attempt() counts the addresses of one IPv6 /64 together', () => {
    const throttle = new LoginThrottle(LIMIT, () => 0);
    for (const host of ['1', '2', 'ffff:ffff:3']) {
      assert.equal(throttle.attempt('ana', `2001:db8:1:2::${host}`), true);
    }
    assert.notEqual(throttle.attempt('ana', '2001:db8:1:2:aaaa::9'), true);
    assert.equal(throttle.attempt('ana', '2001:db8:1:3::1'), true, 'another /64 is another client');
  });

  it('attempt() lets an account try again once its window has passed', () => {
    let now = 0;
    const throttle = new LoginThrottle(LIMIT, () => now);
    for (let i = 0; i < 3; i += 1) throttle.attempt('ana', '203.0.113.7');
    assert.deepEqual(throttle.attempt('ana', '203.0.113.7'), { retryAfterSeconds: 60, scope: 'account' });
    now = 60_000;
    assert.equal(throttle.attempt('ana', '203.0.113.7'), true);
  });
});

describe('rateLimitKey()', () => {
  const cases: [address: string, key: string][] = [
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['unknown', 'unknown'],
  ];
  for (const [address, key] of cases) {
    it(`keys ${address} as ${key}`, () => {
      assert.equal(rateLimitKey(address), key);
    });
  }
});
