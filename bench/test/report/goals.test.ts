import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { checkGoals, formatGoals, type GoalCheck } from '../../src/report/goals.js';
import type { BenchReport, ScenarioReport, TargetSummary } from '../../src/report/report.js';
import type { ScenarioId } from '../../src/scenarios/scenarios.js';
import { targetSummary } from '../helpers/target-summary.js';

function scenario(id: ScenarioId, limitRate: number, targets: TargetSummary[]): ScenarioReport {
  return { id, title: id, unit: 'req/s', signatures: 0, passwordChecks: 0, limit: { rate: limitRate, basis: 'test' }, targets };
}

function report(scenarios: ScenarioReport[]): BenchReport {
  return {
    version: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:10:00.000Z',
    machine: { cpuModel: 'test', cores: 2, memoryBytes: 2 ** 34, node: 'v20', os: 'linux' },
    settings: {
      rounds: 3,
      durationSeconds: 5,
      warmupSeconds: 1,
      connections: 32,
      flowConcurrency: 8,
      latchkeyDatabase: 'sqlite',
      latchkeyWorkers: [1],
      latchkeyCpuProfiled: false,
      seed: null,
    },
    limits: {
      bare: { rate: 20_000, p50: 1, p99: 2, cpuPerSuccess: null, rounds: [] },
      crypto: {
        signing: { RS256: { sequential: 1, parallel: 2 }, ES256: { sequential: 1, parallel: 2 }, EdDSA: { sequential: 1, parallel: 2 } },
        argon2id: { sequential: 1, parallel: 2 },
        threadPoolSize: 4,
      },
      cryptoRounds: [],
    },
    scenarios,
  };
}

const find = (checks: GoalCheck[], id: ScenarioId, goal: RegExp) => {
  const found = checks.filter((check) => check.scenario === id && goal.test(check.goal));
  assert.equal(found.length, 1, `one check of ${id} matching ${goal}`);
  return found[0]!;
};

test('each goal is judged on its threshold: the share of bare, of the signing limit, the ratio to the peer, p99 and RSS', () => {
  const checks = checkGoals(
    report([
      scenario('discovery', 20_000, [targetSummary({ rate: 12_000, ratioToLimit: 0.6, p99: 24, peakRssBytes: 149_000_000 })]),
      scenario('jwks', 20_000, [targetSummary({ rate: 11_900, ratioToLimit: 0.595, p99: 25, peakRssBytes: 150_000_000 })]),
      scenario('client-credentials', 2_000, [targetSummary({ rate: 1_600, ratioToLimit: 0.8 })]),
      scenario('authorize-session', 20_000, [targetSummary({ rate: 3_000, ratioToPeer: 1.49 })]),
    ]),
  );
  assert.equal(find(checks, 'discovery', /bare/).met, true);
  assert.equal(find(checks, 'jwks', /bare/).met, false);
  assert.equal(find(checks, 'jwks', /bare/).measured, '0.59×');
  assert.equal(find(checks, 'client-credentials', /signing limit/).met, true);
  assert.equal(find(checks, 'authorize-session', /node-oidc-provider/).met, false);
  assert.equal(find(checks, 'discovery', /p99/).met, true);
  assert.equal(find(checks, 'jwks', /p99/).met, false, 'the goal is under 25 ms: 25 misses it');
  assert.equal(find(checks, 'discovery', /RSS/).met, true);
  assert.equal(find(checks, 'jwks', /RSS/).met, false, '150 MB is not under 150 MB');
  assert.equal(find(checks, 'client-credentials', /RSS/).met, null, 'no RSS figure, no verdict');
  // The peer's line and the sign-in flow have no goal of their own.
  assert.ok(checks.every((check) => check.scenario !== 'sign-in-flow'));
});

test('a missed token goal says how much event-loop CPU per request the goal leaves, from the run’s own figures', () => {
  const cpuPerSuccess = { eventLoopMs: 0.5, otherThreadsMs: 1.0, loadGeneratorMs: 0.1 };
  const checks = checkGoals(report([scenario('client-credentials', 1_600, [targetSummary({ rate: 1_100, ratioToLimit: 0.69, cpuPerSuccess })])]));
  const check = find(checks, 'client-credentials', /signing limit/);
  assert.equal(check.met, false);
  // 80 % of 1,600/s is 1,280/s: 2 cores give 1.5625 ms a request, less 1.0 and 0.1 leaves 0.46 ms.
  assert.match(check.detail ?? '', /80 % of the limit \(1,280\/s\) leaves 1\.56 ms of CPU per request on 2 cores/);
  assert.match(check.detail ?? '', /the event loop may take 0\.46 ms \(it took 0\.50 ms\)$/);

  const withBare = report([scenario('client-credentials', 1_600, [targetSummary({ rate: 1_100, ratioToLimit: 0.69, cpuPerSuccess })])]);
  const bareCpu = { eventLoopMs: 0.03, otherThreadsMs: 0.001, loadGeneratorMs: 0.02 };
  const bareChecks = checkGoals({ ...withBare, limits: { ...withBare.limits, bare: { ...withBare.limits.bare, cpuPerSuccess: bareCpu } } });
  assert.match(find(bareChecks, 'client-credentials', /signing limit/).detail ?? '', /\(it took 0\.50 ms; a bare node:http answer alone takes 0\.03 ms\)$/);

  const heavy = { eventLoopMs: 0.5, otherThreadsMs: 1.5, loadGeneratorMs: 0.1 };
  const starved = checkGoals(report([scenario('client-credentials', 1_600, [targetSummary({ rate: 900, ratioToLimit: 0.56, cpuPerSuccess: heavy })])]));
  assert.match(find(starved, 'client-credentials', /signing limit/).detail ?? '', /nothing is left for the event loop/);
});

test('a missed p99 gives the mean latency the concurrency implies, and says when even the limit cannot meet the goal', () => {
  const checks = checkGoals(
    report([
      // 32 in flight at 800/s: 40 ms on average; at the limit of 1,000/s, 32 ms.
      scenario('authorization-code', 1_000, [targetSummary({ rate: 800, ratioToLimit: 0.8, p99: 90 })]),
      // At 2,000/s, 16 ms; at the limit of 4,000/s, 8 ms: reachable on this machine.
      scenario('userinfo', 4_000, [targetSummary({ rate: 2_000, p99: 30 })]),
    ]),
  );
  const code = find(checks, 'authorization-code', /p99/);
  assert.equal(code.met, false);
  assert.match(code.detail ?? '', /40 ms at this rate, 32 ms even at the scenario's limit, above the goal on this machine/);
  const userinfo = find(checks, 'userinfo', /p99/);
  assert.match(userinfo.detail ?? '', /16 ms at this rate, 8\.00 ms even at the scenario's limit$/);
  assert.equal(find(checks, 'authorization-code', /signing limit/).detail, undefined, 'a met goal has no detail');
});

test('a variant with a tolerance is judged against its baseline; the peer and variants without one are not judged', () => {
  const seeded = targetSummary({ key: 'latchkey-seeded', baseline: { key: 'latchkey', meaning: 'seeded ÷ empty', tolerance: 0.15 }, ratioToBaseline: 0.84 });
  const workers = targetSummary({ key: 'latchkey-workers-2', baseline: { key: 'latchkey', meaning: 'workers ÷ one process' }, ratioToBaseline: 0.7 });
  const peer = targetSummary({ target: 'node-oidc-provider', key: 'node-oidc-provider', p99: 200 });
  const checks = checkGoals(report([scenario('userinfo', 4_000, [targetSummary({ rate: 2_000, p99: 10 }), seeded, workers, peer])]));
  const tolerance = checks.filter((check) => /within/.test(check.goal));
  assert.equal(tolerance.length, 1);
  assert.equal(tolerance[0]!.goal, 'seeded ÷ empty within 15 %, rate and CPU per success (each round against its own baseline)');
  assert.equal(tolerance[0]!.measured, '0.84×');
  assert.equal(tolerance[0]!.met, false);
  assert.equal(find(checks, 'userinfo', /p99/).met, true, 'only the one-process server on an empty database is judged');
});

test('a tolerance holds for the rate and the CPU per success together, on both sides of 1', () => {
  const judged = (ratioToBaseline: number | null, cpuRatioToBaseline: number | null) => {
    const seeded = targetSummary({ key: 'latchkey-seeded', baseline: { key: 'latchkey', meaning: 'seeded ÷ empty', tolerance: 0.15 }, ratioToBaseline, cpuRatioToBaseline });
    return find(checkGoals(report([scenario('userinfo', 4_000, [seeded])])), 'userinfo', /within/);
  };
  assert.deepEqual([judged(0.9, 1.1).met, judged(0.9, 1.1).measured], [true, '0.90× (CPU per success 1.10×)']);
  assert.equal(judged(0.9, 1.2).met, false, 'a cost that grew by 20 % misses it, whatever the rate');
  assert.equal(judged(1.2, 0.9).met, false, 'a seeded server 20 % faster is outside it too');
  assert.equal(judged(0.9, null).met, true, 'without CPU figures the rate decides');
  assert.equal(judged(null, 0.9).met, null, 'without a rate there is no verdict');
});

test('the goals are printed one a line, the missed ones in capitals with their detail under them', () => {
  const lines = formatGoals([
    { scenario: 'jwks', goal: 'rate ≥ 60 % of the bare node:http server', measured: '0.62×', met: true },
    { scenario: 'refresh-token', goal: 'p99 < 25 ms at 32 connections', measured: '90 ms', met: false, detail: 'why' },
    { scenario: 'userinfo', goal: 'peak RSS < 150 MB', measured: '—', met: null },
  ]);
  assert.deepEqual(lines.slice(0, 2), ['', 'Goals (Latchkey, ratios within this run):']);
  assert.match(lines[2]!, /^ {2}met +jwks +rate ≥ 60 % of the bare node:http server: 0\.62×$/);
  assert.match(lines[3]!, /^ {2}MISSED +refresh-token {2}p99 < 25 ms at 32 connections: 90 ms$/);
  assert.match(lines[4]!, /^ +why$/);
  assert.match(lines[5]!, /^ {2}no figure +userinfo/);
  assert.deepEqual(formatGoals([]), []);
});
