import type { Redis } from 'ioredis';
import type { Clock } from '../protocol/context.js';
import { slidingState, windowOf, type RateLimit, type RateLimiter, type RateLimitState } from './rate-limiter.js';

// One round trip, atomic: count the hit in the current window's key, set its expiry on first use
// (two windows, so it can serve as the previous window next), and read the previous window's key.
const HIT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
return { current, previous }
`;

/**
 * The rate limiter every instance shares: two counters per key in Redis, one per fixed window
 * (`<prefix><key>:<window index>`), expiring on their own. Window indexes come from the injected
 * clock, so every instance agrees on them as long as their clocks do (NTP).
 */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  private keys(key: string, limit: RateLimit, index: number): [string, string] {
    const base = `${this.prefix}${key}:${limit.window}:`;
    return [`${base}${index}`, `${base}${index - 1}`];
  }

  async hit(key: string, limit: RateLimit): Promise<RateLimitState> {
    const { index, elapsed } = windowOf(this.clock.now(), limit.window);
    const [currentKey, previousKey] = this.keys(key, limit, index);
    const [current, previous] = (await this.redis.eval(HIT, 2, currentKey, previousKey, String(limit.window * 2))) as [number, number];
    return slidingState(current, previous, elapsed, limit);
  }

  async peek(key: string, limit: RateLimit): Promise<RateLimitState> {
    const { index, elapsed } = windowOf(this.clock.now(), limit.window);
    const [current, previous] = await this.redis.mget(...this.keys(key, limit, index));
    return slidingState(Number(current ?? 0), Number(previous ?? 0), elapsed, limit);
  }

  async reset(key: string, limit: RateLimit): Promise<void> {
    const { index } = windowOf(this.clock.now(), limit.window);
    await this.redis.del(...this.keys(key, limit, index));
  }
}
