import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './2026-11-21T1200-initial.js';
import * as rbacAndActions from './2026-11-21T1400-rbac-and-actions.js';
import * as tokenLifecycle from './2026-11-21T1500-token-lifecycle.js';
import * as securityEvents from './2026-11-21T1600-security-events.js';

/**
 * Every migration, by name in the order they apply. Listed statically (not read from a folder)
 * so the same list works from the TypeScript sources and from the compiled output.
 * Schema changes stay additive, so two versions of Latchkey can share one database during a rollout.
 */
const migrations: Record<string, Migration> = {
  '2026-11-21T1200-initial': initial,
  '2026-11-21T1400-rbac-and-actions': rbacAndActions,
  '2026-11-21T1500-token-lifecycle': tokenLifecycle,
  '2026-11-21T1600-security-events': securityEvents,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

export const latestMigration = Object.keys(migrations).sort().at(-1)!;
