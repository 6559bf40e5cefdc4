import type { ExpiringRecordKind, HousekeepingRepository } from '../storage/storage.js';

export interface PurgePolicy {
  /** Seconds a login session may stay unused (the idle timeout). */
  sessionIdleTtl: number;
  /**
   * The longest lifetime of an access token, in seconds. Refresh tokens and grants are kept that
   * long past their end, so an access token they brought is refused as revoked rather than unknown.
   */
  tokenRetention: number;
}

/** Codes stay 10 minutes past their expiry, so a late replay still revokes what the first use issued (RFC 6749 §4.1.2). */
export const CODE_REPLAY_WINDOW = 600;

export type PurgeCounts = Record<ExpiringRecordKind, number>;

/** The cutoff of each kind of record: anything older goes. */
export function purgeCutoffs(now: number, policy: PurgePolicy): PurgeCounts {
  return {
    authorization_codes: now - CODE_REPLAY_WINDOW,
    interactions: now,
    sessions: now,
    idle_sessions: now - policy.sessionIdleTtl,
    refresh_tokens: now - policy.tokenRetention,
    revoked_access_tokens: now,
    unused_grants: now - policy.tokenRetention,
    orphan_session_clients: now,
  };
}

/**
 * Deletes expired codes, login transactions, sessions, refresh tokens, deny-list entries and
 * spent grants, in batches of `batchSize` with a turn of the event loop between two batches, so
 * requests are never held up for long.
 */
export async function purgeExpired(
  repository: HousekeepingRepository,
  now: number,
  policy: PurgePolicy,
  batchSize = 500,
): Promise<PurgeCounts> {
  const cutoffs = purgeCutoffs(now, policy);
  const counts = Object.fromEntries(Object.keys(cutoffs).map((kind) => [kind, 0])) as PurgeCounts;
  // Refresh tokens before grants: a grant goes only once it has no refresh token left.
  for (const kind of Object.keys(cutoffs) as ExpiringRecordKind[]) {
    for (;;) {
      const deleted = await repository.deleteExpired(kind, cutoffs[kind], batchSize);
      counts[kind] += deleted;
      if (deleted < batchSize) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return counts;
}

export interface Housekeeper {
  /** Runs one purge now (the timer does the same every interval). */
  runOnce(): Promise<PurgeCounts>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Runs `purge` every `intervalSeconds` on an unref'd timer (it never keeps the process alive); a
 * run still going when the next is due is not doubled, and a failure is logged and retried next time.
 */
export function startHousekeeping(options: {
  intervalSeconds: number;
  purge: () => Promise<PurgeCounts>;
  log: (error: unknown) => void;
}): Housekeeper {
  let running: Promise<PurgeCounts> | undefined;
  const runOnce = () => {
    running ??= options.purge().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => {
    runOnce().catch(options.log);
  }, options.intervalSeconds * 1000);
  timer.unref();
  return {
    runOnce,
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
