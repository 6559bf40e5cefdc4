import { compactVerify, decodeProtectedHeader } from 'jose';
import type { KeySet } from '../../crypto/keys.js';

/**
 * Reads the `sub` of an id_token_hint this server issued to the client (OpenID Connect Core §3.1.2.1,
 * RP-Initiated Logout §2). The signature must verify with one of our keys under an asymmetric alg we
 * publish (`none`, HMAC and foreign keys are refused, RFC 8725 §3.1); an expired hint is still a hint.
 * Access tokens (typ at+jwt) and logout tokens are not ID tokens (RFC 8725 §3.11).
 */
export async function verifyIdTokenHint(
  keys: KeySet,
  hint: string,
  expected: { issuer: string; clientId?: string },
): Promise<{ sub: string; sid?: string; aud: string[] } | undefined> {
  try {
    const header = decodeProtectedHeader(hint);
    if (header.typ !== undefined && header.typ.toLowerCase() !== 'jwt') return undefined;
    const key = await keys.resolveVerificationKey(header.kid, header.alg);
    if (!key) return undefined;
    const { payload } = await compactVerify(hint, key.key, { algorithms: [key.alg] });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    if (claims.iss !== expected.issuer || typeof claims.sub !== 'string') return undefined;
    if (claims.events !== undefined || claims.scope !== undefined) return undefined;
    const aud = Array.isArray(claims.aud) ? claims.aud.filter((a): a is string => typeof a === 'string')
      : typeof claims.aud === 'string' ? [claims.aud] : [];
    if (expected.clientId !== undefined && !aud.includes(expected.clientId)) return undefined;
    return { sub: claims.sub, aud, ...(typeof claims.sid === 'string' ? { sid: claims.sid } : {}) };
  } catch {
    return undefined;
  }
}
