import { createHash } from 'node:crypto';
import type { User } from '../model.js';

/**
 * OpenID Connect Core §3.1.3.6: at_hash is the base64url of the left half of the hash of the
 * access token's ASCII octets, with the hash of the ID token's alg (SHA-256 for RS256/ES256;
 * Ed25519 EdDSA uses SHA-512 per OpenID's errata practice).
 */
export function leftHalfHash(value: string, alg: string): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256').update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** The user claims each standard scope releases (OpenID Connect Core §5.4). */
export function userClaimsForScopes(user: User, scopes: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  if (scopes.includes('profile')) {
    const profile: Record<string, unknown> = {
      name: user.name ?? user.email,
      given_name: user.given_name,
      family_name: user.family_name,
      nickname: user.nickname ?? user.email.split('@')[0],
      picture: user.picture,
      updated_at: user.updated_at,
    };
    for (const [key, value] of Object.entries(profile)) if (value !== null && value !== undefined) claims[key] = value;
  }
  if (scopes.includes('email')) {
    claims.email = user.email;
    claims.email_verified = user.email_verified;
  }
  return claims;
}
