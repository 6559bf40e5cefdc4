import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomToken, timeOrderedId } from '../../../src/crypto/random.js';

describe('randomToken', () => {
  it('has as many base64url characters as the base64url form of its bytes', () => {
    assert.match(randomToken(), /^[A-Za-z0-9_-]{43}$/);
    assert.match(randomToken(16), /^[A-Za-z0-9_-]{22}$/);
    assert.match(randomToken(12), /^[A-Za-z0-9_-]{16}$/);
  });

  it('does not repeat, and uses the whole alphabet evenly', () => {
    const tokens = Array.from({ length: 20_000 }, () => randomToken(16));
    assert.equal(new Set(tokens).size, tokens.length);
    const counts = new Map<string, number>();
    for (const token of tokens) for (const c of token) counts.set(c, (counts.get(c) ?? 0) + 1);
    assert.equal(counts.size, 64);
    // 440,000 characters over 64 symbols: 6,875 each on average; a biased source would stray far.
    for (const count of counts.values()) assert.ok(count > 6_300 && count < 7_450, `count ${count}`);
  });
});

describe('timeOrderedId', () => {
  it('sorts by the time given, then carries 128 random bits', () => {
    const earlier = timeOrderedId(1_700_000_000_000);
    const later = timeOrderedId(1_700_000_000_001);
    assert.match(earlier, /^018bcfe56800[A-Za-z0-9_-]{22}$/);
    assert.ok(earlier < later);
  });

  it('differs within the same millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => timeOrderedId(1_700_000_000_000)));
    assert.equal(ids.size, 1000);
  });
});
