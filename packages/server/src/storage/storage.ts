import type {
  AuthorizationCode,
  Client,
  ClientGrant,
  Consent,
  Grant,
  Interaction,
  LoginSession,
  RefreshToken,
  Permission,
  PostLoginState,
  ResourceServer,
  Role,
  User,
} from '../protocol/model.js';
import type { SecurityEvent, SecurityEventFilter } from '../protocol/events/security-event.js';

/**
 * Everything Latchkey keeps. One interface, one implementation per backend; the protocol core
 * depends on these small repositories only. Secrets (codes, session cookies, client secrets)
 * arrive here already hashed: a repository never sees one in clear.
 */
export interface ClientRepository {
  findById(clientId: string): Promise<Client | undefined>;
  upsert(client: Client): Promise<void>;
  list(): Promise<Client[]>;
  count(): Promise<number>;
}

export interface ResourceServerRepository {
  findByIdentifier(identifier: string): Promise<ResourceServer | undefined>;
  upsert(resourceServer: ResourceServer): Promise<void>;
  list(): Promise<ResourceServer[]>;
}

export interface UserRepository {
  findById(userId: string): Promise<User | undefined>;
  findByEmail(email: string): Promise<User | undefined>;
  upsert(user: User): Promise<void>;
  recordLogin(userId: string, at: number): Promise<void>;
  /**
   * Replaces the password hash if it is still `previousHash` (a hash upgraded at sign-in never
   * overwrites a password changed meanwhile). Whether it was replaced.
   */
  replacePasswordHash(userId: string, previousHash: string, newHash: string): Promise<boolean>;
  count(): Promise<number>;
  /** Replaces both metadata objects (Auth0's user_metadata and app_metadata). */
  updateMetadata(
    userId: string,
    metadata: { user_metadata: Record<string, unknown>; app_metadata: Record<string, unknown> },
    at: number,
  ): Promise<void>;
}

/** Roles by name (Auth0's roles), their permissions, and who holds them. */
export interface RoleRepository {
  /** Creates or updates the role by name, replacing its permissions. */
  upsert(role: Omit<Role, 'id'>): Promise<Role>;
  list(): Promise<Role[]>;
  /** Gives the user exactly these roles (names of existing roles). */
  assign(userId: string, roleNames: readonly string[]): Promise<void>;
  ofUser(userId: string): Promise<Role[]>;
}

export interface PermissionRepository {
  /** Gives the user exactly these direct permissions. */
  setDirect(userId: string, permissions: readonly Permission[]): Promise<void>;
  /** The user's permissions, direct or through a role, without repeats; only one API's when given. */
  ofUser(userId: string, resourceServerIdentifier?: string): Promise<Permission[]>;
}

export interface StoredSigningKey {
  kid: string;
  alg: string;
  /** Private JWK as JSON text. */
  private_jwk: string;
  public_jwk: string;
  created_at: number;
  /** When this key stopped signing (null while it is the current key of its alg). */
  retired_at: number | null;
}

export interface SigningKeyRepository {
  list(): Promise<StoredSigningKey[]>;
  insert(key: StoredSigningKey): Promise<void>;
  /** Adds `key` and retires every other active key of its alg, in one transaction (key rotation). */
  rotate(key: StoredSigningKey, at: number): Promise<void>;
  /** Replaces the stored private JWK (to encrypt a key stored in clear by an earlier version). */
  updatePrivateJwk(kid: string, privateJwk: string): Promise<void>;
}

export interface InteractionRepository {
  create(interaction: Interaction): Promise<void>;
  find(id: string): Promise<Interaction | undefined>;
  update(
    id: string,
    changes: Pick<Interaction, 'user_id' | 'session_sid' | 'auth_time'>,
  ): Promise<void>;
  delete(id: string): Promise<void>;
  setPostLogin(id: string, state: PostLoginState | null): Promise<void>;
  /** Replaces the post-login state only if it is still `expected`: true for exactly one caller. */
  replacePostLogin(id: string, expected: PostLoginState, state: PostLoginState | null): Promise<boolean>;
}

export interface SessionRepository {
  create(session: LoginSession): Promise<void>;
  findByHash(idHash: string): Promise<LoginSession | undefined>;
  touch(idHash: string, at: number): Promise<void>;
  delete(idHash: string): Promise<void>;
}

export interface AuthorizationCodeRepository {
  create(code: AuthorizationCode): Promise<void>;
  findByHash(codeHash: string): Promise<AuthorizationCode | undefined>;
  /**
   * Marks the code used and records the grant it produced, only if no one used it before:
   * true for exactly one caller, however many race (the single-use rule, RFC 6749 §4.1.2).
   */
  consume(codeHash: string, grantId: string, at: number): Promise<boolean>;
}

export interface GrantRepository {
  create(grant: Grant): Promise<void>;
  findById(id: string): Promise<Grant | undefined>;
  revoke(id: string, at: number): Promise<void>;
}

export interface RefreshTokenRepository {
  create(token: RefreshToken): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshToken | undefined>;
  /**
   * Marks the token used, only if no one used it before: true for exactly one caller, however
   * many race (refresh token rotation, RFC 9700 §4.14.2).
   */
  markUsed(tokenHash: string, at: number): Promise<boolean>;
}

/** Access tokens revoked one by one (RFC 7009), kept by `jti` until they would have expired. */
export interface RevokedAccessTokenRepository {
  add(jti: string, expiresAt: number): Promise<void>;
  isRevoked(jti: string): Promise<boolean>;
}

export interface ClientGrantRepository {
  find(clientId: string, audience: string): Promise<ClientGrant | undefined>;
  upsert(grant: ClientGrant): Promise<void>;
}

/** Which clients a login session signed in to, for back-channel logout. */
export interface SessionClientRepository {
  add(sid: string, clientId: string, at: number): Promise<void>;
  list(sid: string): Promise<string[]>;
}

/** What the background purge deletes; each kind is deleted by its own time column. */
export type ExpiringRecordKind =
  | 'authorization_codes'
  | 'interactions'
  | 'sessions'
  | 'idle_sessions'
  | 'refresh_tokens'
  | 'revoked_access_tokens'
  | 'unused_grants'
  | 'orphan_session_clients';

export interface HousekeepingRepository {
  /**
   * Deletes at most `limit` records of `kind` whose time is before `cutoff` (expires_at for most;
   * last_active_at for idle sessions; created_at for grants left without refresh tokens; orphans
   * ignore the cutoff) and returns how many went.
   */
  deleteExpired(kind: ExpiringRecordKind, cutoff: number, limit: number): Promise<number>;
}

export interface ConsentRepository {
  find(userId: string, clientId: string, audience: string): Promise<Consent | undefined>;
  save(consent: Consent): Promise<void>;
}

/** The security event log (Auth0's log events), append-only. */
export interface SecurityEventRepository {
  /** Queues the event; it is written within a few milliseconds, batched with others. */
  record(event: SecurityEvent): Promise<void>;
  /** Writes every queued event now. */
  flush(): Promise<void>;
  /** Told of events a background write lost (the server logs them); record() itself never fails on a write. */
  onWriteError?: ((error: unknown, events: SecurityEvent[]) => void) | undefined;
  /** Newest first. */
  list(filter?: SecurityEventFilter): Promise<SecurityEvent[]>;
  /** Deletes at most `limit` events older than `cutoff` and returns how many went. */
  deleteBefore(cutoff: number, limit: number): Promise<number>;
}

/** Small key/value settings the server generates once and shares between instances. */
export interface SettingRepository {
  get(name: string): Promise<string | undefined>;
  /** Stores the value unless one exists; returns the value that won. */
  putIfAbsent(name: string, value: string): Promise<string>;
}

export interface Storage {
  readonly clients: ClientRepository;
  readonly resourceServers: ResourceServerRepository;
  readonly users: UserRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly interactions: InteractionRepository;
  readonly sessions: SessionRepository;
  readonly authorizationCodes: AuthorizationCodeRepository;
  readonly grants: GrantRepository;
  readonly consents: ConsentRepository;
  readonly settings: SettingRepository;
  readonly securityEvents: SecurityEventRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly revokedAccessTokens: RevokedAccessTokenRepository;
  readonly clientGrants: ClientGrantRepository;
  readonly sessionClients: SessionClientRepository;
  readonly housekeeping: HousekeepingRepository;
  readonly roles: RoleRepository;
  readonly permissions: PermissionRepository;
  close(): Promise<void>;
}
