import { z } from 'zod';

/** A permission as Auth0 assigns it: a scope (`permission_name`) of one API. */
export const permissionSchema = z
  .object({
    resource_server_identifier: z.string().min(1).max(600),
    permission_name: z.string().min(1).max(280).regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'a scope token (RFC 6749 §3.3)'),
  })
  .strict();

/** A role (Auth0 Management API `roles`): a named set of permissions given to users. */
export const roleSchema = z
  .object({
    name: z.string().min(1).max(255),
    description: z.string().max(500).default(''),
    permissions: z.array(permissionSchema).default([]),
  })
  .strict();

export type TenantPermission = z.infer<typeof permissionSchema>;
export type TenantRole = z.infer<typeof roleSchema>;
