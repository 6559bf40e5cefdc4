import { endpointUrl, type ProtocolContext } from './context.js';
import { OAuthError } from './errors.js';
import { parseScope } from './scope.js';
import { userClaimsForScopes } from './tokens/claims.js';
import { InvalidTokenError, verifyAccessToken } from './tokens/verify-access-token.js';

/** GET/POST /userinfo (OpenID Connect Core §5.3): the claims the token's scopes release. */
export async function userinfo(ctx: ProtocolContext, accessToken: string): Promise<Record<string, unknown>> {
  const payload = await verifyAccessToken(ctx, accessToken, endpointUrl(ctx.settings.issuer, 'userinfo'));
  // RFC 9700 §4.15: a client credentials token acts for no user.
  if (payload.gty === 'client-credentials') throw new InvalidTokenError('a client credentials token has no user');
  const scopes = parseScope(typeof payload.scope === 'string' ? payload.scope : undefined);
  // Core §5.3: the UserInfo endpoint serves tokens obtained through an OpenID Connect request.
  if (!scopes.includes('openid')) throw new OAuthError('insufficient_scope', 'the access token lacks the openid scope');
  const user = typeof payload.sub === 'string' ? await ctx.storage.users.findById(payload.sub) : undefined;
  if (!user) throw new InvalidTokenError('the user of this token no longer exists');
  return { sub: user.user_id, ...userClaimsForScopes(user, scopes) };
}
