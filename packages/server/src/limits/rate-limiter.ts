/**
 * Counting hits per key over a time window, shared by every instance when Redis is configured.
 * One interface, one implementation per backend: in memory (one instance) and Redis (many).
 *
 * The count is a sliding-window estimate: the hits of the current fixed window plus the previous
 * window's, weighted by how much of it still overlaps the sliding window. It cannot be gamed at a
 * window boundary (twice the limit in a moment) the way a plain fixed window can, and it needs two
 * counters per key instead of a log of every hit.
 */
export interface RateLimit {
  /** Most hits allowed in one window. */
  readonly limit: number;
  /** Window length in seconds. */
  readonly window: number;
}

export interface RateLimitState {
  /** Whether the hits so far, this one included, stay within the limit. */
  readonly allowed: boolean;
  /** The sliding-window count (hits), rounded up. */
  readonly count: number;
  readonly remaining: number;
  /** Seconds until one more hit would be allowed (0 when allowed now). */
  readonly retryAfter: number;
}

export interface RateLimiter {
  /** Counts one hit for `key` and tells whether it is within `limit`. */
  hit(key: string, limit: RateLimit): Promise<RateLimitState>;
  /** The state of `key` without counting a hit. */
  peek(key: string, limit: RateLimit): Promise<RateLimitState>;
  /** Forgets every hit of `key` (e.g. failed sign-ins once the user signs in). */
  reset(key: string, limit: RateLimit): Promise<void>;
}

/** The window a moment falls in, and how far into it (0 ≤ elapsed < 1). */
export function windowOf(now: number, window: number): { index: number; elapsed: number } {
  const index = Math.floor(now / window);
  return { index, elapsed: (now - index * window) / window };
}

/** The state from the two counters of the sliding window. */
export function slidingState(current: number, previous: number, elapsed: number, limit: RateLimit): RateLimitState {
  const weighted = current + previous * (1 - elapsed);
  const allowed = weighted <= limit.limit;
  return {
    allowed,
    count: Math.max(0, Math.ceil(weighted - 1e-9)),
    remaining: Math.max(0, Math.floor(limit.limit - weighted + 1e-9)),
    retryAfter: allowed ? 0 : Math.max(1, Math.ceil(secondsUntilAtMost(limit.limit - 1, current, previous, elapsed, limit.window))),
  };
}

/** Seconds until the sliding count falls to `target` with no new hit. */
function secondsUntilAtMost(target: number, current: number, previous: number, elapsed: number, window: number): number {
  if (current <= target) {
    // Within this window, as the previous window's share fades.
    if (previous <= 0) return 0;
    const fadedAt = 1 - (target - current) / previous;
    return Math.max(0, (fadedAt - elapsed) * window);
  }
  // Only in the next window, as this window's hits fade in turn.
  return (1 - elapsed) * window + window * (1 - Math.max(0, target) / current);
}
