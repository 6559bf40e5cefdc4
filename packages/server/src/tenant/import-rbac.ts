import type { Storage } from '../storage/storage.js';
import { TenantFileError } from './import-tenant.js';
import type { TenantPermission, TenantRole } from './rbac-schema.js';
import type { TenantUser } from './tenant-schema.js';

/**
 * Imports roles by name, each with exactly the permissions listed. A permission must be a scope
 * its API defines, as Auth0 checks (the APIs are imported first).
 */
export async function importRoles(storage: Storage, roles: readonly TenantRole[]): Promise<void> {
  const seen = new Set<string>();
  for (const [i, role] of roles.entries()) {
    if (seen.has(role.name)) throw new TenantFileError(`roles[${i}].name: duplicate ${role.name}`);
    seen.add(role.name);
    await checkPermissions(storage, role.permissions, `roles[${i}].permissions`);
  }
  for (const role of roles) {
    await storage.roles.upsert({ name: role.name, description: role.description, permissions: role.permissions });
  }
}

/** Gives each user that lists `roles` or `permissions` exactly those (after the users are imported). */
export async function importUserAuthorization(storage: Storage, users: readonly TenantUser[]): Promise<void> {
  const known = new Set((await storage.roles.list()).map((r) => r.name));
  for (const [i, input] of users.entries()) {
    if (input.roles === undefined && input.permissions === undefined) continue;
    const user = await storage.users.findByEmail(input.email);
    if (!user) continue;
    if (input.roles !== undefined) {
      const unknown = input.roles.find((name) => !known.has(name));
      if (unknown !== undefined) throw new TenantFileError(`users[${i}].roles: no role ${unknown}`);
      await storage.roles.assign(user.user_id, input.roles);
    }
    if (input.permissions !== undefined) {
      await checkPermissions(storage, input.permissions, `users[${i}].permissions`);
      await storage.permissions.setDirect(user.user_id, input.permissions);
    }
  }
}

async function checkPermissions(storage: Storage, permissions: readonly TenantPermission[], at: string): Promise<void> {
  for (const [j, p] of permissions.entries()) {
    const api = await storage.resourceServers.findByIdentifier(p.resource_server_identifier);
    if (!api) throw new TenantFileError(`${at}[${j}].resource_server_identifier: no resource server ${p.resource_server_identifier}`);
    if (!api.scopes.some((s) => s.value === p.permission_name)) {
      throw new TenantFileError(`${at}[${j}].permission_name: ${p.permission_name} is not a scope of ${api.identifier}`);
    }
  }
}
