import type { Redis } from 'ioredis';

/**
 * Opens a connection to `LATCHKEY_REDIS` (`redis://` or `rediss://` for TLS) and waits until it is
 * ready, so a wrong URL stops the start instead of failing requests later. Commands fail fast while
 * Redis is unreachable (no endless queue): callers decide whether to fail open or closed.
 */
export async function connectRedis(url: string, options: { name?: string } = {}): Promise<Redis> {
  if (!/^rediss?:\/\//.test(url)) throw new Error('LATCHKEY_REDIS must be a redis:// or rediss:// URL');
  // Loaded here, not with the module: a server without Redis does without ioredis (about 1 MB of heap).
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    connectionName: options.name ?? 'latchkey',
    connectTimeout: 5_000,
    maxRetriesPerRequest: 1,
    // Reconnect with a growing delay, capped at 2 s, for as long as the server runs.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  // Errors surface on the commands; without a listener ioredis would print every reconnect attempt.
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(`cannot connect to Redis at ${redactedRedisUrl(url)}`, { cause: error });
  }
  return redis;
}

/** The URL without its password, for messages and logs. */
export function redactedRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return 'an invalid URL';
  }
}

/** Closes politely (QUIT), or drops the connection when Redis does not answer. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await Promise.race([redis.quit(), new Promise((_, reject) => setTimeout(reject, 1_000).unref())]);
  } catch {
    redis.disconnect();
  }
}
