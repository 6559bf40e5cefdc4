import type { Kysely } from 'kysely';
import type { ClientGrant, RefreshToken } from '../../protocol/model.js';
import type {
  ClientGrantRepository,
  ExpiringRecordKind,
  HousekeepingRepository,
  RefreshTokenRepository,
  RevokedAccessTokenRepository,
  SessionClientRepository,
  StoredSigningKey,
} from '../storage.js';
import type { Database } from './schema.js';

/**
 * The repositories of the token lifecycle (refresh tokens, revocation, client grants, logout,
 * housekeeping) on Kysely. Plain functions of the database, so SQLite and PostgreSQL share them.
 * `db` is a thunk because KyselyStorage builds these in field initialisers.
 */
type Db = () => Kysely<Database>;

export function refreshTokenRepository(db: Db): RefreshTokenRepository {
  return {
    create: async (token: RefreshToken) => {
      await db().insertInto('refresh_tokens').values(token).execute();
    },
    findByHash: async (tokenHash: string) =>
      db().selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),
    markUsed: async (tokenHash: string, at: number) => {
      // One conditional UPDATE: of two concurrent rotations, exactly one sees a row change.
      const result = await db()
        .updateTable('refresh_tokens')
        .set({ used_at: at })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

export function revokedAccessTokenRepository(db: Db): RevokedAccessTokenRepository {
  return {
    add: async (jti: string, expiresAt: number) => {
      await db()
        .insertInto('revoked_access_tokens')
        .values({ jti, expires_at: expiresAt })
        .onConflict((oc) => oc.column('jti').doNothing())
        .execute();
    },
    isRevoked: async (jti: string) =>
      (await db().selectFrom('revoked_access_tokens').select('jti').where('jti', '=', jti).executeTakeFirst()) !== undefined,
  };
}

export function clientGrantRepository(db: Db): ClientGrantRepository {
  return {
    find: async (clientId: string, audience: string): Promise<ClientGrant | undefined> => {
      const row = await db()
        .selectFrom('client_grants')
        .selectAll()
        .where('client_id', '=', clientId)
        .where('audience', '=', audience)
        .executeTakeFirst();
      return row && { client_id: row.client_id, audience: row.audience, scope: JSON.parse(row.scope) };
    },
    upsert: async (grant: ClientGrant) => {
      const values = { scope: JSON.stringify(grant.scope), updated_at: Math.floor(Date.now() / 1000) };
      await db()
        .insertInto('client_grants')
        .values({ client_id: grant.client_id, audience: grant.audience, ...values })
        .onConflict((oc) => oc.columns(['client_id', 'audience']).doUpdateSet(values))
        .execute();
    },
  };
}

export function sessionClientRepository(db: Db): SessionClientRepository {
  return {
    add: async (sid: string, clientId: string, at: number) => {
      await db()
        .insertInto('session_clients')
        .values({ sid, client_id: clientId, created_at: at })
        .onConflict((oc) => oc.columns(['sid', 'client_id']).doNothing())
        .execute();
    },
    list: async (sid: string) =>
      (await db().selectFrom('session_clients').select('client_id').where('sid', '=', sid).orderBy('client_id').execute()).map(
        (row) => row.client_id,
      ),
  };
}

export async function rotateSigningKey(db: Kysely<Database>, key: StoredSigningKey, at: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('signing_keys').values(key).execute();
    await trx
      .updateTable('signing_keys')
      .set({ retired_at: at })
      .where('alg', '=', key.alg)
      .where('kid', '!=', key.kid)
      .where('retired_at', 'is', null)
      .execute();
  });
}

export function housekeepingRepository(db: Db): HousekeepingRepository {
  return {
    // Each kind deletes through `key IN (SELECT key … LIMIT n)`: portable, and each statement stays short.
    deleteExpired: async (kind: ExpiringRecordKind, cutoff: number, limit: number) => {
      const d = db();
      let deleted: { numDeletedRows: bigint };
      switch (kind) {
        case 'authorization_codes':
          deleted = await d
            .deleteFrom('authorization_codes')
            .where('code_hash', 'in', d.selectFrom('authorization_codes').select('code_hash').where('expires_at', '<', cutoff).limit(limit))
            .executeTakeFirst();
          break;
        case 'interactions':
          deleted = await d
            .deleteFrom('interactions')
            .where('id', 'in', d.selectFrom('interactions').select('id').where('expires_at', '<', cutoff).limit(limit))
            .executeTakeFirst();
          break;
        case 'sessions':
          deleted = await d
            .deleteFrom('sessions')
            .where('id_hash', 'in', d.selectFrom('sessions').select('id_hash').where('expires_at', '<', cutoff).limit(limit))
            .executeTakeFirst();
          break;
        case 'idle_sessions':
          deleted = await d
            .deleteFrom('sessions')
            .where('id_hash', 'in', d.selectFrom('sessions').select('id_hash').where('last_active_at', '<', cutoff).limit(limit))
            .executeTakeFirst();
          break;
        case 'refresh_tokens':
          deleted = await d
            .deleteFrom('refresh_tokens')
            .where(
              'token_hash',
              'in',
              d.selectFrom('refresh_tokens').select('token_hash').where('expires_at', 'is not', null).where('expires_at', '<', cutoff).limit(limit),
            )
            .executeTakeFirst();
          break;
        case 'revoked_access_tokens':
          deleted = await d
            .deleteFrom('revoked_access_tokens')
            .where('jti', 'in', d.selectFrom('revoked_access_tokens').select('jti').where('expires_at', '<', cutoff).limit(limit))
            .executeTakeFirst();
          break;
        case 'unused_grants':
          deleted = await d
            .deleteFrom('grants')
            .where(
              'id',
              'in',
              d
                .selectFrom('grants')
                .select('grants.id')
                .where('grants.created_at', '<', cutoff)
                .where(({ not, exists, selectFrom }) =>
                  not(exists(selectFrom('refresh_tokens').select('refresh_tokens.token_hash').whereRef('refresh_tokens.grant_id', '=', 'grants.id'))),
                )
                .limit(limit),
            )
            .executeTakeFirst();
          break;
        case 'orphan_session_clients':
          deleted = await d
            .deleteFrom('session_clients')
            .where(
              'sid',
              'in',
              d
                .selectFrom('session_clients')
                .select('session_clients.sid')
                .where(({ not, exists, selectFrom }) =>
                  not(exists(selectFrom('sessions').select('sessions.sid').whereRef('sessions.sid', '=', 'session_clients.sid'))),
                )
                .limit(limit),
            )
            .executeTakeFirst();
          break;
      }
      return Number(deleted.numDeletedRows);
    },
  };
}
