import { decodeProtectedHeader, jwtVerify } from 'jose';
import { endpointUrl, type ProtocolContext } from '../context.js';

/** `typ` of the token, so no other token of ours (ID, access, logout) passes for it (RFC 8725 §3.11). */
const TYP = 'latchkey-continue+jwt';
/** Longest time the external page may keep the user before coming back to /continue. */
export const CONTINUE_TOKEN_TTL = 600;

export interface ContinueClaims {
  /** The login transaction to resume. */
  interactionId: string;
  /** The nonce of the redirect, stored with the transaction: an older redirect's token does not resume a newer one. */
  nonce: string;
  userId: string;
}

/**
 * The `state` a post-login action's redirect carries to the external page and back to /continue
 * (Auth0 Actions' redirect). A JWT signed with our current key, for our /continue endpoint only,
 * short-lived and never past the transaction's own expiry.
 */
export async function signContinueToken(ctx: ProtocolContext, claims: ContinueClaims, transactionExpiresAt: number): Promise<string> {
  const now = ctx.clock.now();
  return ctx.keys.sign(
    {
      iss: ctx.settings.issuer,
      aud: endpointUrl(ctx.settings.issuer, 'continue'),
      sub: claims.userId,
      iat: now,
      exp: Math.min(now + CONTINUE_TOKEN_TTL, transactionExpiresAt),
      jti: claims.nonce,
      interaction: claims.interactionId,
    },
    { typ: TYP },
  );
}

/**
 * Reads a continue token back: signed by one of our keys under that key's own alg (no `none`,
 * no HMAC, no key from the header, RFC 8725 §3.1–3.2), of our `typ`, for our /continue, unexpired.
 * Anything else — a tampered payload or signature, another token of ours — is undefined.
 */
export async function verifyContinueToken(ctx: ProtocolContext, token: string): Promise<ContinueClaims | undefined> {
  try {
    const header = decodeProtectedHeader(token);
    const key = ctx.keys.verificationKey(header.kid, header.alg);
    if (!key) return undefined;
    const { payload } = await jwtVerify(token, key.key, {
      algorithms: [key.alg],
      typ: TYP,
      issuer: ctx.settings.issuer,
      audience: endpointUrl(ctx.settings.issuer, 'continue'),
      currentDate: new Date(ctx.clock.now() * 1000),
      requiredClaims: ['exp', 'jti', 'sub'],
    });
    if (typeof payload.interaction !== 'string' || typeof payload.jti !== 'string' || typeof payload.sub !== 'string') return undefined;
    return { interactionId: payload.interaction, nonce: payload.jti, userId: payload.sub };
  } catch {
    return undefined;
  }
}
