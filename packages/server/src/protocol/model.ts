/**
 * The records the protocol works on, named as Auth0's Management API names them so that
 * tenant files and tooling written for Auth0 read the same here.
 */
export type AppType = 'regular_web' | 'non_interactive' | 'spa' | 'native';
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';
export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';

export interface Client {
  client_id: string;
  /** SHA-256 of the secret, base64url; null for public clients. */
  client_secret_hash: string | null;
  name: string;
  app_type: AppType;
  callbacks: string[];
  allowed_logout_urls: string[];
  grant_types: GrantType[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  is_first_party: boolean;
  /** Auth0's `refresh_token` settings of the client; absent: the defaults of `refreshTokenSettings()`. */
  refresh_token?: RefreshTokenSettings | undefined;
  /** OpenID Connect Back-Channel Logout 1.0 §2.2: where logout tokens are POSTed; absent or null: none. */
  backchannel_logout_uri?: string | null | undefined;
}

/**
 * How a client's refresh tokens live, in the names of Auth0's client `refresh_token` object.
 * Lifetimes are in seconds: `token_lifetime` counts from the first token of the family (it does
 * not grow with rotation), `idle_token_lifetime` from the last use.
 */
export interface RefreshTokenSettings {
  /** Refresh tokens always rotate here (RFC 9700 §4.14.2). */
  rotation_type: 'rotating';
  /** `non-expiring` is Auth0's name for both lifetimes infinite. */
  expiration_type: 'expiring' | 'non-expiring';
  /** Seconds during which a rotated token may be presented again (a retried request) without counting as reuse. */
  leeway: number;
  token_lifetime: number;
  idle_token_lifetime: number;
  infinite_token_lifetime: boolean;
  infinite_idle_token_lifetime: boolean;
}

export interface ApiScope {
  value: string;
  description: string;
}

export interface ResourceServer {
  identifier: string;
  name: string;
  scopes: ApiScope[];
  allow_offline_access: boolean;
  /** Access token lifetime in seconds. */
  token_lifetime: number;
  signing_alg: string;
  /**
   * RBAC (Auth0's "Enable RBAC"): a user gets only the requested scopes they hold as permissions,
   * directly or through a role. Off (the default): every requested scope the API defines.
   */
  enforce_policies?: boolean;
  /** `access_token_authz` adds a `permissions` claim with the user's permissions for the API. Default `access_token`. */
  token_dialect?: TokenDialect;
  /** First-party clients skip the consent page for this API (Auth0's "Allow Skipping User Consent"). Default true. */
  skip_consent_for_verifiable_first_party_clients?: boolean;
}

export type TokenDialect = 'access_token' | 'access_token_authz';

/** One permission of an API (a scope it defines), as Auth0 assigns it to roles and users. */
export interface Permission {
  resource_server_identifier: string;
  permission_name: string;
}

export interface Role {
  id: string;
  name: string;
  description: string;
  permissions: Permission[];
}

export interface User {
  user_id: string;
  email: string;
  email_verified: boolean;
  password_hash: string | null;
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  nickname: string | null;
  picture: string | null;
  updated_at: number;
  /** What the user may edit about themselves (Auth0's user_metadata); read from storage, never required to write a user. */
  user_metadata?: Record<string, unknown>;
  /** What only the tenant may edit (Auth0's app_metadata). */
  app_metadata?: Record<string, unknown>;
  /** Successful logins so far (read only). */
  logins_count?: number;
  created_at?: number;
  last_login?: number | null;
}

export type ResponseMode = 'query' | 'form_post';
export type Prompt = 'none' | 'login' | 'consent';

/** A validated authorization request (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2.1). */
export interface AuthorizationRequest {
  client_id: string;
  redirect_uri: string;
  /** Whether redirect_uri was sent (it may be left out when the client registered exactly one). */
  redirect_uri_given: boolean;
  response_type: 'code' | 'id_token';
  response_mode: ResponseMode;
  scope: string[];
  state?: string;
  nonce?: string;
  code_challenge?: string;
  code_challenge_method?: 'S256';
  prompt: Prompt[];
  max_age?: number;
  login_hint?: string;
  id_token_hint?: string;
  /** The API the access token is for (Auth0's `audience`); absent: a token for /userinfo only. */
  audience?: string;
}

/** A signed-in browser at the authorization server. */
export interface LoginSession {
  /** SHA-256 of the cookie value: the cookie itself is never stored. */
  id_hash: string;
  /** The public session id put in ID tokens (`sid`, OpenID Connect Front/Back-Channel Logout). */
  sid: string;
  user_id: string;
  /** When the user last authenticated (seconds), for `auth_time` and `max_age`. */
  auth_time: number;
  created_at: number;
  last_active_at: number;
  expires_at: number;
}

/** An authorization request waiting for the user to sign in or consent. */
export interface Interaction {
  id: string;
  request: AuthorizationRequest;
  user_id: string | null;
  session_sid: string | null;
  auth_time: number | null;
  created_at: number;
  expires_at: number;
  /** Where the post-login actions of this transaction stand (absent: not run yet). */
  post_login?: PostLoginState | null;
}

/**
 * What post-login actions asked for about the tokens of one authorization (Auth0 Actions'
 * api.idToken, api.accessToken): it travels with the code and the grant to every token minted.
 */
export interface TokenCustomization {
  id_token_claims: Record<string, unknown>;
  access_token_claims: Record<string, unknown>;
  add_scopes: string[];
  remove_scopes: string[];
}

/** The post-login actions of a login transaction: all done, or paused on a redirect at `action_index`. */
export type PostLoginState =
  | { status: 'done'; customization: TokenCustomization }
  | {
      status: 'redirected';
      /** The action that redirected: its onContinuePostLogin runs when the browser comes back. */
      action_index: number;
      action_name: string;
      /** Bound into the continue token, so only the token of this very redirect resumes it. */
      nonce: string;
      customization: TokenCustomization;
    };

export interface AuthorizationCode {
  code_hash: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  /** RFC 6749 §4.1.3: the token request must repeat redirect_uri when the authorization request had it. */
  redirect_uri_required: boolean;
  scope: string[];
  audience: string | null;
  nonce: string | null;
  code_challenge: string | null;
  code_challenge_method: 'S256' | null;
  auth_time: number;
  session_sid: string | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  /** The grant its redemption created, so a replay can revoke what it issued. */
  grant_id: string | null;
  /** What post-login actions add to the tokens minted from this code. */
  customization?: TokenCustomization | null;
}

/** What one redemption of a code (or one client authorisation) gave a client: tokens derive from it. */
export interface Grant {
  id: string;
  client_id: string;
  user_id: string;
  scope: string[];
  audience: string | null;
  session_sid: string | null;
  auth_time: number;
  created_at: number;
  revoked_at: number | null;
  /** What post-login actions added to the tokens of the authorization (refreshed tokens keep it). */
  customization?: TokenCustomization | null;
}

/**
 * A refresh token as stored: only its hash. Every refresh token descends from one grant (its
 * family); rotation marks the presented token used and issues a child.
 */
export interface RefreshToken {
  token_hash: string;
  grant_id: string;
  client_id: string;
  /** The token it replaced (null for the first of the family). */
  parent_hash: string | null;
  created_at: number;
  /** When it was exchanged for its successor; a second exchange after that is reuse. */
  used_at: number | null;
  /** When it stops working: the earlier of the idle and absolute expiry (null: never). */
  expires_at: number | null;
  /** The family's absolute expiry, carried from token to token (null: none). */
  absolute_expires_at: number | null;
}

/** Auth0's client grant: the scopes a machine-to-machine client may get for one API. */
export interface ClientGrant {
  client_id: string;
  audience: string;
  scope: string[];
}

/** What a user agreed to give a client, per API (`audience` '' for OpenID Connect scopes only). */
export interface Consent {
  user_id: string;
  client_id: string;
  audience: string;
  scopes: string[];
}
