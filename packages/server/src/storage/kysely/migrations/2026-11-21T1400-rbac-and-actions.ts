import type { Kysely } from 'kysely';

// Roles and permissions (Auth0's RBAC), API settings for them, user metadata, and what
// post-login actions add to a login transaction and its tokens. Additive only: a previous
// version of the server keeps working on the migrated database.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('resource_servers')
    .addColumn('enforce_policies', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('resource_servers')
    .addColumn('token_dialect', 'varchar(32)', (c) => c.notNull().defaultTo('access_token'))
    .execute();
  await db.schema
    .alterTable('resource_servers')
    .addColumn('skip_consent_for_verifiable_first_party_clients', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema.alterTable('users').addColumn('user_metadata', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  await db.schema.alterTable('users').addColumn('app_metadata', 'text', (c) => c.notNull().defaultTo('{}')).execute();

  await db.schema
    .createTable('roles')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('role_permissions')
    .addColumn('role_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('resource_server_identifier', 'varchar(600)', (c) => c.notNull())
    .addColumn('permission_name', 'varchar(280)', (c) => c.notNull())
    .addPrimaryKeyConstraint('role_permissions_pk', ['role_id', 'resource_server_identifier', 'permission_name'])
    .execute();

  await db.schema
    .createTable('user_roles')
    .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('role_id', 'varchar(64)', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_roles_pk', ['user_id', 'role_id'])
    .execute();
  await db.schema.createIndex('user_roles_role_id').on('user_roles').column('role_id').execute();

  await db.schema
    .createTable('user_permissions')
    .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('resource_server_identifier', 'varchar(600)', (c) => c.notNull())
    .addColumn('permission_name', 'varchar(280)', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_permissions_pk', ['user_id', 'resource_server_identifier', 'permission_name'])
    .execute();

  // JSON: the claims and scope changes post-login actions asked for, carried from the login
  // transaction to the code and on to the grant, so every token minted from them has them.
  await db.schema.alterTable('interactions').addColumn('post_login', 'text').execute();
  await db.schema.alterTable('authorization_codes').addColumn('token_customization', 'text').execute();
  await db.schema.alterTable('grants').addColumn('token_customization', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('grants').dropColumn('token_customization').execute();
  await db.schema.alterTable('authorization_codes').dropColumn('token_customization').execute();
  await db.schema.alterTable('interactions').dropColumn('post_login').execute();
  for (const table of ['user_permissions', 'user_roles', 'role_permissions', 'roles']) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('users').dropColumn('app_metadata').execute();
  await db.schema.alterTable('users').dropColumn('user_metadata').execute();
  for (const column of ['skip_consent_for_verifiable_first_party_clients', 'token_dialect', 'enforce_policies']) {
    await db.schema.alterTable('resource_servers').dropColumn(column).execute();
  }
}
