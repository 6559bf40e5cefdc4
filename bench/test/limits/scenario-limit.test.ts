import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CryptoLimits } from '../../src/limits/crypto-limits.js';
import { scenarioLimit } from '../../src/limits/scenario-limit.js';
import { SCENARIOS } from '../../src/scenarios/scenarios.js';
import type { ScenarioId } from '../../src/scenarios/scenarios.js';

const crypto: CryptoLimits = {
  signing: {
    RS256: { sequential: 1_000, parallel: 2_000 },
    ES256: { sequential: 5_000, parallel: 10_000 },
    EdDSA: { sequential: 6_000, parallel: 12_000 },
  },
  argon2id: { sequential: 50, parallel: 100 },
  threadPoolSize: 4,
};
const scenario = (id: ScenarioId) => SCENARIOS.find((s) => s.id === id)!;

test('a scenario signing k JWTs is limited to the parallel RS256 rate divided by k', () => {
  assert.deepEqual(scenarioLimit(scenario('client-credentials'), 20_000, crypto), { rate: 2_000, basis: '1 × RS256' });
  assert.deepEqual(scenarioLimit(scenario('authorization-code'), 20_000, crypto), { rate: 1_000, basis: '2 × RS256' });
});

test('the bare HTTP rate caps every scenario, alone for those that sign nothing', () => {
  assert.deepEqual(scenarioLimit(scenario('userinfo'), 20_000, crypto), { rate: 20_000, basis: 'bare node:http' });
  assert.deepEqual(scenarioLimit(scenario('client-credentials'), 1_500, crypto), { rate: 1_500, basis: 'bare node:http' });
});

test('a sign-in flow shares the thread pool between its signatures and its argon2id check', () => {
  // 2 / 2000 + 1 / 100 seconds of pool time per flow.
  const limit = scenarioLimit(scenario('sign-in-flow'), 20_000, crypto);
  assert.equal(limit.basis, '2 × RS256 + 1 × argon2id');
  assert.ok(Math.abs(limit.rate - 1 / (2 / 2_000 + 1 / 100)) < 1e-9);
});
