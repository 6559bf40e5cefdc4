import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { purgeCutoffs, purgeExpired, startHousekeeping, type PurgeCounts } from '../../../src/housekeeping/purge-expired.js';
import type { ExpiringRecordKind, HousekeepingRepository } from '../../../src/storage/storage.js';

describe('purgeExpired', () => {
  it('deletes in batches until a batch comes back short, with each kind at its own cutoff', async () => {
    const calls: [ExpiringRecordKind, number, number][] = [];
    const remaining: Partial<Record<ExpiringRecordKind, number>> = { refresh_tokens: 5, sessions: 2 };
    const repository: HousekeepingRepository = {
      deleteExpired: async (kind, cutoff, limit) => {
        calls.push([kind, cutoff, limit]);
        const deleted = Math.min(limit, remaining[kind] ?? 0);
        remaining[kind] = (remaining[kind] ?? 0) - deleted;
        return deleted;
      },
    };
    const counts = await purgeExpired(repository, 10_000, { sessionIdleTtl: 100, tokenRetention: 1_000 }, 2);
    assert.equal(counts.refresh_tokens, 5);
    assert.equal(counts.sessions, 2);
    assert.equal(calls.filter(([kind]) => kind === 'refresh_tokens').length, 3, 'batches of 2, 2 and 1');
    assert.equal(calls.filter(([kind]) => kind === 'sessions').length, 2, 'a full batch, then an empty one');
    assert.ok(calls.every(([, , limit]) => limit === 2));
    const kinds = calls.map(([kind]) => kind);
    assert.ok(kinds.lastIndexOf('refresh_tokens') < kinds.indexOf('unused_grants'), 'refresh tokens go before their grants');
  });

  it('keeps codes ten minutes past expiry and refresh tokens and grants as long as an access token can live', () => {
    const cutoffs: PurgeCounts = purgeCutoffs(10_000, { sessionIdleTtl: 100, tokenRetention: 1_000 });
    assert.equal(cutoffs.authorization_codes, 9_400);
    assert.equal(cutoffs.idle_sessions, 9_900);
    assert.equal(cutoffs.refresh_tokens, 9_000);
    assert.equal(cutoffs.unused_grants, 9_000);
    assert.equal(cutoffs.sessions, 10_000);
  });
});

describe('startHousekeeping', () => {
  it('runs the purge on its timer and never runs two at once', async () => {
    let runs = 0;
    let release!: () => void;
    const firstRun = new Promise<void>((resolve) => (release = resolve));
    const housekeeper = startHousekeeping({
      intervalSeconds: 0.005,
      purge: async () => {
        runs += 1;
        await firstRun;
        return {} as PurgeCounts;
      },
      log: () => {},
    });
    const manual = housekeeper.runOnce();
    assert.equal(housekeeper.runOnce(), manual, 'a run in progress is shared, not doubled');
    release();
    await manual;
    const timerRun = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (runs >= 2) {
          clearInterval(check);
          resolve();
        }
      }, 1);
    });
    await timerRun;
    await housekeeper.stop();
    assert.ok(runs >= 2);
  });
});
