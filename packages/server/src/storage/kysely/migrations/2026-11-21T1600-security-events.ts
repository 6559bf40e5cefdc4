import type { Kysely } from 'kysely';

// The security event log (Auth0's log events): one row per sign-in, failure, token exchange or
// logout, listed newest first and filtered by type, user, client or IP. Additive only.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('security_events')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('date', 'bigint', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('client_id', 'varchar(512)')
    .addColumn('client_name', 'varchar(512)')
    .addColumn('user_id', 'varchar(512)')
    .addColumn('user_name', 'varchar(512)')
    .addColumn('ip', 'varchar(512)')
    .addColumn('user_agent', 'varchar(512)')
    .addColumn('details', 'text')
    .execute();
  await db.schema.createIndex('security_events_date').on('security_events').columns(['date', 'id']).execute();
  await db.schema.createIndex('security_events_type_date').on('security_events').columns(['type', 'date']).execute();
  await db.schema.createIndex('security_events_user_id_date').on('security_events').columns(['user_id', 'date']).execute();
  await db.schema.createIndex('security_events_client_id_date').on('security_events').columns(['client_id', 'date']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('security_events').execute();
}
