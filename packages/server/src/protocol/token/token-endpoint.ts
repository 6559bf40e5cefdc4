import type { ProtocolContext } from '../context.js';
import { OAuthError, invalidRequest, unauthorizedClient } from '../errors.js';
import type { EventOrigin } from '../events/record-event.js';
import { recordFailedTokenExchange, recordTokenExchange } from '../events/token-events.js';
import type { Client, GrantType } from '../model.js';
import { readParams } from '../params.js';
import { authenticateClient, readClientCredentials } from './client-authentication.js';
import type { GrantHandler, TokenResponse } from './grants/grant-handler.js';

/**
 * POST /oauth/token (RFC 6749 §3.2). The grant handlers are registered by type; this function only
 * reads the request, authenticates the client, dispatches, and logs the exchange's outcome in the
 * security event log.
 */
export function createTokenEndpoint(handlers: readonly GrantHandler[]) {
  const byType = new Map<string, GrantHandler>(handlers.map((h) => [h.grantType, h]));
  return async function tokenEndpoint(
    ctx: ProtocolContext,
    body: unknown,
    authorization: string | undefined,
    origin: EventOrigin = {},
  ): Promise<TokenResponse> {
    const params = readParams(body);
    const grantType = params.grant_type;
    if (grantType === undefined) throw invalidRequest('missing grant_type');
    const handler = byType.get(grantType);
    if (!handler) throw new OAuthError('unsupported_grant_type', 'unsupported grant_type');

    let clientId: string | undefined;
    let client: Client | undefined;
    try {
      const presented = readClientCredentials(authorization, params);
      clientId = presented.clientId;
      client = authenticateClient(await ctx.storage.clients.findById(presented.clientId), presented);

      // RFC 6749 §5.2: the client is not authorized to use this grant type.
      if (!client.grant_types.includes(grantType as GrantType)) {
        throw unauthorizedClient(`the client may not use grant_type ${grantType}`);
      }
      const { response, userId } = await handler.handle(ctx, client, params);
      await recordTokenExchange(ctx, grantType, client, userId, origin);
      return response;
    } catch (error) {
      if (error instanceof OAuthError) await recordFailedTokenExchange(ctx, grantType, client, clientId, error, origin);
      throw error;
    }
  };
}

export type TokenEndpoint = ReturnType<typeof createTokenEndpoint>;
