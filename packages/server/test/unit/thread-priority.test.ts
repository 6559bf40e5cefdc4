import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { getPriority } from 'node:os';
import { describe, it } from 'node:test';
import { lowerHelperThreads } from '../../src/runtime/thread-priority.js';

/** The priority the children start with: this process's own (0 unless the tests run under nice). */
const BASE = getPriority();
const MODULE = new URL('../../src/runtime/thread-priority.ts', import.meta.url).href;

interface ChildReport {
  pid: number;
  before: Record<string, number>;
  result: { threads: number; nice: number } | null;
  after: Record<string, number>;
  /** Threads that a worker started after the lowering added, with their nice values. */
  started: Record<string, number>;
}

// Lowering priorities cannot be undone without privileges: each case runs in a process of its own.
const CHILD = `
import { readdirSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
const { lowerHelperThreads } = await import(${JSON.stringify(MODULE)});
const nices = () => Object.fromEntries(readdirSync('/proc/self/task').map((tid) => [tid, getPriority(Number(tid))]));
const before = nices();
const result = lowerHelperThreads(Number(process.argv.at(-1)));
const after = nices();
const worker = new Worker('setTimeout(() => {}, 200)', { eval: true });
await new Promise((resolve) => worker.once('online', resolve));
const started = Object.fromEntries(Object.entries(nices()).filter(([tid]) => !(tid in after)));
await worker.terminate();
console.log(JSON.stringify({ pid: process.pid, before, result: result ?? null, after, started }));
`;

function runChild(niceness: number, baseNice = 0): ChildReport {
  const node = [process.execPath, '--import', 'tsx', '--input-type=module', '--eval', CHILD, String(niceness)];
  const [command, ...args] = baseNice > 0 ? ['nice', '-n', String(baseNice), ...node] : node;
  const child = spawnSync(command!, args, { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as ChildReport;
}

function othersThan(pid: number, nices: Record<string, number>): number[] {
  return Object.entries(nices)
    .filter(([tid]) => Number(tid) !== pid)
    .map(([, nice]) => nice);
}

describe('helper thread priority', { skip: process.platform !== 'linux' ? 'nice values are per thread on Linux only' : undefined }, () => {
  it('lowers every thread but the event loop by the given steps; threads started later keep the event loop’s priority', () => {
    const report = runChild(7);
    const helpers = othersThan(report.pid, report.after);
    assert.ok(helpers.length >= 4, `libuv's pool and V8's helpers are there (${helpers.length} threads)`);
    assert.deepEqual(othersThan(report.pid, report.before), helpers.map(() => BASE), 'all equal before');
    assert.deepEqual(report.result, { threads: helpers.length, nice: Math.min(19, BASE + 7) });
    assert.equal(report.after[String(report.pid)], BASE, 'the event loop keeps its priority');
    assert.deepEqual(helpers, helpers.map(() => Math.min(19, BASE + 7)));
    assert.ok(Object.keys(report.started).length > 0, 'the worker added threads');
    assert.deepEqual(Object.values(report.started), Object.values(report.started).map(() => BASE));
  });

  it('counts from the priority the process was started with, down to 19 at most', () => {
    const report = runChild(10, 15);
    assert.equal(report.after[String(report.pid)], Math.min(19, BASE + 15));
    assert.equal(report.result?.nice, 19);
    const helpers = othersThan(report.pid, report.after);
    assert.deepEqual(helpers, helpers.map(() => 19));
  });

  it('changes nothing with 0 steps, or where the threads cannot be listed', () => {
    const report = runChild(0);
    assert.equal(report.result, null);
    assert.deepEqual(report.after, report.before);
    assert.equal(lowerHelperThreads(5, '/nonexistent/task'), undefined);
  });
});
