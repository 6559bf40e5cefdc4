import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatSelfTime, selfTimeByFunction } from '../../src/tools/self-time.js';
import type { CpuProfile } from '../../src/tools/self-time.js';

const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber });

// (root) → main → sign, and (root) → handler → sign: one function on two call paths.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('main', 'file:///srv/app/dist/main.js', 0) },
    { id: 3, callFrame: frame('sign', 'file:///srv/app/node_modules/jose/sign.js', 41) },
    { id: 4, callFrame: frame('', 'file:///srv/app/dist/main.js', 9) },
    { id: 5, callFrame: frame('sign', 'file:///srv/app/node_modules/jose/sign.js', 41) },
    { id: 6, callFrame: frame('(garbage collector)') },
  ],
  startTime: 1_000,
  endTime: 11_000,
  // Each sample lasts until the next; the last until endTime.
  samples: [2, 3, 3, 4, 5, 6],
  timeDeltas: [0, 1_000, 2_000, 1_000, 1_000, 2_000],
};

test('self time is the time until the next sample, added up per function across call paths', () => {
  const summary = selfTimeByFunction(profile, '/srv/app');
  assert.equal(summary.totalMicros, 10_000);
  assert.deepEqual(summary.functions, [
    { name: 'sign', location: 'node_modules/jose/sign.js:42', selfMicros: 2_000 + 1_000 + 2_000 },
    { name: '(garbage collector)', location: '', selfMicros: 3_000 },
    { name: 'main', location: 'dist/main.js:1', selfMicros: 1_000 },
    { name: '(anonymous)', location: 'dist/main.js:10', selfMicros: 1_000 },
  ]);
});

test('the table lists the top functions with their share of the profiled time', () => {
  const lines = formatSelfTime(selfTimeByFunction(profile, '/srv/app'), 2).split('\n');
  assert.equal(lines[0], '10.0 ms profiled; the 2 functions with the most self time:');
  assert.match(lines[1]!, /^self ms\s+share\s+function\s+location$/);
  assert.match(lines[2]!, /^\s*5\.0\s+50\.0 %\s+sign\s+node_modules\/jose\/sign\.js:42$/);
  assert.match(lines[3]!, /^\s*3\.0\s+30\.0 %\s+\(garbage collector\)$/);
  assert.equal(lines.length, 4);
});

test('a sample naming a node the profile lacks is an error, not a silent zero', () => {
  assert.throws(() => selfTimeByFunction({ ...profile, samples: [99] }), /node 99/);
});
