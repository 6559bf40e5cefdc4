import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { LocalInvalidationBus, RedisInvalidationBus, type InvalidationBus } from '../../src/cache/invalidation-bus.js';
import { LookupCache } from '../../src/cache/lookup-cache.js';
import type { Client } from '../../src/protocol/model.js';
import { closeRedis, connectRedis } from '../../src/redis/connect-redis.js';
import { withLookupCache } from '../../src/storage/cached-storage.js';
import { KyselyStorage } from '../../src/storage/kysely/kysely-storage.js';
import { REDIS_URL, redisTestPrefix, serviceSkipReason } from '../helpers/test-database.js';
import { TestClock } from '../helpers/test-server.js';

function counting<T>(value: () => T | undefined) {
  const loader = async () => {
    loader.calls++;
    return value();
  };
  loader.calls = 0;
  return loader;
}

describe('lookup cache', () => {
  it('serves a value for its time to live, then loads it again', async () => {
    const clock = new TestClock(1_000);
    const cache = new LookupCache({ clock, ttl: 10, bus: new LocalInvalidationBus() });
    const load = counting(() => ({ name: 'a' }));
    assert.deepEqual(await cache.get('k', load), { name: 'a' });
    clock.advance(9);
    await cache.get('k', load);
    assert.equal(load.calls, 1);
    clock.advance(1);
    await cache.get('k', load);
    assert.equal(load.calls, 2);
  });

  it('never caches an absent record, and hands out records no caller can change', async () => {
    const cache = new LookupCache({ clock: new TestClock(), ttl: 10, bus: new LocalInvalidationBus() });
    const missing = counting(() => undefined);
    await cache.get('gone', missing);
    await cache.get('gone', missing);
    assert.equal(missing.calls, 2);
    const first = await cache.get<{ list: string[] }>('k', async () => ({ list: ['a'] }));
    assert.throws(() => first!.list.push('mutated'), TypeError);
    assert.throws(() => Object.assign(first!, { list: [] }), TypeError);
    assert.deepEqual(await cache.get('k', async () => undefined), { list: ['a'] });
  });

  it('does not store what a load read before an invalidation that overlapped it', async () => {
    const cache = new LookupCache({ clock: new TestClock(), ttl: 60, bus: new LocalInvalidationBus() });
    let value = 'old';
    const pending = cache.get('k', async () => {
      const read = value;
      await cache.invalidate('k');
      value = 'new';
      return read;
    });
    assert.equal(await pending, 'old');
    assert.equal(await cache.get('k', async () => value), 'new');
  });

  it('clears client lookups when a client is written through the storage', async () => {
    const storage = await KyselyStorage.open('sqlite::memory:');
    try {
      const cached = withLookupCache(storage, new LookupCache({ clock: new TestClock(), ttl: 3600, bus: new LocalInvalidationBus() }));
      const client: Client = {
        client_id: 'c1',
        client_secret_hash: null,
        name: 'Before',
        app_type: 'spa',
        callbacks: ['https://app.example.test/cb'],
        allowed_logout_urls: [],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'none',
        is_first_party: true,
      } as Client;
      await cached.clients.upsert(client);
      assert.equal((await cached.clients.findById('c1'))?.name, 'Before');
      await storage.clients.upsert({ ...client, name: 'Behind its back' });
      assert.equal((await cached.clients.findById('c1'))?.name, 'Before', 'served from the cache');
      await cached.clients.upsert({ ...client, name: 'After' });
      assert.equal((await cached.clients.findById('c1'))?.name, 'After');
      assert.equal(await cached.clients.count(), 1, 'other methods pass through');
    } finally {
      await storage.close();
    }
  });

  it('serves client grants by client and audience, and clears them when one is written', async () => {
    const storage = await KyselyStorage.open('sqlite::memory:');
    try {
      const cached = withLookupCache(storage, new LookupCache({ clock: new TestClock(), ttl: 3600, bus: new LocalInvalidationBus() }));
      const grant = { client_id: 'm2m', audience: 'https://api.example.test/', scope: ['read:a'] };
      assert.equal(await cached.clientGrants.find('m2m', grant.audience), undefined, 'absent before the write');
      await cached.clientGrants.upsert(grant);
      assert.deepEqual((await cached.clientGrants.find('m2m', grant.audience))?.scope, ['read:a'], 'an absent grant was not cached');
      await storage.clientGrants.upsert({ ...grant, scope: ['read:b'] });
      assert.deepEqual((await cached.clientGrants.find('m2m', grant.audience))?.scope, ['read:a'], 'served from the cache');
      assert.equal(await cached.clientGrants.find('m2m', 'https://other.example.test/'), undefined, 'keyed by audience too');
      await cached.clientGrants.upsert({ ...grant, scope: ['read:c'] });
      assert.deepEqual((await cached.clientGrants.find('m2m', grant.audience))?.scope, ['read:c']);
    } finally {
      await storage.close();
    }
  });
});

const redisSkip = await serviceSkipReason('redis');

describe('lookup caches of two instances sharing Redis', { skip: redisSkip }, () => {
  const prefix = redisTestPrefix();
  const connections: Redis[] = [];
  const buses: InvalidationBus[] = [];
  const open = async () => {
    const publisher = await connectRedis(REDIS_URL);
    const subscriber = await connectRedis(REDIS_URL);
    connections.push(publisher, subscriber);
    const bus = await RedisInvalidationBus.open(publisher, subscriber, prefix);
    buses.push(bus);
    return bus;
  };
  let busA: InvalidationBus;
  let busB: InvalidationBus;
  before(async () => {
    busA = await open();
    busB = await open();
  });
  after(async () => {
    for (const bus of buses) await bus.close();
    for (const connection of connections) await closeRedis(connection);
  });

  it('drops an entry on every instance when one invalidates it', async () => {
    const clock = new TestClock();
    const a = new LookupCache({ clock, ttl: 3600, bus: busA });
    const b = new LookupCache({ clock, ttl: 3600, bus: busB });
    let value = 'v1';
    await a.get('client:x', async () => value);
    await b.get('client:x', async () => value);
    value = 'v2';
    assert.equal(await b.get('client:x', async () => value), 'v1');

    const heard = new Promise<string>((resolve) => busB.subscribe(resolve));
    await a.invalidate('client:x');
    assert.equal(await heard, 'client:x');
    assert.equal(await b.get('client:x', async () => value), 'v2');
    assert.equal(await a.get('client:x', async () => value), 'v2');
  });
});
