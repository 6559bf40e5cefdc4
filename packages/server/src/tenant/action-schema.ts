import { z } from 'zod';

/** The triggers an action can run at, named as Auth0 names them. */
export const ACTION_TRIGGERS = ['post-login', 'credentials-exchange', 'pre-user-registration', 'post-user-registration'] as const;

/**
 * An action (Auth0 Actions): a JavaScript or TypeScript module registered for one trigger, given
 * as a `file` (relative to the tenant file) or inline `code`. Actions of a trigger run in the
 * order they are listed.
 */
export const actionSchema = z
  .object({
    name: z.string().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'letters, digits, space, dot, dash and underscore'),
    trigger: z.enum(ACTION_TRIGGERS),
    file: z.string().min(1).max(1000).optional(),
    code: z.string().min(1).max(1_000_000).optional(),
    /** `event.secrets` of the action. Keep a tenant file with secrets out of version control. */
    secrets: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an identifier'), z.string().max(10_000)).default({}),
  })
  .strict()
  .superRefine((action, ctx) => {
    if ((action.file === undefined) === (action.code === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['file'], message: 'give exactly one of file or code' });
    }
  });

export type TenantAction = z.infer<typeof actionSchema>;
