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

/** What a grant handler issued, and for whom (the security event log names the user). */
export interface GrantResult {
  response: TokenResponse;
  /** The user the tokens act for; undefined when a client acts for itself (client credentials). */
  userId: string | undefined;
}

/** One grant type of the token endpoint: the endpoint dispatches on grant_type and never changes for a new grant. */
export interface GrantHandler {
  readonly grantType: GrantType;
  handle(ctx: ProtocolContext, client: Client, params: Params): Promise<GrantResult>;
}
