import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventId } from '../../../src/protocol/events/event-id.js';

describe('security event ids', () => {
  it('sort by the time they were made, so new rows append to the index', () => {
    const ids = [eventId(1_700_000_000_000), eventId(1_700_000_000_001), eventId(1_800_000_000_000)];
    assert.deepEqual([...ids].sort(), ids);
  });

  it('sort in the order they were made within one millisecond, and never repeat', () => {
    const ids = Array.from({ length: 10_000 }, () => eventId(1_700_000_000_000));
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
  });

  it('fit the log id column', () => {
    assert.match(eventId(Date.now()), /^[0-9a-f]{30}$/);
  });
});
