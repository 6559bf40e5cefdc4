import { z } from 'zod';

/** The limits of the tenant's actions, read from the environment with the rest of the configuration. */
export interface ActionsConfig {
  /** `LATCHKEY_ACTION_TIMEOUT_MS`: time limit of one action run, default 5000 (100 – 60000). */
  readonly actionTimeoutMs: number;
  /** `LATCHKEY_ACTION_MEMORY_MB`: heap limit of an action thread in MiB, default 128 (16 – 4096). */
  readonly actionMemoryMb: number;
}

const schema = z.object({
  LATCHKEY_ACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  LATCHKEY_ACTION_MEMORY_MB: z.coerce.number().int().min(16).max(4096).default(128),
});

export function loadActionsConfig(env: NodeJS.ProcessEnv): ActionsConfig {
  const parsed = schema.safeParse({
    LATCHKEY_ACTION_TIMEOUT_MS: env.LATCHKEY_ACTION_TIMEOUT_MS || undefined,
    LATCHKEY_ACTION_MEMORY_MB: env.LATCHKEY_ACTION_MEMORY_MB || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid setting ${String(issue.path[0])}: ${issue.message}`);
  }
  return { actionTimeoutMs: parsed.data.LATCHKEY_ACTION_TIMEOUT_MS, actionMemoryMb: parsed.data.LATCHKEY_ACTION_MEMORY_MB };
}
