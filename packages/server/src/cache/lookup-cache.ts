import type { Clock } from '../protocol/context.js';
import type { InvalidationBus } from './invalidation-bus.js';

/** The message that clears every entry. */
const ALL = '*';

interface Entry {
  value: unknown;
  expiresAt: number;
}

export interface LookupCacheOptions {
  clock: Clock;
  /** Seconds an entry is served at most; 0 turns the cache off. */
  ttl: number;
  bus: InvalidationBus;
  maxEntries?: number;
  /** Told when an invalidation could not reach the other instances (their entries expire on their own). */
  onPublishError?: (error: unknown) => void;
}

/**
 * A small in-process cache for records read on every request and rarely changed (clients, APIs).
 * Entries live `ttl` seconds at most; a change made through Latchkey invalidates the entry on
 * every instance at once (through the bus), so the time to live only bounds changes made behind
 * Latchkey's back (SQL by hand) or invalidations lost in transit. Absent records are not cached:
 * a client registered a moment ago is found at once.
 */
export class LookupCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation, so a load that overlapped one does not store what it read before it. */
  private generation = 0;
  private readonly clock: Clock;
  private readonly ttl: number;
  private readonly bus: InvalidationBus;
  private readonly maxEntries: number;
  private readonly onPublishError: (error: unknown) => void;

  constructor(options: LookupCacheOptions) {
    this.clock = options.clock;
    this.ttl = options.ttl;
    this.bus = options.bus;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.onPublishError = options.onPublishError ?? (() => {});
    this.bus.subscribe((key) => this.drop(key));
  }

  /**
   * The cached value, or `load()`'s, cached when defined. Values are frozen, deeply, when stored:
   * every caller shares one read-only record instead of paying for a copy on each hit.
   */
  async get<T>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    if (this.ttl <= 0) return load();
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > this.clock.now()) return entry.value as T;
    const generation = this.generation;
    const value = await load();
    if (value === undefined) {
      this.entries.delete(key);
    } else if (generation === this.generation) {
      this.entries.set(key, { value: deepFreeze(value), expiresAt: this.clock.now() + this.ttl });
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    return value;
  }

  /** Drops the entry here and on every other instance. */
  async invalidate(key: string): Promise<void> {
    this.drop(key);
    await this.bus.publish(key).catch(this.onPublishError);
  }

  /** Drops every entry here and on every other instance. */
  async invalidateAll(): Promise<void> {
    this.drop(ALL);
    await this.bus.publish(ALL).catch(this.onPublishError);
  }

  get size(): number {
    return this.entries.size;
  }

  private drop(key: string): void {
    this.generation++;
    if (key === ALL) this.entries.clear();
    else this.entries.delete(key);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
