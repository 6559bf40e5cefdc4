import { z } from 'zod';
import { loadOperationsConfig, type OperationsConfig, type OperationsInput } from './operations-config.js';
import { loadActionsConfig, type ActionsConfig } from './actions-config.js';

/**
 * Every setting of the server, read once at start-up from the environment and `latchkey serve`
 * flags (flags win), validated, and frozen.
 */
export interface Config extends OperationsConfig, ActionsConfig {
  /** `PORT`, default 4000 (0 picks a free port). */
  readonly port: number;
  /** `HOST`, default 0.0.0.0 (all interfaces). */
  readonly host: string;
  /** `LATCHKEY_ISSUER`: the public base URL with its trailing slash; default `http://localhost:<PORT>/`. */
  readonly issuer: string;
  /** `LATCHKEY_DATABASE`: `sqlite:<path>` (default `sqlite:./data/latchkey.db`), `sqlite::memory:`, or `postgres://…`. */
  readonly database: string;
  /** `LATCHKEY_TENANT_FILE`: JSON or YAML imported idempotently at every boot. */
  readonly tenantFile: string | undefined;
  /** `LATCHKEY_LOG_LEVEL`: pino level, default `info`. */
  readonly logLevel: string;
  /**
   * `LATCHKEY_SECRET`: encrypts the private signing keys at rest (at least 32 characters, random).
   * Required when `NODE_ENV=production`; in development one is generated and kept next to the database.
   */
  readonly secret: string | undefined;
  /** `NODE_ENV=production`: refuse development conveniences (a generated LATCHKEY_SECRET). */
  readonly production: boolean;
}

export type ConfigInput = Partial<Record<'port' | 'host' | 'issuer' | 'database' | 'tenantFile' | 'logLevel', string>>;

const schema = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  issuer: z
    .string()
    .url()
    .refine((value) => {
      if (!URL.canParse(value)) return false;
      const url = new URL(value);
      return url.search === '' && url.hash === '' && (url.protocol === 'https:' || url.protocol === 'http:');
    }, 'must be an http(s) URL without query or fragment (OpenID Connect Discovery §3)')
    .refine((value) => value.endsWith('/'), 'must end with a trailing slash'),
  database: z.string().regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:<path>, sqlite::memory: or postgres://…'),
  tenantFile: z.string().min(1).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  secret: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional(),
});

export function loadConfig(env: NodeJS.ProcessEnv, flags: ConfigInput & OperationsInput = {}): Config {
  const port = flags.port ?? env.PORT ?? '4000';
  const raw = {
    port,
    host: flags.host ?? env.HOST ?? '0.0.0.0',
    issuer: flags.issuer ?? env.LATCHKEY_ISSUER ?? `http://localhost:${port}/`,
    database: flags.database ?? env.LATCHKEY_DATABASE ?? 'sqlite:./data/latchkey.db',
    tenantFile: flags.tenantFile ?? (env.LATCHKEY_TENANT_FILE || undefined),
    logLevel: flags.logLevel ?? env.LATCHKEY_LOG_LEVEL ?? 'info',
    secret: env.LATCHKEY_SECRET || undefined,
  };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    // The port's problem first: the default issuer is derived from it.
    const issue = parsed.error.issues.find((i) => i.path[0] === 'port') ?? parsed.error.issues[0]!;
    throw new Error(`invalid setting ${settingName(String(issue.path[0]))}: ${issue.message}`);
  }
  return Object.freeze({
    ...loadOperationsConfig(env, flags),
    ...loadActionsConfig(env),
    ...parsed.data,
    tenantFile: parsed.data.tenantFile,
    secret: parsed.data.secret,
    production: env.NODE_ENV === 'production',
  });
}

function settingName(key: string): string {
  const names: Record<string, string> = {
    port: 'PORT',
    host: 'HOST',
    issuer: 'LATCHKEY_ISSUER',
    database: 'LATCHKEY_DATABASE',
    tenantFile: 'LATCHKEY_TENANT_FILE',
    logLevel: 'LATCHKEY_LOG_LEVEL',
    secret: 'LATCHKEY_SECRET',
  };
  return names[key] ?? key;
}

/** Whether the issuer is plain http on a host other than a loopback one (allowed for development only, with a warning). */
export function isInsecureIssuer(issuer: string): boolean {
  const url = new URL(issuer);
  return url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}
