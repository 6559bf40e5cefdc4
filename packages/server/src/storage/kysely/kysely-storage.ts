import type { Kysely, Selectable } from 'kysely';
import type {
  AuthorizationCode,
  Client,
  Consent,
  Grant,
  Interaction,
  LoginSession,
  ResourceServer,
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
import { openDatabase, migrateToLatest, type DialectName } from './database.js';
import { securityEventRepository } from './security-event-repository.js';
import {
  clientGrantRepository,
  housekeepingRepository,
  refreshTokenRepository,
  revokedAccessTokenRepository,
  rotateSigningKey,
  sessionClientRepository,
} from './token-lifecycle-repositories.js';

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
  };
}

function toCode(row: Selectable<AuthorizationCodeTable>): AuthorizationCode {
  return {
    ...row,
    redirect_uri_required: row.redirect_uri_required === 1,
    scope: JSON.parse(row.scope),
    code_challenge_method: row.code_challenge_method as 'S256' | null,
  };
}

function toGrant(row: Selectable<GrantTable>): Grant {
  return { ...row, scope: JSON.parse(row.scope) };
}

/** The Storage interface on Kysely: one implementation for SQLite and PostgreSQL. */
export class KyselyStorage implements Storage {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
  ) {}

  static async open(url: string, options: { migrate?: boolean } = {}): Promise<KyselyStorage> {
    const { db, dialect } = openDatabase(url);
    if (options.migrate !== false) await migrateToLatest(db);
    return new KyselyStorage(db, dialect);
  }

  async close(): Promise<void> {
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
    count: async () => {
      const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
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
      };
    },
    update: async (id: string, changes: Pick<Interaction, 'user_id' | 'session_sid' | 'auth_time'>) => {
      await this.db.updateTable('interactions').set(changes).where('id', '=', id).execute();
    },
    delete: async (id: string) => {
      await this.db.deleteFrom('interactions').where('id', '=', id).execute();
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
      await this.db
        .insertInto('authorization_codes')
        .values({ ...code, redirect_uri_required: code.redirect_uri_required ? 1 : 0, scope: JSON.stringify(code.scope) })
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
      await this.db
        .insertInto('grants')
        .values({ ...grant, scope: JSON.stringify(grant.scope) })
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
}
