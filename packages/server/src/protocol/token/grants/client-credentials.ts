import { runCredentialsExchange } from '../../actions/credentials-exchange.js';
import type { ProtocolContext } from '../../context.js';
import { accessDenied, invalidRequest, invalidScope, unauthorizedClient } from '../../errors.js';
import type { Client, ClientGrant, ResourceServer } from '../../model.js';
import type { Params } from '../../params.js';
import { formatScope, parseScope } from '../../scope.js';
import { issueAccessToken, type AccessTokenInput } from '../../tokens/issue-tokens.js';
import type { GrantHandler, GrantResult } from './grant-handler.js';

/**
 * grant_type=client_credentials (RFC 6749 §4.4) for machine-to-machine clients: an access token
 * for one API (`audience`) with the scopes the client was granted for it (Auth0's client grants).
 * No ID token and no refresh token (§4.4.3).
 */
export const clientCredentialsGrant: GrantHandler = {
  grantType: 'client_credentials',
  async handle(ctx: ProtocolContext, client: Client, params: Params): Promise<GrantResult> {
    // RFC 6749 §4.4: only a confidential client can use this grant.
    if (client.token_endpoint_auth_method === 'none') throw unauthorizedClient('a public client cannot use client_credentials');
    if (params.audience === undefined) throw invalidRequest('missing audience');
    const api = await ctx.storage.resourceServers.findByIdentifier(params.audience);
    const clientGrant = api && (await ctx.storage.clientGrants.find(client.client_id, api.identifier));
    // Auth0 answers 403 access_denied, the same for an unknown API as for one the client has no grant for.
    if (!api || !clientGrant) throw accessDenied('the client is not authorized to access this audience');

    let scope = clientGrant.scope;
    if (params.scope !== undefined) {
      scope = parseScope(params.scope);
      if (scope.some((s) => !clientGrant.scope.includes(s))) throw invalidScope('the client was not granted the requested scope');
    }
    const accessToken = await issueAccessToken(ctx, await clientCredentialsToken(ctx, { client, api, clientGrant, scope }));
    const response = {
      access_token: accessToken.token,
      token_type: 'Bearer' as const,
      expires_in: accessToken.expiresIn,
      ...(scope.length > 0 && { scope: formatScope(scope) }),
    };
    return { response, userId: undefined };
  },
};

export interface ClientCredentialsRequest {
  client: Client;
  api: ResourceServer;
  clientGrant: ClientGrant;
  /** The scopes asked for, all granted. */
  scope: string[];
}

/**
 * The one place the content of a client credentials token is decided: as Auth0, `sub` is
 * `<client_id>@clients` and `gty` is `client-credentials`, and the token belongs to no grant
 * (revoked one by one, by `jti`). The credentials-exchange actions run here and may deny the
 * exchange or add claims; an `access_token_authz` API gets the granted scopes as `permissions`.
 */
export async function clientCredentialsToken(ctx: ProtocolContext, request: ClientCredentialsRequest): Promise<AccessTokenInput> {
  const customClaims = await runCredentialsExchange(ctx, { client: request.client, api: request.api, scope: request.scope });
  return {
    client: request.client,
    subject: `${request.client.client_id}@clients`,
    scope: request.scope,
    resourceServer: request.api,
    grantId: null,
    extraClaims: {
      ...customClaims,
      gty: 'client-credentials',
      ...(request.api.token_dialect === 'access_token_authz' && { permissions: [...request.scope] }),
    },
  };
}
