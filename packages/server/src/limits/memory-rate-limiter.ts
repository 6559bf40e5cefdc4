import type { Clock } from '../protocol/context.js';
import { slidingState, windowOf, type RateLimit, type RateLimiter, type RateLimitState } from './rate-limiter.js';

interface Counter {
  index: number;
  current: number;
  previous: number;
}

/**
 * The rate limiter of a single instance: counters in a Map, bounded in size (the oldest keys go
 * first), and correct only as long as one process serves every request.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly clock: Clock,
    private readonly maxKeys = 100_000,
  ) {}

  async hit(key: string, limit: RateLimit): Promise<RateLimitState> {
    const { index, elapsed } = windowOf(this.clock.now(), limit.window);
    const counter = this.advance(key, index) ?? { index, current: 0, previous: 0 };
    counter.current += 1;
    // Re-inserting keeps the Map ordered by last use, so eviction drops the least recently used.
    this.counters.delete(key);
    this.counters.set(key, counter);
    if (this.counters.size > this.maxKeys) this.counters.delete(this.counters.keys().next().value!);
    return slidingState(counter.current, counter.previous, elapsed, limit);
  }

  async peek(key: string, limit: RateLimit): Promise<RateLimitState> {
    const { index, elapsed } = windowOf(this.clock.now(), limit.window);
    const counter = this.advance(key, index);
    return slidingState(counter?.current ?? 0, counter?.previous ?? 0, elapsed, limit);
  }

  async reset(key: string): Promise<void> {
    this.counters.delete(key);
  }

  /** Moves the key's counters to window `index` (the current one becomes the previous one, or both go). */
  private advance(key: string, index: number): Counter | undefined {
    const counter = this.counters.get(key);
    if (!counter) return undefined;
    if (counter.index === index - 1) {
      counter.previous = counter.current;
      counter.current = 0;
      counter.index = index;
    } else if (counter.index < index - 1) {
      counter.previous = 0;
      counter.current = 0;
      counter.index = index;
    }
    return counter;
  }
}
