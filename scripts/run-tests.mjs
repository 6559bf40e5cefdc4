#!/usr/bin/env node
// Runs every *.test.ts of the workspaces with Node's own test runner (TypeScript loaded by tsx).
// Usage: node scripts/run-tests.mjs [substring ...]  — only files whose path contains one of them.
// The server's HTTP and end-to-end suites then run again on PostgreSQL (see below).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { connect } from 'node:net';

const root = new URL('..', import.meta.url).pathname;
const roots = ['packages', 'examples', 'bench']
  .map((dir) => join(root, dir))
  .filter((dir) => existsSync(dir));

function collect(dir, found) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, found);
    else if (name.endsWith('.test.ts')) found.push(relative(root, path));
  }
  return found;
}

const filters = process.argv.slice(2);
const files = roots
  .flatMap((dir) => collect(dir, []))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const concurrency = process.env.TEST_CONCURRENCY ?? '2';
function run(selected, env = {}) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...selected],
    { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
  );
  return result.status ?? 1;
}

let status = run(files);

// The server's black-box suites run a second time on PostgreSQL (each server gets a fresh database).
const postgresFiles = files.filter((file) => /^packages\/server\/test\/(http|e2e)\//.test(file));
if (postgresFiles.length > 0 && process.env.LATCHKEY_TEST_DATABASE === undefined) {
  const url = new URL(process.env.LATCHKEY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  if (await reachable(url.hostname, Number(url.port || 5432))) {
    console.log(`\n# the server's HTTP suites again, on PostgreSQL at ${url.host} (${postgresFiles.length} files)`);
    status = run(postgresFiles, { LATCHKEY_TEST_DATABASE: 'postgres' }) || status;
  } else if (ci) {
    console.error(`\n# PostgreSQL is not reachable at ${url.host}: the PostgreSQL run is required in CI`);
    status = 1;
  } else {
    console.log(`\n# skipped the PostgreSQL run: PostgreSQL is not reachable at ${url.host}`);
  }
}
process.exit(status);

function reachable(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
}
