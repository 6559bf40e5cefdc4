import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formatSelfTime, selfTimeByFunction } from '../../src/tools/self-time.js';
import type { CpuProfile } from '../../src/tools/self-time.js';
import { repoRoot } from '../../src/process/repo-root.js';

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
  const summary = selfTimeByFunction(profile, { base: '/srv/app' });
  assert.equal(summary.totalMicros, 10_000);
  assert.deepEqual(summary.functions, [
    { name: 'sign', location: 'node_modules/jose/sign.js:42', selfMicros: 2_000 + 1_000 + 2_000 },
    { name: '(garbage collector)', location: '', selfMicros: 3_000 },
    { name: 'main', location: 'dist/main.js:1', selfMicros: 1_000 },
    { name: '(anonymous)', location: 'dist/main.js:10', selfMicros: 1_000 },
  ]);
});

test('the table lists the top functions with their share of the profiled time', () => {
  const lines = formatSelfTime(selfTimeByFunction(profile, { base: '/srv/app' }), 2).split('\n');
  assert.equal(lines[0], '10.0 ms profiled; the 2 functions with the most self time:');
  assert.match(lines[1]!, /^self ms\s+share\s+function\s+location$/);
  assert.match(lines[2]!, /^\s*5\.0\s+50\.0 %\s+sign\s+node_modules\/jose\/sign\.js:42$/);
  assert.match(lines[3]!, /^\s*3\.0\s+30\.0 %\s+\(garbage collector\)$/);
  assert.equal(lines.length, 4);
});

test('a sample naming a node the profile lacks is an error, not a silent zero', () => {
  assert.throws(() => selfTimeByFunction({ ...profile, samples: [99] }), /node 99/);
});

// (root) → startUp, then (root) → tokenEndpoint → sign: the load starts at the third sample.
const withLoad: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 3, 5] },
    { id: 2, callFrame: frame('startUp', 'file:///srv/app/dist/main.js', 0) },
    { id: 3, callFrame: frame('tokenEndpoint', 'file:///srv/app/dist/token.js', 4), children: [4] },
    { id: 4, callFrame: frame('sign', 'file:///srv/app/node_modules/jose/sign.js', 41) },
    { id: 5, callFrame: frame('(garbage collector)') },
  ],
  startTime: 0,
  endTime: 10_000,
  samples: [2, 2, 4, 5, 3],
  timeDeltas: [0, 3_000, 3_000, 1_000, 1_000],
};

test('--from counts from the first sample with that function on its stack, called or calling', () => {
  const summary = selfTimeByFunction(withLoad, { base: '/srv/app', from: 'tokenEndpoint' });
  assert.equal(summary.totalMicros, 4_000);
  assert.deepEqual(summary.functions, [
    { name: 'tokenEndpoint', location: 'dist/token.js:5', selfMicros: 2_000 },
    { name: 'sign', location: 'node_modules/jose/sign.js:42', selfMicros: 1_000 },
    { name: '(garbage collector)', location: '', selfMicros: 1_000 },
  ]);
  assert.match(formatSelfTime(summary).split('\n')[0]!, /^4\.0 ms profiled from the first sample in tokenEndpoint; the 3 functions/);
  // Without it, the start-up counts too.
  assert.equal(selfTimeByFunction(withLoad, { base: '/srv/app' }).functions[0]?.name, 'startUp');
});

test('--from a function no sample ran is an error, not an empty summary', () => {
  assert.throws(() => selfTimeByFunction(withLoad, { from: 'userinfo' }), /no sample has userinfo on its stack/);
});

test('profile-summary on a folder summarizes each profile under it, and says which lack the --from function', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'profile-summary-'));
  try {
    const round = join(dir, 'client-credentials-latchkey-round1');
    await mkdir(round);
    await writeFile(join(round, 'CPU.1.0.001.cpuprofile'), JSON.stringify(withLoad));
    await writeFile(join(round, 'CPU.1.1.002.cpuprofile'), JSON.stringify(profile));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join('bench', 'src', 'tools', 'profile-summary.ts'), dir, '--from', 'tokenEndpoint'], {
      cwd: repoRoot(),
    });
    const sections = stdout.split('== ').slice(1);
    assert.equal(sections.length, 2);
    assert.match(sections[0]!, /^.*CPU\.1\.0\.001\.cpuprofile\n4\.0 ms profiled from the first sample in tokenEndpoint/);
    assert.match(sections[1]!, /^.*CPU\.1\.1\.002\.cpuprofile\nno sample has tokenEndpoint on its stack/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('profile-summary says what is wrong, without a stack trace, for an empty folder or a --from no sample ran', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'profile-summary-'));
  const summary = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', join('bench', 'src', 'tools', 'profile-summary.ts'), ...args], { cwd: repoRoot() });
  const refusal = (message: RegExp) => (error: { code?: number; stderr?: string }) => {
    assert.equal(error.code, 1);
    assert.match(error.stderr ?? '', message);
    assert.doesNotMatch(error.stderr ?? '', /\n\s+at /);
    return true;
  };
  try {
    await assert.rejects(summary(dir), refusal(/^no CPU profile under /));
    const file = join(dir, 'CPU.1.cpuprofile');
    await writeFile(file, JSON.stringify(withLoad));
    await assert.rejects(summary(file, '--from', 'userinfo'), refusal(/^no sample has userinfo on its stack\n$/));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
