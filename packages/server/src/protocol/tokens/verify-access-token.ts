import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { ProtocolContext } from '../context.js';
import { OAuthError } from '../errors.js';
import { grantIdOfJti } from './issue-tokens.js';

export class InvalidTokenError extends OAuthError {
  constructor(description: string) {
    super('invalid_token', description);
    this.name = 'InvalidTokenError';
  }
}

/**
 * Verifies an access token this server issued (RFC 9068 §4): our key by kid under its own alg,
 * `typ: at+jwt` (so an ID token is not a bearer token, RFC 8725 §3.11), our issuer, the expected
 * audience (any, for introspection and revocation), not expired, its grant not revoked and the
 * token itself not revoked (RFC 7009).
 */
export async function verifyAccessToken(ctx: ProtocolContext, token: string, audience: string | undefined): Promise<JWTPayload> {
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new InvalidTokenError('malformed access token');
  }
  const key = await ctx.keys.resolveVerificationKey(header.kid, header.alg);
  if (!key) throw new InvalidTokenError('access token not signed by this server');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key.key, {
      algorithms: [key.alg],
      typ: 'at+jwt',
      issuer: ctx.settings.issuer,
      ...(audience !== undefined && { audience }),
      requiredClaims: ['exp', 'jti'],
      currentDate: new Date(ctx.clock.now() * 1000),
    }));
  } catch {
    throw new InvalidTokenError('access token is invalid or expired');
  }
  const grantId = grantIdOfJti(payload.jti);
  if (grantId !== undefined) {
    const grant = await ctx.storage.grants.findById(grantId);
    if (!grant || grant.revoked_at !== null) throw new InvalidTokenError('access token was revoked');
  }
  if (typeof payload.jti !== 'string' || (await ctx.storage.revokedAccessTokens.isRevoked(payload.jti))) {
    throw new InvalidTokenError('access token was revoked');
  }
  return payload;
}
