import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import {
  growYoungGenerationToCap,
  holdYoungGeneration,
  keepYoungGenerationCap,
  releaseYoungGeneration,
  semiSpaceBytes,
  youngGenerationChosenByOperator,
} from '../../src/runtime/young-generation.js';

const MiB = 1024 * 1024;

/** Allocates like a busy server, with a good part surviving a scavenge, yielding to the event loop between batches. */
async function churn(batches: number): Promise<void> {
  const kept: object[] = [];
  for (let batch = 0; batch < batches; batch++) {
    for (let i = 0; i < 5000; i++) {
      kept.push({ i, text: `item ${i}`, list: [i] });
      if (kept.length > 30_000) kept.splice(0, 10_000);
    }
    await nextTurn();
  }
}

describe('young generation of latchkey serve', () => {
  after(releaseYoungGeneration);

  it("is the operator's when a node flag or NODE_OPTIONS sizes it", () => {
    assert.equal(youngGenerationChosenByOperator(['--max-semi-space-size=32'], undefined), true);
    assert.equal(youngGenerationChosenByOperator([], '--enable-source-maps --min_semi_space_size=4'), true);
    assert.equal(youngGenerationChosenByOperator([], '--semi-space-growth-factor=4'), true);
    assert.equal(holdYoungGeneration(['--max-semi-space-size=32'], undefined), false);
    assert.equal(growYoungGenerationToCap(2), false, 'nothing to grow without a hold');
    assert.equal(youngGenerationChosenByOperator(['--max-old-space-size=512'], '--heap-growing-percent=30'), false);
  });

  it('does not grow while held, grows to the cap and no further once released, and keeps the cap past a new thread', async () => {
    const initial = semiSpaceBytes();
    assert.ok(initial > 0 && initial <= 4 * MiB, `this process's semi-space has room to grow (${initial} bytes)`);
    assert.equal(holdYoungGeneration([], undefined), true);
    await churn(300);
    assert.equal(semiSpaceBytes(), initial, 'held: no growth');

    const cap = 2 * initial;
    assert.equal(growYoungGenerationToCap(cap / MiB), true);
    await churn(600);
    assert.equal(semiSpaceBytes(), cap, 'grown to the cap, not past it');

    // Creating an isolate resets V8's growth factor to 2: coming online, the thread sets it back.
    const worker = new Worker('setTimeout(() => {}, 100)', { eval: true });
    worker.once('online', keepYoungGenerationCap);
    await new Promise((resolve) => worker.once('online', resolve));
    await churn(600);
    assert.equal(semiSpaceBytes(), cap, 'still at the cap after a worker thread started');
    await worker.terminate();

    releaseYoungGeneration();
    await churn(600);
    assert.ok(semiSpaceBytes() > cap, "released: V8's own growth again (the test can tell)");
  });
});
