import { randomToken } from '../../crypto/random.js';
import type { ProtocolContext } from '../context.js';

export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Logout tokens are short-lived (Back-Channel Logout 1.0 §2.4 recommends at most two minutes). */
export const LOGOUT_TOKEN_TTL = 120;

/**
 * A logout token (Back-Channel Logout 1.0 §2.4): `typ: logout+jwt`, iss, aud = the client, iat,
 * exp, jti, the back-channel logout event, sub and sid, and never a nonce (so it cannot pass for
 * an ID token, §2.4 and RFC 8725 §3.11).
 */
export function signLogoutToken(ctx: ProtocolContext, input: { clientId: string; sub: string; sid: string }): Promise<string> {
  const now = ctx.clock.now();
  return ctx.keys.sign(
    {
      iss: ctx.settings.issuer,
      aud: input.clientId,
      iat: now,
      exp: now + LOGOUT_TOKEN_TTL,
      jti: randomToken(16),
      sub: input.sub,
      sid: input.sid,
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    },
    { typ: 'logout+jwt', alg: 'RS256' },
  );
}
