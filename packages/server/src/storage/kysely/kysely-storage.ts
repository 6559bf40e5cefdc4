import type { Kysely, Selectable } from 'kysely';
import type {
  AuthorizationCode,
  Client,
  Consent,
  Grant,
  Interaction,
  LoginSession,
  Permission,
  PostLoginState,
  ResourceServer,
  Role,
  TokenCustomization,
  User,
} from '../../protocol/model.js';
import type { Storage, StoredSigningKey } from '../storage.js';
import type {
  AuthorizationCodeTable,
  ClientTable,
  Database,
  GrantTable,
  ResourceServerTable,
  UserTable,
} from './schema.js';
import { openDatabase, migrateToLatest, type DatabaseOptions, type DialectName } from './database.js';
import { securityEventRepository } from './security-event-repository.js';
import {
  clientGrantRepository,
  housekeepingRepository,
  refreshTokenRepository,
  revokedAccessTokenRepository,
  rotateSigningKey,
  sessionClientRepository,
} from './token-lifecycle-repositories.js';
import { randomToken } from '../../crypto/random.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);

function toClient(row: Selectable<ClientTable>): Client {
  return {
    client_id: row.client_id,
    client_secret_hash: row.client_secret_hash,
    name: row.name,
    app_type: row.app_type as Client['app_type'],
    callbacks: JSON.parse(row.callbacks),
    allowed_logout_urls: JSON.parse(row.allowed_logout_urls),
    grant_types: JSON.parse(row.grant_types),
    token_endpoint_auth_method: row.token_endpoint_auth_method as Client['token_endpoint_auth_method'],
    is_first_party: row.is_first_party === 1,
    refresh_token: row.refresh_token === null ? undefined : JSON.parse(row.refresh_token),
    backchannel_logout_uri: row.backchannel_logout_uri,
  };
}

function toResourceServer(row: Selectable<ResourceServerTable>): ResourceServer {
  return {
    identifier: row.identifier,
    name: row.name,
    scopes: JSON.parse(row.scopes),
    allow_offline_access: row.allow_offline_access === 1,
    token_lifetime: row.token_lifetime,
    signing_alg: row.signing_alg,
    enforce_policies: row.enforce_policies === 1,
    token_dialect: row.token_dialect as ResourceServer['token_dialect'],
    skip_consent_for_verifiable_first_party_clients: row.skip_consent_for_verifiable_first_party_clients === 1,
  };
}

function toUser(row: Selectable<UserTable>): User {
  return {
    user_id: row.user_id,
    email: row.email,
    email_verified: row.email_verified === 1,
    password_hash: row.password_hash,
    name: row.name,
    given_name: row.given_name,
    family_name: row.family_name,
    nickname: row.nickname,
    picture: row.picture,
    updated_at: row.updated_at,
    user_metadata: JSON.parse(row.user_metadata),
    app_metadata: JSON.parse(row.app_metadata),
    logins_count: row.logins_count,
    created_at: row.created_at,
    last_login: row.last_login,
  };
}

const parseCustomization = (text: string | null): TokenCustomization | null => (text === null ? null : JSON.parse(text));
const permissionKey = (p: Permission) => JSON.stringify([p.resource_server_identifier, p.permission_name]);

/** Without repeats, in a stable order (by API, then name), and with only the two fields. */
function uniquePermissions(permissions: readonly Permission[]): Permission[] {
  const byKey = new Map<string, Permission>();
  for (const p of permissions) {
    byKey.set(permissionKey(p), { resource_server_identifier: p.resource_server_identifier, permission_name: p.permission_name });
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
}

function toCode(row: Selectable<AuthorizationCodeTable>): AuthorizationCode {
  const { token_customization, ...rest } = row;
  return {
    ...rest,
    redirect_uri_required: row.redirect_uri_required === 1,
    scope: JSON.parse(row.scope),
    code_challenge_method: row.code_challenge_method as 'S256' | null,
    customization: parseCustomization(token_customization),
  };
}

function toGrant(row: Selectable<GrantTable>): Grant {
  const { token_customization, ...rest } = row;
  return { ...rest, scope: JSON.parse(row.scope), customization: parseCustomization(token_customization) };
}

/** The Storage interface on Kysely: one implementation for SQLite and PostgreSQL. */
export class KyselyStorage implements Storage {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
  ) {}

  static async open(url: string, options: DatabaseOptions & { migrate?: boolean } = {}): Promise<KyselyStorage> {
    const { db, dialect } = openDatabase(url, options);
    if (options.migrate !== false) await migrateToLatest(db);
    return new KyselyStorage(db, dialect);
  }

  async close(): Promise<void> {
    await this.securityEvents.flush();
    await this.db.destroy();
  }

  readonly clients = {
    findById: async (clientId: string) => {
      const row = await this.db.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
      return row && toClient(row);
    },
    upsert: async (client: Client) => {
      const now = nowSeconds();
      const values = {
        client_secret_hash: client.client_secret_hash,
        name: client.name,
        app_type: client.app_type,
        callbacks: JSON.stringify(client.callbacks),
        allowed_logout_urls: JSON.stringify(client.allowed_logout_urls),
        grant_types: JSON.stringify(client.grant_types),
        token_endpoint_auth_method: client.token_endpoint_auth_method,
        is_first_party: client.is_first_party ? 1 : 0,
        refresh_token: client.refresh_token ? JSON.stringify(client.refresh_token) : null,
        backchannel_logout_uri: client.backchannel_logout_uri ?? null,
        updated_at: now,
      };
      await this.db
        .insertInto('clients')
        .values({ client_id: client.client_id, created_at: now, ...values })
        .onConflict((oc) => oc.column('client_id').doUpdateSet(values))
        .execute();
    },
    list: async () => (await this.db.selectFrom('clients').selectAll().orderBy('client_id').execute()).map(toClient),
    count: async () => {
      const row = await this.db.selectFrom('clients').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };

  readonly resourceServers = {
    findByIdentifier: async (identifier: string) => {
      const row = await this.db.selectFrom('resource_servers').selectAll().where('identifier', '=', identifier).executeTakeFirst();
      return row && toResourceServer(row);
    },
    upsert: async (api: ResourceServer) => {
      const now = nowSeconds();
      const values = {
        name: api.name,
        scopes: JSON.stringify(api.scopes),
        allow_offline_access: api.allow_offline_access ? 1 : 0,
        token_lifetime: api.token_lifetime,
        signing_alg: api.signing_alg,
        enforce_policies: api.enforce_policies ? 1 : 0,
        token_dialect: api.token_dialect ?? 'access_token',
        skip_consent_for_verifiable_first_party_clients: api.skip_consent_for_verifiable_first_party_clients === false ? 0 : 1,
        updated_at: now,
      };
      await this.db
        .insertInto('resource_servers')
        .values({ identifier: api.identifier, created_at: now, ...values })
        .onConflict((oc) => oc.column('identifier').doUpdateSet(values))
        .execute();
    },
    list: async () =>
      (await this.db.selectFrom('resource_servers').selectAll().orderBy('identifier').execute()).map(toResourceServer),
  };

  readonly users = {
    findById: async (userId: string) => {
      const row = await this.db.selectFrom('users').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return row && toUser(row);
    },
    findByEmail: async (email: string) => {
      const row = await this.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
      return row && toUser(row);
    },
    upsert: async (user: User) => {
      const values = {
        email: user.email.toLowerCase(),
        email_verified: user.email_verified ? 1 : 0,
        password_hash: user.password_hash,
        name: user.name,
        given_name: user.given_name,
        family_name: user.family_name,
        nickname: user.nickname,
        picture: user.picture,
        updated_at: user.updated_at,
        ...(user.user_metadata !== undefined && { user_metadata: JSON.stringify(user.user_metadata) }),
        ...(user.app_metadata !== undefined && { app_metadata: JSON.stringify(user.app_metadata) }),
      };
      await this.db
        .insertInto('users')
        .values({ user_id: user.user_id, created_at: user.updated_at, last_login: null, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
        .execute();
    },
    recordLogin: async (userId: string, at: number) => {
      await this.db
        .updateTable('users')
        .set((eb) => ({ last_login: at, logins_count: eb('logins_count', '+', 1) }))
        .where('user_id', '=', userId)
        .execute();
    },
    replacePasswordHash: async (userId: string, previousHash: string, newHash: string) => {
      const result = await this.db
        .updateTable('users')
        .set({ password_hash: newHash })
        .where('user_id', '=', userId)
        .where('password_hash', '=', previousHash)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    count: async () => {
      const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    updateMetadata: async (
      userId: string,
      metadata: { user_metadata: Record<string, unknown>; app_metadata: Record<string, unknown> },
      at: number,
    ) => {
      await this.db
        .updateTable('users')
        .set({ user_metadata: JSON.stringify(metadata.user_metadata), app_metadata: JSON.stringify(metadata.app_metadata), updated_at: at })
        .where('user_id', '=', userId)
        .execute();
    },
  };

  readonly signingKeys = {
    list: async (): Promise<StoredSigningKey[]> =>
      this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute(),
    insert: async (key: StoredSigningKey) => {
      await this.db.insertInto('signing_keys').values(key).execute();
    },
    rotate: (key: StoredSigningKey, at: number) => rotateSigningKey(this.db, key, at),
    updatePrivateJwk: async (kid: string, privateJwk: string) => {
      await this.db.updateTable('signing_keys').set({ private_jwk: privateJwk }).where('kid', '=', kid).execute();
    },
  };

  readonly interactions = {
    create: async (interaction: Interaction) => {
      await this.db
        .insertInto('interactions')
        .values({
          id: interaction.id,
          client_id: interaction.request.client_id,
          request: JSON.stringify(interaction.request),
          user_id: interaction.user_id,
          session_sid: interaction.session_sid,
          auth_time: interaction.auth_time,
          created_at: interaction.created_at,
          expires_at: interaction.expires_at,
        })
        .execute();
    },
    find: async (id: string): Promise<Interaction | undefined> => {
      const row = await this.db.selectFrom('interactions').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return undefined;
      return {
        id: row.id,
        request: JSON.parse(row.request),
        user_id: row.user_id,
        session_sid: row.session_sid,
        auth_time: row.auth_time,
        created_at: row.created_at,
        expires_at: row.expires_at,
        post_login: row.post_login === null ? null : JSON.parse(row.post_login),
      };
    },
    update: async (id: string, changes: Pick<Interaction, 'user_id' | 'session_sid' | 'auth_time'>) => {
      await this.db.updateTable('interactions').set(changes).where('id', '=', id).execute();
    },
    delete: async (id: string) => {
      await this.db.deleteFrom('interactions').where('id', '=', id).execute();
    },
    setPostLogin: async (id: string, state: PostLoginState | null) => {
      await this.db
        .updateTable('interactions')
        .set({ post_login: state === null ? null : JSON.stringify(state) })
        .where('id', '=', id)
        .execute();
    },
    replacePostLogin: async (id: string, expected: PostLoginState, state: PostLoginState | null) => {
      // The stored text is JSON.stringify of a state read back with JSON.parse: the same text.
      const result = await this.db
        .updateTable('interactions')
        .set({ post_login: state === null ? null : JSON.stringify(state) })
        .where('id', '=', id)
        .where('post_login', '=', JSON.stringify(expected))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };

  readonly sessions = {
    create: async (session: LoginSession) => {
      await this.db.insertInto('sessions').values(session).execute();
    },
    findByHash: async (idHash: string) =>
      this.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst(),
    touch: async (idHash: string, at: number) => {
      await this.db.updateTable('sessions').set({ last_active_at: at }).where('id_hash', '=', idHash).execute();
    },
    delete: async (idHash: string) => {
      await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },
  };

  readonly authorizationCodes = {
    create: async (code: AuthorizationCode) => {
      const { customization, ...columns } = code;
      await this.db
        .insertInto('authorization_codes')
        .values({
          ...columns,
          redirect_uri_required: code.redirect_uri_required ? 1 : 0,
          scope: JSON.stringify(code.scope),
          token_customization: customization ? JSON.stringify(customization) : null,
        })
        .execute();
    },
    findByHash: async (codeHash: string) => {
      const row = await this.db
        .selectFrom('authorization_codes')
        .selectAll()
        .where('code_hash', '=', codeHash)
        .executeTakeFirst();
      return row && toCode(row);
    },
    consume: async (codeHash: string, grantId: string, at: number) => {
      const result = await this.db
        .updateTable('authorization_codes')
        .set({ consumed_at: at, grant_id: grantId })
        .where('code_hash', '=', codeHash)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };

  readonly grants = {
    create: async (grant: Grant) => {
      const { customization, ...columns } = grant;
      await this.db
        .insertInto('grants')
        .values({ ...columns, scope: JSON.stringify(grant.scope), token_customization: customization ? JSON.stringify(customization) : null })
        .execute();
    },
    findById: async (id: string) => {
      const row = await this.db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toGrant(row);
    },
    revoke: async (id: string, at: number) => {
      await this.db.updateTable('grants').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    },
  };

  readonly consents = {
    find: async (userId: string, clientId: string, audience: string): Promise<Consent | undefined> => {
      const row = await this.db
        .selectFrom('consents')
        .selectAll()
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .where('audience', '=', audience)
        .executeTakeFirst();
      return row && { user_id: row.user_id, client_id: row.client_id, audience: row.audience, scopes: JSON.parse(row.scopes) };
    },
    save: async (consent: Consent) => {
      const values = { scopes: JSON.stringify(consent.scopes), updated_at: nowSeconds() };
      await this.db
        .insertInto('consents')
        .values({ user_id: consent.user_id, client_id: consent.client_id, audience: consent.audience, ...values })
        .onConflict((oc) => oc.columns(['user_id', 'client_id', 'audience']).doUpdateSet(values))
        .execute();
    },
  };

  readonly refreshTokens = refreshTokenRepository(() => this.db);
  readonly revokedAccessTokens = revokedAccessTokenRepository(() => this.db);
  readonly clientGrants = clientGrantRepository(() => this.db);
  readonly sessionClients = sessionClientRepository(() => this.db);
  readonly housekeeping = housekeepingRepository(() => this.db);
  readonly securityEvents = securityEventRepository(() => this.db);

  readonly settings = {
    get: async (name: string) =>
      (await this.db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirst())?.value,
    putIfAbsent: async (name: string, value: string) => {
      await this.db.insertInto('settings').values({ name, value }).onConflict((oc) => oc.column('name').doNothing()).execute();
      const row = await this.db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirstOrThrow();
      return row.value;
    },
  };

  readonly roles = {
    upsert: async (role: Omit<Role, 'id'>): Promise<Role> =>
      this.db.transaction().execute(async (trx) => {
        const now = nowSeconds();
        const existing = await trx.selectFrom('roles').select('id').where('name', '=', role.name).executeTakeFirst();
        const id = existing?.id ?? `rol_${randomToken(12)}`;
        if (existing) {
          await trx.updateTable('roles').set({ description: role.description, updated_at: now }).where('id', '=', id).execute();
        } else {
          await trx.insertInto('roles').values({ id, name: role.name, description: role.description, created_at: now, updated_at: now }).execute();
        }
        const permissions = uniquePermissions(role.permissions);
        await trx.deleteFrom('role_permissions').where('role_id', '=', id).execute();
        if (permissions.length > 0) {
          await trx.insertInto('role_permissions').values(permissions.map((p) => ({ role_id: id, ...p }))).execute();
        }
        return { id, name: role.name, description: role.description, permissions };
      }),
    list: async (): Promise<Role[]> => this.rolesWithPermissions(await this.db.selectFrom('roles').selectAll().orderBy('name').execute()),
    assign: async (userId: string, roleNames: readonly string[]) => {
      await this.db.transaction().execute(async (trx) => {
        const names = [...new Set(roleNames)];
        const rows = names.length === 0 ? [] : await trx.selectFrom('roles').select(['id', 'name']).where('name', 'in', names).execute();
        const missing = names.filter((n) => !rows.some((r) => r.name === n));
        if (missing.length > 0) throw new Error(`unknown role: ${missing.join(', ')}`);
        await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
        if (rows.length > 0) await trx.insertInto('user_roles').values(rows.map((r) => ({ user_id: userId, role_id: r.id }))).execute();
      });
    },
    ofUser: async (userId: string): Promise<Role[]> =>
      this.rolesWithPermissions(
        await this.db
          .selectFrom('roles')
          .innerJoin('user_roles', 'user_roles.role_id', 'roles.id')
          .selectAll('roles')
          .where('user_roles.user_id', '=', userId)
          .orderBy('roles.name')
          .execute(),
      ),
  };

  readonly permissions = {
    setDirect: async (userId: string, permissions: readonly Permission[]) => {
      await this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('user_permissions').where('user_id', '=', userId).execute();
        const unique = uniquePermissions(permissions);
        if (unique.length > 0) await trx.insertInto('user_permissions').values(unique.map((p) => ({ user_id: userId, ...p }))).execute();
      });
    },
    ofUser: async (userId: string, resourceServerIdentifier?: string): Promise<Permission[]> => {
      let direct = this.db
        .selectFrom('user_permissions')
        .select(['resource_server_identifier', 'permission_name'])
        .where('user_id', '=', userId);
      let viaRoles = this.db
        .selectFrom('role_permissions')
        .innerJoin('user_roles', 'user_roles.role_id', 'role_permissions.role_id')
        .select(['role_permissions.resource_server_identifier', 'role_permissions.permission_name'])
        .where('user_roles.user_id', '=', userId);
      if (resourceServerIdentifier !== undefined) {
        direct = direct.where('resource_server_identifier', '=', resourceServerIdentifier);
        viaRoles = viaRoles.where('role_permissions.resource_server_identifier', '=', resourceServerIdentifier);
      }
      return uniquePermissions([...(await direct.execute()), ...(await viaRoles.execute())]);
    },
  };

  private async rolesWithPermissions(rows: { id: string; name: string; description: string }[]): Promise<Role[]> {
    if (rows.length === 0) return [];
    const permissions = await this.db
      .selectFrom('role_permissions')
      .selectAll()
      .where('role_id', 'in', rows.map((r) => r.id))
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      permissions: uniquePermissions(permissions.filter((p) => p.role_id === r.id)),
    }));
  }
}
