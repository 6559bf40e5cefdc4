import type { LookupCache } from '../cache/lookup-cache.js';
import type { Storage } from './storage.js';

/** Methods that only read: every other method of a cached repository counts as a write. */
const READS = new Set<PropertyKey>(['findById', 'findByIdentifier', 'find', 'list', 'count']);

/**
 * The storage with client, API and client grant lookups served from a cache. Every other
 * repository passes through untouched. Any write to those (upsert, and whatever method is added
 * later) goes to the database first and then clears the cached lookups on every instance: writes
 * are rare, and clearing all of them needs no knowledge of which records a method touched.
 *
 * The wrapped methods are built once here, not on every property access: these lookups run on
 * every token and authorization request.
 */
export function withLookupCache(storage: Storage, cache: LookupCache): Storage {
  const cached = <R extends object>(repository: R, finder: keyof R & string, prefix: string): R => {
    const methods = new Map<PropertyKey, unknown>();
    for (const [property, value] of methodsOf(repository)) {
      if (property === finder) {
        // One argument is the key as it is; several are joined unambiguously (no two lists give one key).
        const key = (keys: string[]) => prefix + (keys.length === 1 ? keys[0]! : JSON.stringify(keys));
        methods.set(property, (...keys: string[]) => cache.get(key(keys), () => value.apply(repository, keys) as Promise<unknown>));
      } else if (!READS.has(property)) {
        methods.set(property, async (...args: unknown[]) => {
          try {
            return await value.apply(repository, args);
          } finally {
            await cache.invalidateAll();
          }
        });
      }
    }
    return new Proxy(repository, {
      get: (target, property, receiver) => (methods.has(property) ? methods.get(property) : Reflect.get(target, property, receiver)),
    });
  };
  const clients = cached(storage.clients, 'findById', 'client:');
  const resourceServers = cached(storage.resourceServers, 'findByIdentifier', 'api:');
  const clientGrants = cached(storage.clientGrants, 'find', 'grant:');
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (property === 'clients') return clients;
      if (property === 'resourceServers') return resourceServers;
      if (property === 'clientGrants') return clientGrants;
      return Reflect.get(target, property, receiver);
    },
  });
}

/** A repository's methods, its own and its prototype's (class-based repositories keep them there). */
function methodsOf(repository: object): Array<[PropertyKey, (...args: unknown[]) => unknown]> {
  const found = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  for (let object: object | null = repository; object && object !== Object.prototype; object = Object.getPrototypeOf(object) as object | null) {
    for (const property of Reflect.ownKeys(object)) {
      if (property === 'constructor' || found.has(property)) continue;
      const value = Reflect.get(repository, property) as unknown;
      if (typeof value === 'function') found.set(property, value as (...args: unknown[]) => unknown);
    }
  }
  return [...found];
}
