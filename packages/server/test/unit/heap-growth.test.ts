import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heapGrowthChosenByOperator, limitHeapGrowth } from '../../src/runtime/heap-growth.js';

describe('heap growth of latchkey serve', () => {
  it("is the operator's when a node flag or NODE_OPTIONS sets it", () => {
    assert.equal(heapGrowthChosenByOperator(['--heap-growing-percent=50'], undefined), true);
    assert.equal(heapGrowthChosenByOperator([], '--max-semi-space-size=8 --heap_growing_percent=100'), true);
    assert.equal(limitHeapGrowth(['--heap-growing-percent=50'], undefined), false);
  });

  it('is limited otherwise, whatever other flags are given', () => {
    assert.equal(heapGrowthChosenByOperator(['--enable-source-maps'], '--max-old-space-size=512'), false);
    assert.equal(heapGrowthChosenByOperator([], undefined), false);
    assert.equal(limitHeapGrowth([], undefined), true);
  });
});
