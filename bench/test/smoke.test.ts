import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { checkGoals, type GoalCheck } from '../src/report/goals.js';
import type { BenchReport } from '../src/report/report.js';
import { formatTable } from '../src/report/table.js';
import { writeResults } from '../src/report/write-results.js';
import { runBench } from '../src/run-bench.js';
import { latchkeyMain } from '../src/targets/latchkey.js';
import type { TargetName } from '../src/targets/target.js';

// One very short round of three scenarios, to keep `npm run bench` working; not a measurement.
test('a short round measures JWKS, code redemption and sign-in flows on each server and writes the results', async () => {
  const targets: TargetName[] = existsSync(latchkeyMain()) ? ['latchkey', 'node-oidc-provider'] : ['node-oidc-provider'];
  const report = await runBench({
    rounds: 1,
    durationSeconds: 0.3,
    warmupSeconds: 0,
    connections: 4,
    // 8 concurrent sign-ins of one account would exceed Latchkey's per-account throttle (5 a
    // minute) and be answered 429: each flow must sign in a user of its own.
    flowConcurrency: 8,
    scenarios: ['jwks', 'authorization-code', 'sign-in-flow'],
    targets,
    cryptoSeconds: 0.05,
    log: () => {},
  });

  assert.ok(report.limits.bare.rate !== null && report.limits.bare.rate > 0, 'the bare node:http limit was measured');
  assert.ok(report.limits.crypto.signing.RS256.parallel > 0, 'RS256 signing throughput was measured');
  assert.deepEqual(report.scenarios.map((s) => s.id), ['jwks', 'authorization-code', 'sign-in-flow']);
  for (const scenario of report.scenarios) {
    assert.deepEqual(scenario.targets.map((t) => t.target), targets);
    for (const summary of scenario.targets) {
      const where = `${scenario.id} on ${summary.target}: ${JSON.stringify(summary.rounds)}`;
      assert.ok(summary.rate !== null && summary.rate > 0, where);
      assert.equal(summary.failures, 0, where);
      assert.ok(summary.ratioToLimit !== null && summary.ratioToLimit > 0, where);
      assert.ok(summary.peakRssBytes === null || summary.peakRssBytes > 10 * 1024 * 1024, where);
    }
  }

  const table = formatTable(report);
  assert.match(table, /^authorization-code\s/m);
  if (targets.includes('latchkey')) assert.match(table, /^Goals \(Latchkey, ratios within this run\):\n(?: {2}(?:met|MISSED) .*\n)+/m);
  const dir = await mkdtemp(join(tmpdir(), 'latchkey-bench-smoke-'));
  try {
    const written = await writeResults(report, dir);
    const latest = JSON.parse(await readFile(join(dir, 'latest.json'), 'utf8')) as BenchReport & { goals: GoalCheck[] };
    assert.equal(latest.machine.cores, report.machine.cores);
    assert.deepEqual(latest.goals, checkGoals(report));
    assert.equal(written.length, 3);
    assert.match(await readFile(join(dir, 'latest.svg'), 'utf8'), /^<svg [^>]*>[\s\S]*authorization-code[\s\S]*<\/svg>\n$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
