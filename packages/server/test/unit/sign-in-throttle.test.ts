import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MemoryRateLimiter } from '../../src/limits/memory-rate-limiter.js';
import { ipBucket, SignInThrottle } from '../../src/protocol/authorization/sign-in-throttle.js';
import { TestClock } from '../helpers/test-server.js';

const RUNS = { numRuns: 400 };
/** Text with many of the characters parsers care about. */
const tricky = (maxLength: number) =>
  fc.string({ unit: fc.oneof(fc.constantFrom('.', '-', '_', '%', ':', ' ', '\0'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength });

describe('sign-in throttle keys (property)', () => {
  it('B11.1 a device cookie is trusted only as issued, for its own account, until it expires', async () => {
    const clock = new TestClock(1_800_000_000);
    const throttle = new SignInThrottle(new MemoryRateLimiter(clock), clock, 'k'.repeat(43));
    const attempt = throttle.attempt('alice@example.test', '192.0.2.1', undefined);
    const { cookie } = await throttle.succeeded(attempt);
    assert.ok(throttle.attempt('Alice@Example.test ', '192.0.2.9', cookie).device, 'the same account, another address');
    assert.equal(throttle.attempt('bob@example.test', '192.0.2.1', cookie).device, undefined, 'another account');
    fc.assert(
      fc.property(fc.nat({ max: cookie.length - 1 }), fc.constantFrom(...'Aa0-_.'.split('')), (index, replacement) => {
        fc.pre(cookie[index] !== replacement);
        const tampered = cookie.slice(0, index) + replacement + cookie.slice(index + 1);
        assert.equal(throttle.attempt('alice@example.test', '192.0.2.1', tampered).device, undefined);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(tricky(120), (garbage) => {
        assert.equal(throttle.attempt('alice@example.test', '192.0.2.1', garbage).device, undefined);
      }),
      RUNS,
    );
    clock.advance(91 * 86_400);
    assert.equal(throttle.attempt('alice@example.test', '192.0.2.1', cookie).device, undefined, 'expired');
  });

  it('B11.2 counts IPv6 clients per /64 whatever the notation, and IPv4-mapped addresses as IPv4', () => {
    const canonical = (address: string) => new URL(`http://[${address}]/`).hostname.slice(1, -1);
    fc.assert(
      fc.property(fc.ipV6(), fc.ipV6(), (a, b) => {
        const bucket = ipBucket(a);
        assert.match(bucket, /^[0-9a-f]{1,4}(:[0-9a-f]{1,4}){3}::\/64$/);
        assert.equal(ipBucket(canonical(a)), bucket, `${a} and ${canonical(a)}`);
        const groups = (address: string) => new URL(`http://[${address}]/`).hostname.slice(1, -1);
        // Same first 64 bits, any last 64: the same bucket.
        const full = (address: string) => expand(groups(address));
        const mixed = [...full(a).slice(0, 4), ...full(b).slice(4)].join(':');
        assert.equal(ipBucket(mixed), bucket);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        assert.equal(ipBucket(address), address);
        assert.equal(ipBucket(`::ffff:${address}`), address);
      }),
      RUNS,
    );
  });
});

/** The eight groups of a canonical (compressed, hex) IPv6 address. */
function expand(address: string): string[] {
  const [head = '', tail = ''] = address.split('::');
  const before = head === '' ? [] : head.split(':');
  const after = tail === '' ? [] : tail.split(':');
  return address.includes('::') ? [...before, ...Array<string>(8 - before.length - after.length).fill('0'), ...after] : before;
}

describe('sign-in throttle tiers', () => {
  it('B11.1 the wait grows with the attempts, successes clear the account, and no lock is permanent', async () => {
    const clock = new TestClock(1_800_000_000 - (1_800_000_000 % 3600));
    const throttle = new SignInThrottle(new MemoryRateLimiter(clock), clock, 'k'.repeat(43));
    const attempt = throttle.attempt('alice@example.test', '192.0.2.1', undefined);
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await throttle.begin(attempt));
    assert.deepEqual(results.slice(0, 5).map((r) => r.allowed), [true, true, true, true, true]);
    const first = results[5]!;
    assert.ok(!first.allowed && first.retryAfter > 0 && first.retryAfter <= 120, JSON.stringify(first));

    // One attempt a minute and a half keeps under the minute tier but fills the quarter-hour one.
    let refused: { allowed: false; retryAfter: number } | undefined;
    for (let i = 0; i < 12 && !refused; i++) {
      clock.advance(90);
      const decision = await throttle.begin(attempt);
      if (!decision.allowed) refused = decision;
    }
    assert.ok(refused && refused.retryAfter > 120, `a longer wait: ${JSON.stringify(refused)}`);

    clock.advance(2 * 3600 + 1);
    assert.equal((await throttle.begin(attempt)).allowed, true, 'the lock has lifted');
    for (let i = 0; i < 4; i++) await throttle.begin(attempt);
    await throttle.succeeded(attempt);
    for (let i = 0; i < 5; i++) assert.equal((await throttle.begin(attempt)).allowed, true, 'a success forgave the earlier attempts');
  });

  it('B11.2 failures count per address, successes do not, and a trusted device is exempt', async () => {
    const clock = new TestClock(1_800_000_000 - (1_800_000_000 % 3600));
    const throttle = new SignInThrottle(new MemoryRateLimiter(clock), clock, 'k'.repeat(43));
    for (let i = 0; i < 40; i++) {
      const attempt = throttle.attempt(`user${i}@example.test`, '2001:db8::1', undefined);
      if ((await throttle.begin(attempt)).allowed) await throttle.succeeded(attempt);
    }
    const fresh = throttle.attempt('someone@example.test', '2001:db8::2', undefined);
    assert.equal((await throttle.begin(fresh)).allowed, true, 'forty successful sign-ins from one address lock nothing');
    for (let i = 0; i < 31; i++) {
      const attempt = throttle.attempt(`user${i}@example.test`, '2001:db8::1', undefined);
      if ((await throttle.begin(attempt)).allowed) await throttle.failed(attempt);
    }
    assert.equal((await throttle.begin(throttle.attempt('other@example.test', '2001:db8:0:0:ffff::9', undefined))).allowed, false, 'the same /64');
    assert.equal((await throttle.begin(throttle.attempt('other@example.test', '2001:db8:0:1::9', undefined))).allowed, true, 'another /64');
    const { cookie } = await throttle.succeeded(throttle.attempt('owner@example.test', '198.51.100.1', undefined));
    assert.equal((await throttle.begin(throttle.attempt('owner@example.test', '2001:db8::1', cookie))).allowed, true, 'a trusted device');
  });
});
