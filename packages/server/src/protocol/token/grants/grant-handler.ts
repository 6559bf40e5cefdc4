import type { ProtocolContext } from '../../context.js';
import type { Client, GrantType } from '../../model.js';
import type { Params } from '../../params.js';

/** The successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  id_token?: string;
  refresh_token?: string;
}

/** One grant type of the token endpoint: the endpoint dispatches on grant_type and never changes for a new grant. */
export interface GrantHandler {
  readonly grantType: GrantType;
  handle(ctx: ProtocolContext, client: Client, params: Params): Promise<TokenResponse>;
}
