import { endpointUrl } from './context.js';

export interface DiscoveryInput {
  issuer: string;
  signingAlgs: readonly string[];
  scopes: readonly string[];
}

/**
 * OpenID Connect Discovery 1.0 §3 and RFC 8414 §2 metadata. Everything here must match what the
 * server does: a client configures itself from it.
 */
export function discoveryDocument({ issuer, signingAlgs, scopes }: DiscoveryInput): Record<string, unknown> {
  const url = (path: string) => endpointUrl(issuer, path);
  return {
    issuer,
    authorization_endpoint: url('authorize'),
    token_endpoint: url('oauth/token'),
    userinfo_endpoint: url('userinfo'),
    jwks_uri: url('.well-known/jwks.json'),
    // RFC 7009 and RFC 7662, with the token endpoint's client authentication.
    revocation_endpoint: url('oauth/revoke'),
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint: url('oauth/introspect'),
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    // RP-Initiated Logout 1.0 §2.1 and Back-Channel Logout 1.0 §2.1 (logout tokens carry sid).
    end_session_endpoint: url('oidc/logout'),
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    scopes_supported: scopes,
    response_types_supported: ['code', 'id_token'],
    response_modes_supported: ['query', 'form_post'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    subject_types_supported: ['public'],
    // The access tokens' algorithms belong here too: Auth0's API middleware reads them from this list.
    id_token_signing_alg_values_supported: signingAlgs,
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    claims_supported: [
      'sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'sid', 'at_hash',
      'name', 'given_name', 'family_name', 'nickname', 'picture', 'updated_at', 'email', 'email_verified',
    ],
    code_challenge_methods_supported: ['S256'],
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    // RFC 9207 §3: `iss` is in every authorization response.
    authorization_response_iss_parameter_supported: true,
  };
}
