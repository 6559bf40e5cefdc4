export { startLatchkey, startFromConfig, DEFAULT_SETTINGS, type StartOptions, type RunningLatchkey } from './server.js';
export { loadConfig, type Config } from './config/config.js';
export type { Clock, ProtocolContext, ProtocolSettings } from './protocol/context.js';
export type { Storage } from './storage/storage.js';
export { KyselyStorage } from './storage/kysely/kysely-storage.js';
export { importTenant, parseTenant, readTenantFile, TenantFileError } from './tenant/import-tenant.js';
