import type { Kysely } from 'kysely';

// Refresh tokens (by hash, in families = grants), access tokens revoked one by one, Auth0's
// client grants for machine-to-machine clients, which clients a login session signed in to
// (back-channel logout), and the client settings these need. Additive only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('clients').addColumn('refresh_token', 'text').execute();
  await db.schema.alterTable('clients').addColumn('backchannel_logout_uri', 'text').execute();

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('grant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('parent_hash', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .addColumn('absolute_expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('refresh_tokens_grant_id').on('refresh_tokens').column('grant_id').execute();
  await db.schema.createIndex('refresh_tokens_expires_at').on('refresh_tokens').column('expires_at').execute();

  await db.schema
    .createTable('revoked_access_tokens')
    .addColumn('jti', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('revoked_access_tokens_expires_at').on('revoked_access_tokens').column('expires_at').execute();

  await db.schema
    .createTable('client_grants')
    .addColumn('client_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('audience', 'varchar(600)', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('client_grants_pk', ['client_id', 'audience'])
    .execute();

  await db.schema
    .createTable('session_clients')
    .addColumn('sid', 'varchar(64)', (c) => c.notNull())
    .addColumn('client_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('session_clients_pk', ['sid', 'client_id'])
    .execute();

  await db.schema.createIndex('grants_created_at').on('grants').column('created_at').execute();
  await db.schema.createIndex('sessions_last_active_at').on('sessions').column('last_active_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('sessions_last_active_at').execute();
  await db.schema.dropIndex('grants_created_at').execute();
  for (const table of ['session_clients', 'client_grants', 'revoked_access_tokens', 'refresh_tokens']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('clients').dropColumn('backchannel_logout_uri').execute();
  await db.schema.alterTable('clients').dropColumn('refresh_token').execute();
}
