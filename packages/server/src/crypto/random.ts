import { createHash, timingSafeEqual } from 'node:crypto';
import { nanoid } from 'nanoid';

/**
 * An unguessable token: 256 bits by default (RFC 6749 §10.10 asks for at least 128), in the
 * base64url alphabet (6 bits a character, so as long as the base64url form of `bytes` bytes).
 * nanoid draws from Node's CSPRNG in pooled batches: a token costs about 0.3 µs instead of the
 * 2.4 µs of a randomBytes call, and the token endpoint makes several per request.
 */
export function randomToken(bytes = 32): string {
  return nanoid(Math.ceil((bytes * 8) / 6));
}

/**
 * A unique id that sorts by creation time: milliseconds since the epoch (12 hex digits), then a
 * random token of `bytes` bytes. For records whose primary key would otherwise be random: each
 * insert of a random key lands on a random page of the index, which is not in SQLite's page cache
 * once the table is large, while time-ordered keys append to the last page. The time it reveals is
 * no secret where it is used (a grant's id, whose creation is the sign-in's auth_time).
 */
export function timeOrderedId(nowMs: number, bytes = 16): string {
  return `${sortableTime(nowMs)}${randomToken(bytes)}`;
}

/** Milliseconds since the epoch as 12 hex digits: ids that start with it sort by time until the year 10889. */
export function sortableTime(nowMs: number): string {
  return nowMs.toString(16).padStart(12, '0');
}

/**
 * How secrets are stored: SHA-256, base64url. Codes, refresh tokens, session cookies and
 * client secrets are high-entropy values, so a fast hash suffices and keeps the token endpoint fast;
 * a stolen database yields no usable secret.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatchesHash(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashSecret(secret), 'ascii');
  const expected = Buffer.from(storedHash, 'ascii');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
