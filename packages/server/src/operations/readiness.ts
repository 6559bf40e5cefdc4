import { sql } from 'kysely';
import type { Redis } from 'ioredis';
import type { ReadinessReport } from '../http/routes/health.js';
import { isMigrated } from '../storage/kysely/database.js';
import type { KyselyStorage } from '../storage/kysely/kysely-storage.js';

/** A check that has not answered in this time counts as failed: a probe must not hang. */
const CHECK_TIMEOUT_MS = 2_000;

async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 200);

/**
 * Readiness: the database answers and has every migration this version needs, and Redis answers
 * when it is configured. Once seen migrated, a database stays so (migrations never go back).
 */
export function readinessCheck(storage: KyselyStorage, redis: Redis | undefined): () => Promise<ReadinessReport> {
  let migrated = false;
  return async () => {
    const checks: Record<string, string> = {};
    try {
      await within(sql`select 1`.execute(storage.db), CHECK_TIMEOUT_MS);
      checks.database = 'ok';
      migrated ||= await within(isMigrated(storage.db), CHECK_TIMEOUT_MS);
      checks.migrations = migrated ? 'ok' : 'pending: run latchkey migrate';
    } catch (error) {
      checks.database = `unreachable: ${reason(error)}`;
    }
    if (redis) {
      try {
        await within(redis.ping(), CHECK_TIMEOUT_MS);
        checks.redis = 'ok';
      } catch (error) {
        checks.redis = `unreachable: ${reason(error)}`;
      }
    }
    return { ready: Object.values(checks).every((value) => value === 'ok'), checks };
  };
}
