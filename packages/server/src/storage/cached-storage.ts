import type { LookupCache } from '../cache/lookup-cache.js';
import type { Storage } from './storage.js';

/** Methods that only read: every other method of a cached repository counts as a write. */
const READS = new Set<PropertyKey>(['findById', 'findByIdentifier', 'list', 'count']);

/**
 * The storage with client and API lookups by id served from a cache. Every other repository passes
 * through untouched. Any write to clients or APIs (upsert, and whatever method is added later) goes
 * to the database first and then clears the cached lookups on every instance: writes are rare, and
 * clearing all of them needs no knowledge of which records a method touched.
 */
export function withLookupCache(storage: Storage, cache: LookupCache): Storage {
  const cached = <R extends object>(repository: R, finder: keyof R & string, prefix: string): R =>
    new Proxy(repository, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (property === finder) return (id: string) => cache.get(`${prefix}${id}`, () => value.call(target, id) as Promise<unknown>);
        if (READS.has(property)) return value;
        return async (...args: unknown[]) => {
          try {
            return await value.apply(target, args);
          } finally {
            await cache.invalidateAll();
          }
        };
      },
    });
  const clients = cached(storage.clients, 'findById', 'client:');
  const resourceServers = cached(storage.resourceServers, 'findByIdentifier', 'api:');
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (property === 'clients') return clients;
      if (property === 'resourceServers') return resourceServers;
      return Reflect.get(target, property, receiver);
    },
  });
}

