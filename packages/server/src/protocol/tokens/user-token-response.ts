import type { ProtocolContext } from '../context.js';
import type { Client, Grant, ResourceServer, User } from '../model.js';
import { formatScope } from '../scope.js';
import type { TokenResponse } from '../token/grants/grant-handler.js';
import { issueAccessToken, issueIdToken } from './issue-tokens.js';
import type { UserTokenExtras } from './user-token-extras.js';

export interface UserTokenResponseInput {
  client: Client;
  user: User;
  grant: Grant;
  /** The scope of this response (narrower than the grant's on a refresh that asks for less). */
  scope: string[];
  resourceServer: ResourceServer | undefined;
  extras: UserTokenExtras;
  /** The ID token's nonce: the authorization request's, none on a refresh (Core §12.2). */
  nonce: string | null;
  /** Mints the refresh token of this response, when there is to be one. */
  refreshToken: (() => Promise<string>) | undefined;
}

/**
 * The token response of a grant that acts for a user (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3):
 * an access token for the grant, a refresh token when the grant type gives one, and an ID token
 * bound to the access token by at_hash whenever `openid` is in scope. Its iss, sub, aud and
 * auth_time are the sign-in's, so a refreshed ID token keeps them (Core §12.2).
 */
export async function issueUserTokenResponse(ctx: ProtocolContext, input: UserTokenResponseInput): Promise<TokenResponse> {
  const { client, user, grant, extras } = input;
  const accessToken = await issueAccessToken(ctx, {
    client,
    subject: user.user_id,
    scope: extras.accessTokenScope,
    resourceServer: input.resourceServer,
    grantId: grant.id,
    extraClaims: extras.accessTokenClaims,
  });
  const response: TokenResponse = {
    access_token: accessToken.token,
    token_type: 'Bearer',
    expires_in: accessToken.expiresIn,
    scope: formatScope(extras.accessTokenScope),
  };
  // The refresh token's write and the ID token's signature do not depend on each other.
  const [refreshToken, idToken] = await Promise.all([
    input.refreshToken?.(),
    input.scope.includes('openid')
      ? issueIdToken(ctx, {
          client,
          user,
          scope: input.scope,
          authTime: grant.auth_time,
          nonce: input.nonce,
          sid: grant.session_sid,
          accessToken: accessToken.token,
          extraClaims: extras.idTokenClaims,
        })
      : undefined,
  ]);
  if (refreshToken !== undefined) response.refresh_token = refreshToken;
  if (idToken !== undefined) response.id_token = idToken;
  return response;
}
