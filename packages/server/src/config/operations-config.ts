import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The settings for running Latchkey in production (several instances, Redis, TLS, a proxy), read
 * from the environment and `latchkey serve` flags with the rest of the configuration.
 */
export interface OperationsConfig {
  /** `LATCHKEY_REDIS`: `redis://` or `rediss://` URL. Shared rate limits and cache invalidation; absent: in this process only. */
  readonly redis: string | undefined;
  /** `LATCHKEY_REDIS_PREFIX`: prefix of every Redis key and channel, default `latchkey:` (several deployments can share one Redis). */
  readonly redisPrefix: string;
  /** `LATCHKEY_MIGRATE` (`--no-migrate`): apply the database migrations at start, default true. */
  readonly migrate: boolean;
  /** `LATCHKEY_DATABASE_POOL_MAX`: most PostgreSQL connections of each process, default 10. */
  readonly databasePoolMax: number;
  /** `LATCHKEY_CACHE_TTL`: seconds a client or API lookup stays cached at most, default 10; 0 turns the cache off. */
  readonly cacheTtl: number;
  /** `LATCHKEY_RATE_LIMIT`: `<requests>/<seconds>` per client IP over the HTTP endpoints (e.g. `600/60`); default off. */
  readonly rateLimit: { max: number; window: number } | undefined;
  /** `LATCHKEY_METRICS_TOKEN`: when set, GET /metrics asks for `Authorization: Bearer <token>`. */
  readonly metricsToken: string | undefined;
  /** `LATCHKEY_TLS_CERT` and `LATCHKEY_TLS_KEY`: PEM files to serve https directly (reloaded on SIGHUP). */
  readonly tls: { cert: string; key: string } | undefined;
  /**
   * `LATCHKEY_TRUST_PROXY`: which proxies' `X-Forwarded-For`/`-Proto`/`-Host` to believe: `false`
   * (default), `true` (any: only when nothing reaches Latchkey but through the proxy), or a
   * comma-separated list of addresses, CIDR ranges, `loopback`, `linklocal`, `uniquelocal`. A hop
   * count is refused: it cannot tell a proxy from a client sending the headers itself.
   */
  readonly trustProxy: boolean | string[];
  /** `LATCHKEY_LOG_RETENTION_DAYS`: days the security event log keeps an event, default 30 (Auth0 keeps 1 to 30); 0 keeps them forever. */
  readonly eventRetentionDays: number;
  /** `LATCHKEY_SHUTDOWN_TIMEOUT`: seconds in-flight requests get to finish on SIGTERM, default 10. */
  readonly shutdownTimeout: number;
  /** `LATCHKEY_WORKERS` (`--workers`): processes serving on this machine, default 1; `auto`: one per CPU. */
  readonly workers: number;
  /** `LATCHKEY_KEY_RELOAD_INTERVAL`: seconds between two reloads of the signing keys, default 30 (a rotation reaches every instance within it). */
  readonly keyReloadInterval: number;
  /**
   * `LATCHKEY_HELPER_NICENESS`: how many nice steps the process's other threads (libuv's pool, which
   * signs and hashes passwords, and V8's helpers) run below the event loop, default 10; 0 keeps them
   * equal. Linux only; see runtime/thread-priority.ts.
   */
  readonly helperNiceness: number;
}

export type OperationsInput = Partial<Record<'workers' | 'migrate', string>>;

const seconds = (max: number) => z.coerce.number().int().min(0).max(max);
const TRUST_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

const schema = z
  .object({
    redis: z.string().regex(/^rediss?:\/\/.+/, 'must be a redis:// or rediss:// URL').optional(),
    redisPrefix: z.string().min(1).max(100),
    migrate: z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1'),
    databasePoolMax: z.coerce.number().int().min(1).max(1000),
    cacheTtl: seconds(3600),
    rateLimit: z
      .string()
      .regex(/^(off|\d+\/\d+)$/, 'must be <requests>/<seconds> (e.g. 600/60) or off')
      .transform((value) => {
        if (value === 'off') return undefined;
        const [max, window] = value.split('/').map(Number) as [number, number];
        return { max, window };
      })
      .refine((value) => value === undefined || (value.max > 0 && value.window > 0), 'requests and seconds must be positive'),
    metricsToken: z.string().min(16, 'must be at least 16 characters').optional(),
    tlsCert: z.string().min(1).optional(),
    tlsKey: z.string().min(1).optional(),
    trustProxy: z.string().transform((value, context) => {
      if (value === 'false' || value === '') return false;
      if (value === 'true') return true;
      const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
      for (const entry of entries) {
        const address = entry.split('/')[0]!;
        if (!TRUST_KEYWORDS.has(entry) && isIP(address) === 0) {
          context.addIssue({ code: 'custom', message: `${entry} is not an address, a CIDR range or loopback/linklocal/uniquelocal` });
        }
      }
      return entries;
    }),
    eventRetentionDays: z.coerce.number().int().min(0).max(3650),
    shutdownTimeout: seconds(600),
    workers: z
      .string()
      .transform((value) => (value === 'auto' ? availableParallelism() : Number(value)))
      .pipe(z.number().int().min(1).max(256)),
    keyReloadInterval: z.coerce.number().int().min(1).max(3600),
    helperNiceness: z.coerce.number().int().min(0).max(19),
  })
  .refine((value) => (value.tlsCert === undefined) === (value.tlsKey === undefined), {
    message: 'LATCHKEY_TLS_CERT and LATCHKEY_TLS_KEY go together',
    path: ['tlsCert'],
  });

const NAMES: Record<string, string> = {
  redis: 'LATCHKEY_REDIS',
  redisPrefix: 'LATCHKEY_REDIS_PREFIX',
  migrate: 'LATCHKEY_MIGRATE',
  databasePoolMax: 'LATCHKEY_DATABASE_POOL_MAX',
  cacheTtl: 'LATCHKEY_CACHE_TTL',
  rateLimit: 'LATCHKEY_RATE_LIMIT',
  metricsToken: 'LATCHKEY_METRICS_TOKEN',
  tlsCert: 'LATCHKEY_TLS_CERT',
  tlsKey: 'LATCHKEY_TLS_KEY',
  trustProxy: 'LATCHKEY_TRUST_PROXY',
  eventRetentionDays: 'LATCHKEY_LOG_RETENTION_DAYS',
  shutdownTimeout: 'LATCHKEY_SHUTDOWN_TIMEOUT',
  workers: 'LATCHKEY_WORKERS',
  keyReloadInterval: 'LATCHKEY_KEY_RELOAD_INTERVAL',
  helperNiceness: 'LATCHKEY_HELPER_NICENESS',
};

export function loadOperationsConfig(env: NodeJS.ProcessEnv, flags: OperationsInput = {}): OperationsConfig {
  const parsed = schema.safeParse({
    redis: env.LATCHKEY_REDIS || undefined,
    redisPrefix: env.LATCHKEY_REDIS_PREFIX ?? 'latchkey:',
    migrate: flags.migrate ?? env.LATCHKEY_MIGRATE ?? 'true',
    databasePoolMax: env.LATCHKEY_DATABASE_POOL_MAX ?? '10',
    cacheTtl: env.LATCHKEY_CACHE_TTL ?? '10',
    rateLimit: env.LATCHKEY_RATE_LIMIT ?? 'off',
    metricsToken: env.LATCHKEY_METRICS_TOKEN || undefined,
    tlsCert: env.LATCHKEY_TLS_CERT || undefined,
    tlsKey: env.LATCHKEY_TLS_KEY || undefined,
    trustProxy: env.LATCHKEY_TRUST_PROXY ?? 'false',
    eventRetentionDays: env.LATCHKEY_LOG_RETENTION_DAYS ?? '30',
    shutdownTimeout: env.LATCHKEY_SHUTDOWN_TIMEOUT ?? '10',
    workers: flags.workers ?? env.LATCHKEY_WORKERS ?? '1',
    keyReloadInterval: env.LATCHKEY_KEY_RELOAD_INTERVAL ?? '30',
    helperNiceness: env.LATCHKEY_HELPER_NICENESS ?? '10',
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid setting ${NAMES[String(issue.path[0])] ?? String(issue.path[0])}: ${issue.message}`);
  }
  const { tlsCert, tlsKey, ...rest } = parsed.data;
  return {
    ...rest,
    redis: rest.redis,
    metricsToken: rest.metricsToken,
    tls: tlsCert !== undefined && tlsKey !== undefined ? { cert: tlsCert, key: tlsKey } : undefined,
  };
}
