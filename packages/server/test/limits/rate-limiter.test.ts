import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { MemoryRateLimiter } from '../../src/limits/memory-rate-limiter.js';
import type { RateLimiter } from '../../src/limits/rate-limiter.js';
import { RedisRateLimiter } from '../../src/limits/redis-rate-limiter.js';
import { closeRedis, connectRedis } from '../../src/redis/connect-redis.js';
import { REDIS_URL, redisTestPrefix, serviceSkipReason } from '../helpers/test-database.js';
import { TestClock } from '../helpers/test-server.js';

const redisSkip = await serviceSkipReason('redis');
const LIMIT = { limit: 5, window: 60 };

interface Backend {
  name: string;
  skip?: string | undefined;
  create(clock: TestClock): Promise<{ limiter: RateLimiter; close(): Promise<void> }>;
}

const backends: Backend[] = [
  { name: 'memory', create: async (clock) => ({ limiter: new MemoryRateLimiter(clock), close: async () => {} }) },
  {
    name: 'Redis',
    skip: redisSkip,
    create: async (clock) => {
      const redis = await connectRedis(REDIS_URL);
      const prefix = redisTestPrefix();
      return {
        limiter: new RedisRateLimiter(redis, prefix, clock),
        close: async () => {
          const keys = await redis.keys(`${prefix}*`);
          if (keys.length > 0) await redis.del(...keys);
          await closeRedis(redis);
        },
      };
    },
  },
];

for (const backend of backends) {
  describe(`rate limiter in ${backend.name}`, { skip: backend.skip }, () => {
    // Windows start at multiples of 60 s: the clock starts at the beginning of one.
    const clock = new TestClock(1_800_000_000 - (1_800_000_000 % 60));
    let limiter: RateLimiter;
    let close: () => Promise<void>;
    before(async () => {
      ({ limiter, close } = await backend.create(clock));
    });
    after(() => close());

    it('allows up to the limit in a window, then refuses with a retry time', async () => {
      for (let i = 1; i <= 5; i++) {
        const state = await limiter.hit('ip:a', LIMIT);
        assert.equal(state.allowed, true, `hit ${i}`);
        assert.equal(state.remaining, 5 - i);
      }
      const refused = await limiter.hit('ip:a', LIMIT);
      assert.equal(refused.allowed, false);
      assert.equal(refused.remaining, 0);
      assert.ok(refused.retryAfter > 0 && refused.retryAfter <= 120, String(refused.retryAfter));
      assert.equal((await limiter.hit('ip:b', LIMIT)).allowed, true, 'another key is counted apart');
    });

    it('slides: the previous window counts for the part that still overlaps', async () => {
      clock.advance(60); // next window: 6 previous hits weigh 6 × (1 - 0) = 6
      assert.equal((await limiter.peek('ip:a', LIMIT)).allowed, false);
      clock.advance(30); // half way: 6 × 0.5 = 3
      const state = await limiter.peek('ip:a', LIMIT);
      assert.equal(state.count, 3);
      assert.equal(state.allowed, true);
      assert.equal((await limiter.hit('ip:a', LIMIT)).count, 4);
      clock.advance(90); // two windows later: nothing left
      assert.equal((await limiter.peek('ip:a', LIMIT)).count, 0);
    });

    it('peeks without counting, and reset forgets the key', async () => {
      await limiter.hit('user:x', LIMIT);
      await limiter.hit('user:x', LIMIT);
      assert.equal((await limiter.peek('user:x', LIMIT)).count, 2);
      assert.equal((await limiter.peek('user:x', LIMIT)).count, 2);
      await limiter.reset('user:x', LIMIT);
      assert.equal((await limiter.peek('user:x', LIMIT)).count, 0);
    });

    it('lets exactly the limit through when hits race', async () => {
      const results = await Promise.all(Array.from({ length: 40 }, () => limiter.hit('race', { limit: 10, window: 60 })));
      assert.equal(results.filter((r) => r.allowed).length, 10);
    });
  });
}

describe('Redis rate limiter shared by two instances', { skip: redisSkip }, () => {
  let a: Redis;
  let b: Redis;
  const prefix = redisTestPrefix();
  before(async () => {
    a = await connectRedis(REDIS_URL);
    b = await connectRedis(REDIS_URL);
  });
  after(async () => {
    const keys = await a.keys(`${prefix}*`);
    if (keys.length > 0) await a.del(...keys);
    await closeRedis(a);
    await closeRedis(b);
  });

  it('counts the hits of both connections against one limit', async () => {
    const clock = new TestClock(1_800_000_000);
    const first = new RedisRateLimiter(a, prefix, clock);
    const second = new RedisRateLimiter(b, prefix, clock);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? first : second).hit('shared', { limit: 12, window: 60 })),
    );
    assert.equal(results.filter((r) => r.allowed).length, 12);
    assert.equal((await first.peek('shared', { limit: 12, window: 60 })).count, 30);
  });
});
