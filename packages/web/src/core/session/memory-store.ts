import type { SessionStore, StoredSession } from './store.js';

export interface MemoryStoreOptions {
  /** Current time in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/**
 * Sessions in a `Map` of this process: for tests and development only, since they are lost on
 * restart and not shared between instances.
 */
export class MemoryStore implements SessionStore {
  readonly #sessions = new Map<string, StoredSession>();
  readonly #now: () => number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async get(key: string): Promise<StoredSession | undefined> {
    const session = this.#sessions.get(key);
    if (session && session.exp * 1000 <= this.#now()) {
      this.#sessions.delete(key);
      return undefined;
    }
    return session;
  }

  async set(key: string, session: StoredSession): Promise<void> {
    this.#sessions.set(key, structuredClone(session));
  }

  async destroy(key: string): Promise<void> {
    this.#sessions.delete(key);
  }

  /** Number of sessions held, expired ones included until they are next read. */
  get size(): number {
    return this.#sessions.size;
  }
}
