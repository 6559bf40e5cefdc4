import type { Generated } from 'kysely';

/**
 * Table types. Portable across SQLite and PostgreSQL: times are integer seconds since the
 * epoch (bigint), booleans are integers 0/1, lists are JSON text.
 */
export interface ClientTable {
  client_id: string;
  client_secret_hash: string | null;
  name: string;
  app_type: string;
  callbacks: string;
  allowed_logout_urls: string;
  grant_types: string;
  token_endpoint_auth_method: string;
  is_first_party: number;
  created_at: number;
  updated_at: number;
  /** JSON of Auth0's client `refresh_token` object; null: the defaults. */
  refresh_token: string | null;
  backchannel_logout_uri: string | null;
}

export interface ResourceServerTable {
  identifier: string;
  name: string;
  scopes: string;
  allow_offline_access: number;
  token_lifetime: number;
  signing_alg: string;
  enforce_policies: Generated<number>;
  token_dialect: Generated<string>;
  skip_consent_for_verifiable_first_party_clients: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface UserTable {
  user_id: string;
  email: string;
  email_verified: number;
  password_hash: string | null;
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  nickname: string | null;
  picture: string | null;
  logins_count: Generated<number>;
  last_login: number | null;
  created_at: number;
  updated_at: number;
  user_metadata: Generated<string>;
  app_metadata: Generated<string>;
}

export interface SigningKeyTable {
  kid: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
  retired_at: number | null;
}

export interface InteractionTable {
  id: string;
  client_id: string;
  request: string;
  user_id: string | null;
  session_sid: string | null;
  auth_time: number | null;
  created_at: number;
  expires_at: number;
  post_login: string | null;
}

export interface SessionTable {
  id_hash: string;
  sid: string;
  user_id: string;
  auth_time: number;
  created_at: number;
  last_active_at: number;
  expires_at: number;
}

export interface AuthorizationCodeTable {
  code_hash: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  redirect_uri_required: number;
  scope: string;
  audience: string | null;
  nonce: string | null;
  code_challenge: string | null;
  code_challenge_method: string | null;
  auth_time: number;
  session_sid: string | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  grant_id: string | null;
  token_customization: string | null;
}

export interface GrantTable {
  id: string;
  client_id: string;
  user_id: string;
  scope: string;
  audience: string | null;
  session_sid: string | null;
  auth_time: number;
  created_at: number;
  revoked_at: number | null;
  token_customization: string | null;
}

export interface RefreshTokenTable {
  token_hash: string;
  grant_id: string;
  client_id: string;
  parent_hash: string | null;
  created_at: number;
  used_at: number | null;
  expires_at: number | null;
  absolute_expires_at: number | null;
}

export interface RevokedAccessTokenTable {
  jti: string;
  expires_at: number;
}

export interface ClientGrantTable {
  client_id: string;
  audience: string;
  scope: string;
  updated_at: number;
}

export interface SessionClientTable {
  sid: string;
  client_id: string;
  created_at: number;
}

export interface ConsentTable {
  user_id: string;
  client_id: string;
  audience: string;
  scopes: string;
  updated_at: number;
}

export interface RoleTable {
  id: string;
  name: string;
  description: string;
  created_at: number;
  updated_at: number;
}

export interface RolePermissionTable {
  role_id: string;
  resource_server_identifier: string;
  permission_name: string;
}

export interface UserRoleTable {
  user_id: string;
  role_id: string;
}

export interface UserPermissionTable {
  user_id: string;
  resource_server_identifier: string;
  permission_name: string;
}

export interface SettingTable {
  name: string;
  value: string;
}

export interface SecurityEventTable {
  id: string;
  date: number;
  type: string;
  description: string | null;
  client_id: string | null;
  client_name: string | null;
  user_id: string | null;
  user_name: string | null;
  ip: string | null;
  user_agent: string | null;
  details: string | null;
}

export interface Database {
  clients: ClientTable;
  resource_servers: ResourceServerTable;
  users: UserTable;
  signing_keys: SigningKeyTable;
  interactions: InteractionTable;
  sessions: SessionTable;
  authorization_codes: AuthorizationCodeTable;
  grants: GrantTable;
  consents: ConsentTable;
  settings: SettingTable;
  security_events: SecurityEventTable;
  refresh_tokens: RefreshTokenTable;
  revoked_access_tokens: RevokedAccessTokenTable;
  client_grants: ClientGrantTable;
  session_clients: SessionClientTable;
  roles: RoleTable;
  role_permissions: RolePermissionTable;
  user_roles: UserRoleTable;
  user_permissions: UserPermissionTable;
}
