import { decodeJwt, type JWTPayload } from 'jose';

/**
 * Claims about the authentication event rather than the user; left out of `user`.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 */
const PROTOCOL_CLAIMS = new Set([
  'aud',
  'iss',
  'iat',
  'exp',
  'nbf',
  'nonce',
  'azp',
  'auth_time',
  's_hash',
  'at_hash',
  'c_hash',
]);

export type Claims = Readonly<Record<string, unknown>>;

/**
 * The claims of an ID token the session already holds. It was validated by openid-client when it
 * arrived and has been inside the sealed session since, so it is only decoded here.
 */
export function idTokenClaims(idToken: string): JWTPayload {
  return decodeJwt(idToken);
}

export function userClaims(claims: JWTPayload): Claims {
  const user: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (!PROTOCOL_CLAIMS.has(name)) user[name] = value;
  }
  return Object.freeze(user);
}
