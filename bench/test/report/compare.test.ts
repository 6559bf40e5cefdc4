import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { rateRatio, withBaselineRatios, withinTolerance } from '../../src/report/compare.js';
import type { TargetSummary } from '../../src/report/report.js';

function summary(key: string, rate: number | null, baselineKey?: string): TargetSummary {
  return {
    target: 'latchkey',
    key,
    label: key,
    baseline: baselineKey === undefined ? null : { key: baselineKey, meaning: 'seeded ÷ empty', tolerance: 0.15 },
    rounds: [],
    rate,
    p50: null,
    p99: null,
    failures: 0,
    failuresByKind: {},
    peakRssBytes: null,
    ratioToPeer: null,
    ratioToLimit: null,
    ratioToBaseline: null,
    cpuRatioToBaseline: null,
    exhaustedRounds: 0,
    notes: {},
    cpuPerSuccess: null,
  };
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

test('withBaselineRatios compares each variant with the summary it names, and leaves the others alone', () => {
  const [empty, seeded, workers, orphan] = withBaselineRatios([
    summary('latchkey', 2000),
    summary('latchkey-seeded', 1800, 'latchkey'),
    summary('latchkey-workers-2', 3000, 'latchkey'),
    summary('latchkey-seeded-2', 1800, 'missing'),
  ]);
  assert.equal(empty?.ratioToBaseline, null);
  assert.equal(seeded?.ratioToBaseline, 0.9);
  assert.equal(workers?.ratioToBaseline, 1.5);
  assert.equal(orphan?.ratioToBaseline, null);
});

test('a variant whose baseline produced no figure has no ratio', () => {
  const [, seeded] = withBaselineRatios([summary('latchkey', null), summary('latchkey-seeded', 1800, 'latchkey')]);
  assert.equal(seeded?.ratioToBaseline, null);
});

test('withBaselineRatios also compares the server CPU per success, event loop and other threads together', () => {
  const cpu = (eventLoopMs: number, otherThreadsMs: number) => ({ eventLoopMs, otherThreadsMs, loadGeneratorMs: 5 });
  const [, seeded, unmeasured] = withBaselineRatios([
    { ...summary('latchkey', 2000), cpuPerSuccess: cpu(0.5, 1.5) },
    { ...summary('latchkey-seeded', 1800, 'latchkey'), cpuPerSuccess: cpu(0.7, 1.5) },
    summary('latchkey-seeded-2', 1800, 'latchkey'),
  ]);
  assert.equal(seeded?.cpuRatioToBaseline, 1.1);
  assert.equal(unmeasured?.cpuRatioToBaseline, null);
});
