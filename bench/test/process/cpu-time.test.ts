import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { cpuBetween, readServerCpu } from '../../src/process/cpu-time.js';
import type { LoadResult } from '../../src/load/jobs.js';
import { cpuPerSuccess } from '../../src/report/cpu-per-success.js';
import { loadResult } from '../helpers/load-result.js';

/** Spins until this process has used `ms` more of CPU: robust to a busy machine, unlike wall time. */
function spin(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= ms * 1000) return;
  }
}

// Thread times come from Linux's /proc; elsewhere the bench reports no CPU column, which the last test covers.
test('time spent on the main thread counts as event loop, time on another thread does not', { skip: process.platform !== 'linux' && 'thread CPU times are read from Linux /proc only' }, async () => {
  const before = readServerCpu(process.pid);
  assert.ok(before, 'a running process has thread times in /proc');
  spin(300);
  const afterLoop = readServerCpu(process.pid);
  const loop = cpuBetween(before, afterLoop)!;
  assert.ok(loop.eventLoopMs >= 200, `event loop ${loop.eventLoopMs} ms after spinning 300 ms`);

  // The worker spins, says so, and stays alive: a thread's time leaves /proc with the thread.
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const start = process.cpuUsage();
     for (;;) { const used = process.cpuUsage(start); if (used.user + used.system >= 300_000) break; }
     parentPort.postMessage('spun');
     setInterval(() => {}, 1000);`,
    { eval: true },
  );
  await new Promise((resolve) => worker.once('message', resolve));
  const afterWorker = readServerCpu(process.pid);
  await worker.terminate();
  const other = cpuBetween(afterLoop, afterWorker)!;
  assert.ok(other.otherThreadsMs >= 200, `other threads ${other.otherThreadsMs} ms while a worker spun 300 ms`);
  assert.ok(other.eventLoopMs < 150, `event loop ${other.eventLoopMs} ms while it waited`);
});

test('a missing process reads as undefined, and so does a difference with it', () => {
  assert.equal(readServerCpu(2 ** 22 + 1), undefined);
  assert.equal(cpuBetween(undefined, { eventLoopMs: 1, otherThreadsMs: 1 }), undefined);
});

function round(successes: number, eventLoopMs: number, otherThreadsMs: number, loadGeneratorMs: number): LoadResult {
  return loadResult(successes, 1, { eventLoopMs, otherThreadsMs, loadGeneratorMs });
}

test('CPU per success is the median of each round’s share, and null when no round measured it', () => {
  const summary = cpuPerSuccess([round(100, 50, 150, 10), round(200, 60, 280, 30), round(100, 90, 100, 40)]);
  assert.deepEqual(summary, { eventLoopMs: 0.5, otherThreadsMs: 1.4, loadGeneratorMs: 0.15 });
  const { cpu: _cpu, ...unmeasured } = round(100, 0, 0, 0);
  assert.equal(cpuPerSuccess([unmeasured]), null);
  assert.equal(cpuPerSuccess([round(0, 10, 10, 10)]), null);
});
