import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { medianCryptoLimits } from '../../src/limits/crypto-limits.js';
import type { CryptoLimits } from '../../src/limits/crypto-limits.js';

function limits(rs256: number, argon2id: number): CryptoLimits {
  const throughput = (parallel: number) => ({ sequential: parallel / 2, parallel });
  return { signing: { RS256: throughput(rs256), ES256: throughput(rs256 * 4), EdDSA: throughput(rs256 * 5) }, argon2id: throughput(argon2id), threadPoolSize: 4 };
}

test('the limits of a run are the median of each figure over its rounds', () => {
  const median = medianCryptoLimits([limits(1000, 60), limits(2000, 90), limits(1500, 50)]);
  assert.deepEqual(median.signing.RS256, { sequential: 750, parallel: 1500 });
  assert.deepEqual(median.signing.EdDSA, { sequential: 3750, parallel: 7500 });
  assert.deepEqual(median.argon2id, { sequential: 30, parallel: 60 });
  assert.equal(median.threadPoolSize, 4);
});

test('one round is its own median, and no round is an error', () => {
  assert.deepEqual(medianCryptoLimits([limits(1000, 60)]), limits(1000, 60));
  assert.throws(() => medianCryptoLimits([]), /no crypto limits/);
});
