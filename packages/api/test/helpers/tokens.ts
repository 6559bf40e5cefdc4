import { createPublicKey } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { SignJWT } from 'jose';
import type { TestIssuer } from './test-issuer.js';
import { AUDIENCE, unsignedToken } from './test-issuer.js';

function claimsFor(issuer: TestIssuer): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer.issuer,
    sub: 'user-1',
    aud: AUDIENCE,
    client_id: 'client-1',
    iat: now,
    exp: now + 600,
    jti: 'jti-1',
    scope: 'read:messages',
  };
}

/** An unsecured JWT (`alg: none`, empty signature) with otherwise valid claims. */
export function noneToken(issuer: TestIssuer): string {
  return unsignedToken({ alg: 'none', typ: 'at+jwt', kid: issuer.keys[0]!.kid }, claimsFor(issuer));
}

/**
 * The algorithm confusion attack: HS256 with the issuer's *public* key (as PEM, as an attacker
 * would download it) used as the HMAC secret.
 */
export async function hmacWithPublicKeyToken(issuer: TestIssuer): Promise<string> {
  const key = issuer.keys[0]!;
  const pem = createPublicKey({ key: key.publicJwk as JsonWebKey, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
  return new SignJWT(claimsFor(issuer))
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })
    .sign(new TextEncoder().encode(pem));
}
