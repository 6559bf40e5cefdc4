import { z } from 'zod';
import { checkPassword, describePasswordProblem } from '../protocol/users/password-policy.js';
import { actionSchema } from './action-schema.js';
import { permissionSchema, roleSchema } from './rbac-schema.js';

/**
 * The tenant file, in Auth0 Management API field names, so a tenant exported from Auth0 reads
 * the same. Unknown fields are refused rather than silently ignored.
 */
// Schemes a browser runs or reads locally rather than navigating to an application: never a
// redirect target (a private-use scheme of a native app, RFC 8252 §7.1, is fine).
const UNSAFE_SCHEMES = /^\s*(javascript|data|vbscript|file|blob):/i;
const absoluteUrl = z
  .string()
  .url()
  .refine((url) => !UNSAFE_SCHEMES.test(url), 'must not be a javascript:, data:, vbscript:, file: or blob: URL');

/**
 * Auth0's client `refresh_token` object. Refresh tokens always rotate here; the defaults are
 * Auth0's for rotating tokens: 30 days absolute, 15 days idle, no reuse leeway.
 */
export const refreshTokenSettingsSchema = z
  .object({
    rotation_type: z
      .literal('rotating', { message: "only 'rotating' is supported: refresh tokens rotate on every use (RFC 9700 §4.14.2)" })
      .default('rotating'),
    expiration_type: z.enum(['expiring', 'non-expiring']).default('expiring'),
    leeway: z.number().int().min(0).max(60).default(0),
    token_lifetime: z.number().int().min(60).max(31_557_600).default(2_592_000),
    idle_token_lifetime: z.number().int().min(60).max(31_557_600).default(1_296_000),
    infinite_token_lifetime: z.boolean().default(false),
    infinite_idle_token_lifetime: z.boolean().default(false),
  })
  .strict()
  .refine((r) => r.infinite_token_lifetime || r.infinite_idle_token_lifetime || r.idle_token_lifetime <= r.token_lifetime, {
    message: 'idle_token_lifetime must not exceed token_lifetime',
    path: ['idle_token_lifetime'],
  });

export const clientSchema = z
  .object({
    client_id: z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
    client_secret: z.string().min(32, 'must be at least 32 characters').max(512).optional(),
    name: z.string().min(1).max(255),
    app_type: z.enum(['regular_web', 'non_interactive', 'spa', 'native']).default('regular_web'),
    callbacks: z.array(absoluteUrl.refine((u) => !u.includes('#'), 'must not contain a fragment')).default([]),
    allowed_logout_urls: z.array(absoluteUrl).default([]),
    grant_types: z.array(z.enum(['authorization_code', 'refresh_token', 'client_credentials'])).optional(),
    token_endpoint_auth_method: z.enum(['client_secret_basic', 'client_secret_post', 'none']).default('client_secret_basic'),
    is_first_party: z.boolean().default(true),
    refresh_token: refreshTokenSettingsSchema.optional(),
    // Back-Channel Logout 1.0 §2.2: an absolute URL without a fragment.
    backchannel_logout_uri: absoluteUrl.refine((u) => !u.includes('#'), 'must not contain a fragment').optional(),
  })
  .strict()
  .superRefine((client, ctx) => {
    const isPublic = client.token_endpoint_auth_method === 'none';
    if (isPublic && client.client_secret !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['client_secret'], message: 'a public client (token_endpoint_auth_method none) has no secret' });
    }
    if (!isPublic && client.client_secret === undefined) {
      ctx.addIssue({ code: 'custom', path: ['client_secret'], message: 'is required for a confidential client' });
    }
  });

export const resourceServerSchema = z
  .object({
    identifier: z.string().min(1).max(600),
    name: z.string().min(1).max(255),
    scopes: z
      .array(z.object({ value: z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'a scope token (RFC 6749 §3.3)'), description: z.string().max(500).default('') }).strict())
      .default([]),
    allow_offline_access: z.boolean().default(false),
    token_lifetime: z.number().int().min(60).max(2_592_000).default(86_400),
    signing_alg: z.enum(['RS256', 'ES256', 'EdDSA']).default('RS256'),
    enforce_policies: z.boolean().default(false),
    token_dialect: z.enum(['access_token', 'access_token_authz']).default('access_token'),
    skip_consent_for_verifiable_first_party_clients: z.boolean().default(true),
  })
  .strict()
  .refine((api) => api.token_dialect !== 'access_token_authz' || api.enforce_policies, {
    // As Auth0: the permissions claim lists RBAC permissions, so it needs RBAC on.
    message: 'access_token_authz needs enforce_policies: true',
    path: ['token_dialect'],
  });

/** Auth0's client grant: the scopes a machine-to-machine client may get for one API (client credentials). */
export const clientGrantSchema = z
  .object({
    client_id: z.string().min(1).max(255),
    audience: z.string().min(1).max(600),
    scope: z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'a scope token (RFC 6749 §3.3)')).default([]),
  })
  .strict();

// An argon2 hash in PHC string format (github.com/P-H-C/phc-string-format): variant, version,
// parameters, then salt and hash in unpadded base64.
const ARGON2_PHC = /^\$argon2(?:id|i|d)\$(?:v=\d{1,3}\$)?m=\d{1,10},t=\d{1,10},p=\d{1,3}\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,}$/;

/**
 * Auth0's bulk-import `custom_password_hash`, for argon2 only (what Latchkey verifies): a hash
 * made elsewhere, stored as is, so users move with their passwords and a file of many users is
 * imported without hashing each password at every boot. Other parameters than Latchkey's are
 * upgraded at the user's next sign-in.
 */
const customPasswordHashSchema = z
  .object({
    algorithm: z.literal('argon2', { message: "only 'argon2' is supported" }),
    hash: z
      .object({
        value: z.string().max(512).regex(ARGON2_PHC, 'must be an argon2 hash in PHC string format ($argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>)'),
        encoding: z.literal('utf8', { message: "only 'utf8' is supported" }).default('utf8'),
      })
      .strict(),
  })
  .strict();

export const userSchema = z
  .object({
    user_id: z.string().regex(/^[a-z0-9-]+\|[\x21-\x7e]+$/i, 'must look like <provider>|<id>').max(255).optional(),
    email: z.string().email().max(320),
    password: z
      .string()
      .superRefine((password, ctx) => {
        const problem = checkPassword(password);
        if (problem) ctx.addIssue({ code: 'custom', message: describePasswordProblem(problem) });
      })
      .optional(),
    custom_password_hash: customPasswordHashSchema.optional(),
    email_verified: z.boolean().default(false),
    name: z.string().max(255).optional(),
    given_name: z.string().max(255).optional(),
    family_name: z.string().max(255).optional(),
    nickname: z.string().max(255).optional(),
    picture: z.string().url().optional(),
    /** Names of roles (of this file or already stored); when given, the user has exactly these. */
    roles: z.array(z.string().min(1).max(255)).optional(),
    /** Direct permissions; when given, the user has exactly these (besides those of roles). */
    permissions: z.array(permissionSchema).optional(),
    user_metadata: z.record(z.string(), z.unknown()).optional(),
    app_metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((user, ctx) => {
    if (user.password !== undefined && user.custom_password_hash !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['custom_password_hash'], message: 'give either password or custom_password_hash, not both' });
    }
    if (user.password !== undefined && checkPassword(user.password, { email: user.email }) === 'same_as_email') {
      ctx.addIssue({ code: 'custom', path: ['password'], message: describePasswordProblem('same_as_email') });
    }
  });

export const tenantSchema = z
  .object({
    clients: z.array(clientSchema).default([]),
    resourceServers: z.array(resourceServerSchema).default([]),
    users: z.array(userSchema).default([]),
    roles: z.array(roleSchema).default([]),
    actions: z.array(actionSchema).default([]),
    clientGrants: z.array(clientGrantSchema).default([]),
  })
  .passthrough();

export type TenantFile = z.infer<typeof tenantSchema>;
export type TenantClient = z.infer<typeof clientSchema>;
export type TenantResourceServer = z.infer<typeof resourceServerSchema>;
export type TenantUser = z.infer<typeof userSchema>;
export type TenantClientGrant = z.infer<typeof clientGrantSchema>;

/** Formats the first problem of a tenant file with the path of the field, e.g. `clients[0].client_secret`. */
export function describeTenantError(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('');
  return `${path || '(root)'}: ${issue.message}`;
}
