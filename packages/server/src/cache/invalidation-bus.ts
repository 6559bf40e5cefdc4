import type { Redis } from 'ioredis';

/**
 * Tells every instance that a cached record changed. Without Redis only this process hears it
 * (one instance); with Redis every instance subscribed to the channel does. A message lost while
 * Redis reconnects costs at most the cache's time to live.
 */
export interface InvalidationBus {
  publish(key: string): Promise<void>;
  subscribe(listener: (key: string) => void): void;
  close(): Promise<void>;
}

export class LocalInvalidationBus implements InvalidationBus {
  private readonly listeners: ((key: string) => void)[] = [];
  async publish(key: string): Promise<void> {
    for (const listener of this.listeners) listener(key);
  }
  subscribe(listener: (key: string) => void): void {
    this.listeners.push(listener);
  }
  async close(): Promise<void> {}
}

export class RedisInvalidationBus implements InvalidationBus {
  private readonly listeners: ((key: string) => void)[] = [];
  private readonly channel: string;

  /** `subscriber` must be a connection of its own: a subscribed Redis connection runs no other command. */
  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}invalidate`;
    subscriber.on('message', (channel: string, key: string) => {
      if (channel === this.channel) for (const listener of this.listeners) listener(key);
    });
  }

  static async open(publisher: Redis, subscriber: Redis, prefix: string): Promise<RedisInvalidationBus> {
    const bus = new RedisInvalidationBus(publisher, subscriber, prefix);
    await subscriber.subscribe(bus.channel);
    return bus;
  }

  async publish(key: string): Promise<void> {
    // The publishing instance hears its own message too, like every other instance.
    await this.publisher.publish(this.channel, key);
  }

  subscribe(listener: (key: string) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    await this.subscriber.unsubscribe(this.channel).catch(() => {});
  }
}
