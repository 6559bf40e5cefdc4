import type { SessionData } from './session-data.js';

/**
 * A session kept on the server. Times are seconds since the epoch: `iat` when the user logged in,
 * `uat` when the session was last touched, `exp` when it ends (stores may use it as a TTL).
 */
export interface StoredSession {
  readonly iat: number;
  readonly uat: number;
  readonly exp: number;
  readonly data: SessionData;
}

/**
 * Server-side session storage, for sessions too large for cookies or that must be revocable.
 * The key is a SHA-256 hash of the session id, never the id itself, so a leaked store cannot be
 * replayed as cookies.
 */
export interface SessionStore {
  get(key: string): Promise<StoredSession | undefined>;
  set(key: string, session: StoredSession): Promise<void>;
  destroy(key: string): Promise<void>;
}
