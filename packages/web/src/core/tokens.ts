import type { TokenEndpointResponse } from 'openid-client';
import type { SessionData } from './session/session-data.js';

/**
 * The session after a token response (RFC 6749 §5.1). A refresh response may leave out the ID
 * token and the refresh token (RFC 6749 §6, OpenID Connect Core §12.2): the previous ones stay.
 */
export function sessionDataFrom(
  tokens: TokenEndpointResponse,
  nowSeconds: number,
  previous?: SessionData,
): SessionData | undefined {
  const id_token = tokens.id_token ?? previous?.id_token;
  if (!id_token) return undefined;
  const data: SessionData = { id_token };
  if (tokens.access_token) data.access_token = tokens.access_token;
  if (tokens.token_type) data.token_type = tokens.token_type;
  if (typeof tokens.expires_in === 'number') data.expires_at = nowSeconds + tokens.expires_in;
  const scope = tokens.scope ?? previous?.scope;
  if (scope) data.scope = scope;
  const refresh_token = tokens.refresh_token ?? previous?.refresh_token;
  if (refresh_token) data.refresh_token = refresh_token;
  return data;
}
