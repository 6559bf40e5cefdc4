import { readFile } from 'node:fs/promises';
import { hashPassword, verifyPassword } from '../crypto/passwords.js';
import { hashSecret, randomToken } from '../crypto/random.js';
import type { Client, GrantType, ResourceServer, User } from '../protocol/model.js';
import type { Storage } from '../storage/storage.js';
import { importRoles, importUserAuthorization } from './import-rbac.js';
import {
  describeTenantError,
  tenantSchema,
  type TenantClient,
  type TenantClientGrant,
  type TenantFile,
  type TenantUser,
} from './tenant-schema.js';

export class TenantFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TenantFileError';
  }
}

/** The YAML parser is loaded for a YAML tenant file only: a JSON one does without it. */
async function parseYaml(text: string): Promise<unknown> {
  const { parse } = await import('yaml');
  return parse(text);
}

/** Reads and validates a tenant file (JSON, or YAML by extension). */
export async function readTenantFile(path: string): Promise<TenantFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new TenantFileError(`tenant file ${path}: cannot be read`, { cause });
  }
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(path) ? await parseYaml(text) : JSON.parse(text);
  } catch (cause) {
    throw new TenantFileError(`tenant file ${path}: not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(cause as Error).message}`);
  }
  return parseTenant(data, path);
}

export function parseTenant(data: unknown, source = 'tenant'): TenantFile {
  const parsed = tenantSchema.safeParse(data);
  if (!parsed.success) throw new TenantFileError(`${source}: ${describeTenantError(parsed.error)}`);
  const seen = new Set<string>();
  for (const [i, c] of parsed.data.clients.entries()) {
    if (seen.has(c.client_id)) throw new TenantFileError(`${source}: clients[${i}].client_id: duplicate ${c.client_id}`);
    seen.add(c.client_id);
  }
  return parsed.data;
}

export interface ImportSummary {
  clients: number;
  resourceServers: number;
  users: number;
  clientGrants: number;
}

/**
 * Imports a tenant idempotently: creates or updates by client_id, identifier and email; never
 * duplicates; leaves alone what the file does not list.
 */
export async function importTenant(storage: Storage, tenant: TenantFile, now = Math.floor(Date.now() / 1000)): Promise<ImportSummary> {
  for (const api of tenant.resourceServers) {
    const record: ResourceServer = { ...api, scopes: api.scopes.map((s) => ({ value: s.value, description: s.description })) };
    await storage.resourceServers.upsert(record);
  }
  await importRoles(storage, tenant.roles);
  for (const client of tenant.clients) await storage.clients.upsert(toClient(client));
  for (const user of tenant.users) await upsertUser(storage, user, now);
  await importUserAuthorization(storage, tenant.users);
  for (const [i, grant] of tenant.clientGrants.entries()) await upsertClientGrant(storage, grant, i);
  return {
    clients: tenant.clients.length,
    resourceServers: tenant.resourceServers.length,
    users: tenant.users.length,
    clientGrants: tenant.clientGrants.length,
  };
}

export function toClient(client: TenantClient): Client {
  const defaultGrants: GrantType[] = client.app_type === 'non_interactive'
    ? ['client_credentials']
    : ['authorization_code', 'refresh_token'];
  return {
    client_id: client.client_id,
    client_secret_hash: client.client_secret === undefined ? null : hashSecret(client.client_secret),
    name: client.name,
    app_type: client.app_type,
    callbacks: client.callbacks,
    allowed_logout_urls: client.allowed_logout_urls,
    grant_types: client.grant_types ?? defaultGrants,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    is_first_party: client.is_first_party,
    refresh_token: client.refresh_token,
    backchannel_logout_uri: client.backchannel_logout_uri ?? null,
  };
}

/** A client grant names an existing client and API, and only scopes that API defines (as Auth0 checks). */
async function upsertClientGrant(storage: Storage, grant: TenantClientGrant, index: number): Promise<void> {
  const at = `clientGrants[${index}]`;
  if (!(await storage.clients.findById(grant.client_id))) {
    throw new TenantFileError(`${at}.client_id: no client ${grant.client_id}`);
  }
  const api = await storage.resourceServers.findByIdentifier(grant.audience);
  if (!api) throw new TenantFileError(`${at}.audience: no resource server ${grant.audience}`);
  const known = new Set(api.scopes.map((s) => s.value));
  const unknown = grant.scope.find((scope) => !known.has(scope));
  if (unknown !== undefined) throw new TenantFileError(`${at}.scope: ${unknown} is not a scope of ${grant.audience}`);
  await storage.clientGrants.upsert({ client_id: grant.client_id, audience: grant.audience, scope: [...new Set(grant.scope)] });
}

async function upsertUser(storage: Storage, input: TenantUser, now: number): Promise<void> {
  const existing = await storage.users.findByEmail(input.email);
  const passwordHash = await importedPasswordHash(input, existing?.password_hash ?? null);
  const user: User = {
    user_id: existing?.user_id ?? input.user_id ?? newDatabaseUserId(),
    email: input.email.toLowerCase(),
    email_verified: input.email_verified,
    password_hash: passwordHash,
    name: input.name ?? existing?.name ?? null,
    given_name: input.given_name ?? existing?.given_name ?? null,
    family_name: input.family_name ?? existing?.family_name ?? null,
    nickname: input.nickname ?? existing?.nickname ?? null,
    picture: input.picture ?? existing?.picture ?? null,
    updated_at: now,
    ...(input.user_metadata !== undefined && { user_metadata: input.user_metadata }),
    ...(input.app_metadata !== undefined && { app_metadata: input.app_metadata }),
  };
  await storage.users.upsert(user);
}

/** The file's password wins, as every field does: a hash given as is, or a password hashed here. */
async function importedPasswordHash(input: TenantUser, stored: string | null): Promise<string | null> {
  if (input.custom_password_hash !== undefined) return input.custom_password_hash.hash.value;
  if (input.password === undefined) return stored;
  // Re-hash only when the password changed: the file is imported at every boot.
  if (stored !== null && (await verifyPassword(stored, input.password))) return stored;
  return hashPassword(input.password);
}

/** Auth0's shape for database users: `auth0|<24 hex>`, so ids imported from Auth0 keep their `sub`. */
export function newDatabaseUserId(): string {
  return `auth0|${Buffer.from(randomToken(12), 'base64url').toString('hex').slice(0, 24)}`;
}
