import type { SecurityEvent } from '../protocol/events/security-event.js';
import type { Storage } from './storage.js';

/**
 * The storage, telling `listener` of every security event once it is stored. Writing the log is
 * best effort: an event that cannot be stored goes to `onError` (the server logs it) instead of
 * failing the sign-in or token exchange it describes, whose effects (a consumed code) are done.
 */
export function withSecurityEventListener(
  storage: Storage,
  listener: (event: SecurityEvent) => void,
  onError: (error: unknown, event: SecurityEvent) => void,
): Storage {
  storage.securityEvents.onWriteError = (error, events) => {
    for (const event of events) onError(error, event);
  };
  const securityEvents = {
    ...storage.securityEvents,
    record: async (event: SecurityEvent) => {
      try {
        await storage.securityEvents.record(event);
      } catch (error) {
        onError(error, event);
        return;
      }
      listener(event);
    },
  };
  return new Proxy(storage, {
    get(target, property, receiver) {
      return property === 'securityEvents' ? securityEvents : Reflect.get(target, property, receiver);
    },
  });
}
