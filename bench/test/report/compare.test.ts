import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { rateRatio, withBaselineRatios, withinTolerance } from '../../src/report/compare.js';
import type { RoundResult, TargetSummary } from '../../src/report/report.js';
import { loadResult } from '../helpers/load-result.js';
import { targetSummary } from '../helpers/target-summary.js';

function summary(key: string, rate: number | null, baselineKey?: string): TargetSummary {
  const baseline = baselineKey === undefined ? null : { key: baselineKey, meaning: 'seeded ÷ empty', tolerance: 0.15 };
  return targetSummary({ key, label: key, baseline, rate });
}

test('rateRatio divides a rate by its baseline, and gives null without a usable baseline', () => {
  assert.equal(rateRatio(900, 1000), 0.9);
  assert.equal(rateRatio(1200, 1000), 1.2);
  assert.equal(rateRatio(null, 1000), null);
  assert.equal(rateRatio(900, null), null);
  assert.equal(rateRatio(900, 0), null);
  assert.equal(rateRatio(Number.NaN, 1000), null);
});

test('withinTolerance accepts 1 ± 15 % and nothing outside, on both sides', () => {
  assert.equal(withinTolerance(0.85, 0.15), true);
  assert.equal(withinTolerance(1.15, 0.15), true);
  assert.equal(withinTolerance(1, 0.15), true);
  assert.equal(withinTolerance(0.849, 0.15), false);
  assert.equal(withinTolerance(1.151, 0.15), false);
});

/** A round's result: `rate` successes a second for 10 s, with `cpuMs` of the server's CPU per success (event loop, pool). */
function round(n: number, rate: number, cpuMs?: [number, number]): RoundResult {
  const successes = rate * 10;
  const cpu = cpuMs && { eventLoopMs: cpuMs[0] * successes, otherThreadsMs: cpuMs[1] * successes, loadGeneratorMs: 0 };
  return { round: n, result: loadResult(successes, 10, cpu) };
}

function withRounds(key: string, rounds: RoundResult[], baselineKey?: string): TargetSummary {
  return { ...summary(key, null, baselineKey), rounds };
}

test('withBaselineRatios compares each variant with the summary it names, and leaves the others alone', () => {
  const [empty, seeded, workers, orphan] = withBaselineRatios([
    withRounds('latchkey', [round(1, 2000)]),
    withRounds('latchkey-seeded', [round(1, 1800)], 'latchkey'),
    withRounds('latchkey-workers-2', [round(1, 3000)], 'latchkey'),
    withRounds('latchkey-seeded-2', [round(1, 1800)], 'missing'),
  ]);
  assert.equal(empty?.ratioToBaseline, null);
  assert.equal(seeded?.ratioToBaseline, 0.9);
  assert.equal(workers?.ratioToBaseline, 1.5);
  assert.equal(orphan?.ratioToBaseline, null);
});

test('a variant whose baseline produced no figure in any of its rounds has no ratio', () => {
  const [, seeded] = withBaselineRatios([
    withRounds('latchkey', [{ round: 1, error: 'did not start' }, round(2, 2000)]),
    withRounds('latchkey-seeded', [round(1, 1800), { round: 2, error: 'did not start' }], 'latchkey'),
  ]);
  assert.equal(seeded?.ratioToBaseline, null);
  assert.equal(seeded?.cpuRatioToBaseline, null);
});

test('each round is compared with its own baseline, so the machine slowing from round to round does not count as a cost', () => {
  // The machine halves its speed in round 2; in round 3 the seeded server alone was disturbed.
  const [, seeded] = withBaselineRatios([
    withRounds('latchkey', [round(1, 2000, [0.2, 0.4]), round(2, 1000, [0.4, 0.8]), round(3, 1500, [0.27, 0.53])]),
    // Listed in another order: rounds pair by number, not by position.
    withRounds('latchkey-seeded', [round(3, 1100, [0.37, 0.73]), round(1, 1900, [0.21, 0.42]), round(2, 1000, [0.4, 0.8])], 'latchkey'),
  ]);
  // Per round 0.95, 1 and 0.73: the median is 0.95. The medians of the two servers' rates
  // (1,100 against 1,500) would have said 0.73, and their CPU per success 1.38×.
  assert.equal(seeded?.ratioToBaseline, 0.95);
  assert.ok(Math.abs(seeded!.cpuRatioToBaseline! - 1.05) < 1e-9, `CPU ratio ${seeded!.cpuRatioToBaseline}`);
});

test('the ratio is the median of the rounds\' ratios, and rounds without CPU figures leave the CPU ratio out', () => {
  const [, seeded, unmeasured] = withBaselineRatios([
    withRounds('latchkey', [round(1, 1000, [0.5, 1.5]), round(2, 1000, [0.5, 1.5]), round(3, 1000)]),
    withRounds('latchkey-seeded', [round(1, 500, [0.7, 1.5]), round(2, 900, [0.5, 1.5]), round(3, 950, [0.5, 1.5])], 'latchkey'),
    withRounds('latchkey-seeded-2', [round(1, 900), round(2, 900)], 'latchkey'),
  ]);
  assert.equal(seeded?.ratioToBaseline, 0.9);
  // Rounds 1 and 2 measured CPU on both servers: (2.2 / 2 + 2 / 2) / 2.
  assert.ok(Math.abs(seeded!.cpuRatioToBaseline! - 1.05) < 1e-9, `CPU ratio ${seeded!.cpuRatioToBaseline}`);
  assert.equal(unmeasured?.cpuRatioToBaseline, null);
});
