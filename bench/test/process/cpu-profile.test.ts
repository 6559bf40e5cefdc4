import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cpuProfileFolder, listCpuProfiles, missingProfileWarning } from '../../src/process/cpu-profile.js';
import { repoRoot } from '../../src/process/repo-root.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cpu-profiles-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('profiles are found at any depth, sorted; empty files and other files are not profiles', async () => {
  const round1 = cpuProfileFolder(dir, 'jwks', 'latchkey', 1);
  const round2 = cpuProfileFolder(dir, 'jwks', 'latchkey', 2);
  await mkdir(round1, { recursive: true });
  await mkdir(round2, { recursive: true });
  await writeFile(join(round2, 'CPU.2.cpuprofile'), '{"nodes":[]}');
  await writeFile(join(round1, 'CPU.1.cpuprofile'), '{}');
  await writeFile(join(round1, 'CPU.killed.cpuprofile'), '');
  await writeFile(join(round1, 'latchkey.log'), 'listening');
  const found = await listCpuProfiles(dir);
  assert.deepEqual(
    found.map((f) => [f.path, f.bytes]),
    [
      [join(round1, 'CPU.1.cpuprofile'), 2],
      [join(round2, 'CPU.2.cpuprofile'), 12],
    ],
  );
  assert.equal(round1, join(dir, 'jwks-latchkey-round1'));
});

test('a folder that does not exist holds no profiles', async () => {
  assert.deepEqual(await listCpuProfiles(join(dir, 'missing')), []);
});

test('npm run bench refuses a --cpu-prof folder that already holds profiles, before running anything', async () => {
  const used = join(dir, 'used');
  await mkdir(used);
  await writeFile(join(used, 'CPU.old.cpuprofile'), '{}');
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', join('bench', 'src', 'main.ts'), '--only', '1', '--targets', 'latchkey', '--cpu-prof', used], {
    cwd: repoRoot(),
    // Without the refusal the bench would run: stop it, and fail, well before that.
    timeout: 60_000,
  });
  await assert.rejects(run, (error: { code?: number; stderr?: string }) => {
    assert.equal(error.code, 2);
    assert.match(error.stderr ?? '', /already holds CPU profiles/);
    return true;
  });
});

test('a stopped server that left no profile gets a warning naming its folder; one that left a profile, none', async () => {
  const empty = join(dir, 'killed');
  await mkdir(empty);
  await writeFile(join(empty, 'CPU.cut-short.cpuprofile'), '');
  assert.equal(await missingProfileWarning(empty), `warning: no CPU profile in ${empty}: the server did not exit cleanly`);
  assert.match((await missingProfileWarning(join(dir, 'never-created'))) ?? '', /no CPU profile in .*never-created/);
  const written = join(dir, 'exited');
  await mkdir(written);
  await writeFile(join(written, 'CPU.1.cpuprofile'), '{}');
  assert.equal(await missingProfileWarning(written), undefined);
});
