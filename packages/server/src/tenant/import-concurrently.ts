import { setTimeout as delay } from 'node:timers/promises';
import type { Storage } from '../storage/storage.js';
import { importTenant, type ImportSummary } from './import-tenant.js';
import type { TenantFile } from './tenant-schema.js';

const ATTEMPTS = 5;

/**
 * Imports the tenant file when other instances may be importing it at the same moment (several
 * instances or workers starting together). Each record is upserted by its natural key, but two
 * instances can both find a user or role missing and both create it: the second write then fails
 * on a unique key. The import is idempotent, so trying again after a short random pause finds the
 * record the other instance made and updates it instead.
 */
export async function importTenantConcurrently(storage: Storage, tenant: TenantFile): Promise<ImportSummary> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await importTenant(storage, tenant);
    } catch (error) {
      if (attempt >= ATTEMPTS) throw error;
      await delay(50 + Math.floor(Math.random() * 100 * attempt));
    }
  }
}
