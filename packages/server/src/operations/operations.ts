import type { FastifyServerOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { LocalInvalidationBus, RedisInvalidationBus, type InvalidationBus } from '../cache/invalidation-bus.js';
import { LookupCache } from '../cache/lookup-cache.js';
import type { OperationsOptions } from '../http/operations.js';
import { MemoryRateLimiter } from '../limits/memory-rate-limiter.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import { RedisRateLimiter } from '../limits/redis-rate-limiter.js';
import { observePool } from '../metrics/metrics.js';
import { metricsSource } from '../metrics/metrics-source.js';
import { countSecurityEvent } from '../metrics/security-event-metrics.js';
import type { Clock } from '../protocol/context.js';
import { closeRedis, connectRedis } from '../redis/connect-redis.js';
import { withLookupCache } from '../storage/cached-storage.js';
import { poolStats } from '../storage/kysely/database.js';
import type { KyselyStorage } from '../storage/kysely/kysely-storage.js';
import { withSecurityEventListener } from '../storage/observed-storage.js';
import type { Storage } from '../storage/storage.js';
import { readinessCheck } from './readiness.js';
import { httpsTransport, type TlsFiles } from './tls.js';

/** Settings for running in production; every one optional (a development server needs none). */
export interface OperationsSettings {
  /** LATCHKEY_REDIS: shared rate limits and cache invalidation; without it they stay in this process. */
  redis?: string | undefined;
  /** LATCHKEY_REDIS_PREFIX: prefix of every key and channel, default `latchkey:`. */
  redisPrefix?: string | undefined;
  /** LATCHKEY_CACHE_TTL: seconds a client or API lookup is cached at most, default 10 (0: off). */
  cacheTtl?: number | undefined;
  /** LATCHKEY_RATE_LIMIT: requests per client IP per window over the HTTP endpoints; absent: no limit. */
  rateLimit?: { max: number; window: number } | undefined;
  /** LATCHKEY_METRICS_TOKEN: bearer token /metrics asks for; absent: /metrics is open. */
  metricsToken?: string | undefined;
  /** LATCHKEY_TLS_CERT / LATCHKEY_TLS_KEY: serve https directly. */
  tls?: TlsFiles | undefined;
  /** LATCHKEY_LOG_RETENTION_DAYS: days security events are kept, default 30; 0 keeps them forever. */
  eventRetentionDays?: number | undefined;
  /** LATCHKEY_TRUST_PROXY: which proxies' X-Forwarded-For / -Proto to believe (Fastify's trustProxy). */
  trustProxy?: boolean | string[] | undefined;
}

/** Where operations report what goes wrong in the background (the server's logger, once it exists). */
export interface OperationsLog {
  warn(error: unknown, message: string): void;
  error(error: unknown, message: string): void;
}

export const DEFAULT_REDIS_PREFIX = 'latchkey:';
export const DEFAULT_CACHE_TTL = 10;
export const DEFAULT_EVENT_RETENTION_DAYS = 30;

export interface Operations {
  /** The storage with cached lookups and counted security events. */
  readonly storage: Storage;
  /** Counting hits per key (sign-in throttling and the like), shared through Redis when configured. */
  readonly limiter: RateLimiter;
  readonly redis: Redis | undefined;
  readonly app: { operations: OperationsOptions; transport: Pick<FastifyServerOptions, 'serverFactory' | 'trustProxy'> };
  readonly https: boolean;
  /** Reads the TLS files again (SIGHUP); throws without TLS. */
  reloadTls(): void;
  close(): Promise<void>;
}

/** Connects Redis (when configured) and builds what the application needs to run in production. */
export async function setUpOperations(
  database: KyselyStorage,
  clock: Clock,
  settings: OperationsSettings,
  log: OperationsLog,
): Promise<Operations> {
  const prefix = settings.redisPrefix ?? DEFAULT_REDIS_PREFIX;
  const tls = settings.tls && httpsTransport(settings.tls);
  let redis: Redis | undefined;
  let subscriber: Redis | undefined;
  let bus: InvalidationBus;
  try {
    if (settings.redis) {
      redis = await connectRedis(settings.redis, { name: 'latchkey' });
      subscriber = await connectRedis(settings.redis, { name: 'latchkey-invalidation' });
      bus = await RedisInvalidationBus.open(redis, subscriber, prefix);
    } else {
      bus = new LocalInvalidationBus();
    }
  } catch (error) {
    if (redis) await closeRedis(redis);
    if (subscriber) await closeRedis(subscriber);
    throw error;
  }
  const cache = new LookupCache({
    clock,
    ttl: settings.cacheTtl ?? DEFAULT_CACHE_TTL,
    bus,
    onPublishError: (error) => log.warn(error, 'a cache invalidation could not reach the other instances'),
  });
  const storage = withSecurityEventListener(withLookupCache(database, cache), countSecurityEvent, (error, event) =>
    log.error(error, `a security event (${event.type}) could not be stored`),
  );
  const limiter: RateLimiter = redis ? new RedisRateLimiter(redis, `${prefix}limit:`, clock) : new MemoryRateLimiter(clock);
  const unobservePool = observePool(() => poolStats(database.db));
  const retentionDays = settings.eventRetentionDays ?? DEFAULT_EVENT_RETENTION_DAYS;
  const eventPurge = retentionDays > 0 ? startEventPurge(database, clock, retentionDays, log) : undefined;

  return {
    storage,
    limiter,
    redis,
    https: tls !== undefined,
    app: {
      operations: {
        readiness: readinessCheck(database, redis),
        metrics: metricsSource(),
        metricsToken: settings.metricsToken,
        rateLimit: settings.rateLimit && { ...settings.rateLimit, redis, prefix },
      },
      transport: {
        ...(tls && { serverFactory: tls.serverFactory }),
        ...(settings.trustProxy !== undefined && { trustProxy: settings.trustProxy }),
      },
    },
    reloadTls() {
      if (!tls) throw new Error('TLS is not configured (LATCHKEY_TLS_CERT, LATCHKEY_TLS_KEY)');
      tls.reload();
    },
    async close() {
      unobservePool();
      await eventPurge?.stop();
      await bus.close();
      if (subscriber) await closeRedis(subscriber);
      if (redis) await closeRedis(redis);
    },
  };
}

/**
 * Deletes security events older than the retention, hourly and at start, in batches (every
 * instance runs it; the deletes are idempotent). The log stays bounded like Auth0's (30 days).
 */
function startEventPurge(database: KyselyStorage, clock: Clock, retentionDays: number, log: OperationsLog) {
  let running: Promise<void> | undefined;
  const purge = () => {
    running ??= (async () => {
      const cutoff = clock.now() - retentionDays * 86_400;
      while ((await database.securityEvents.deleteBefore(cutoff, 1_000)) === 1_000) {
        await new Promise((resolve) => setImmediate(resolve));
      }
    })()
      .catch((error: unknown) => log.error(error, 'purging old security events failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void purge(), 3_600_000);
  timer.unref();
  void purge();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
