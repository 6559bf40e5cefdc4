import { InsufficientScopeError } from './errors.js';
import type { AccessTokenPayload } from './verify-access-token.js';

/** A check run on a verified token's payload; throws a `BearerError` when access is refused. */
export type Guard = (payload: AccessTokenPayload) => void;

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function namesOf(kind: string, names: readonly string[]): string[] {
  if (names.length === 0) throw new TypeError(`@latchkey/api: at least one ${kind} is required`);
  for (const name of names) {
    if (typeof name !== 'string' || !SCOPE_TOKEN.test(name)) {
      throw new TypeError(`@latchkey/api: ${JSON.stringify(name)} is not a valid ${kind} (RFC 6749 §3.3)`);
    }
  }
  return [...new Set(names)];
}

/**
 * Requires every one of `scopes` in the token's space-separated `scope` claim.
 * @see RFC 9068 §2.2.3, RFC 6750 §3.1 (insufficient_scope, and the `scope` attribute that tells
 * the client which scopes to ask for)
 */
export function scopesGuard(scopes: readonly string[]): Guard {
  const required = namesOf('scope', scopes);
  const challenge = required.join(' ');
  return (payload) => {
    const granted = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []);
    if (!required.every((scope) => granted.has(scope))) {
      throw new InsufficientScopeError('The access token lacks a required scope', challenge);
    }
  };
}

/** Requires every one of `permissions` in the token's `permissions` array claim. */
export function permissionsGuard(permissions: readonly string[]): Guard {
  const required = namesOf('permission', permissions);
  return (payload) => {
    const claim: unknown = payload.permissions;
    const granted = new Set(Array.isArray(claim) ? claim.filter((p) => typeof p === 'string') : []);
    if (!required.every((permission) => granted.has(permission))) {
      throw new InsufficientScopeError('The access token lacks a required permission');
    }
  };
}

/**
 * Refuses access unless `predicate` accepts the payload. A refusal is a 403 `insufficient_scope`:
 * the token is valid, it just does not grant this. `description` is sent to the client, so it
 * must not contain secrets.
 */
export function claimGuard(
  predicate: (payload: AccessTokenPayload) => boolean,
  description = 'The access token does not grant access to this resource',
): Guard {
  if (typeof predicate !== 'function') throw new TypeError('@latchkey/api: the claim check must be a function');
  return (payload) => {
    if (predicate(payload) !== true) throw new InsufficientScopeError(description);
  };
}

/** Refuses access unless the claim `name` is exactly `value` (or, for an array claim, contains it). */
export function claimEqualsGuard(name: string, value: string | number | boolean): Guard {
  return claimGuard((payload) => {
    const claim = payload[name];
    return Array.isArray(claim) ? claim.includes(value) : claim === value;
  }, `The access token's ${name} claim does not grant access to this resource`);
}
