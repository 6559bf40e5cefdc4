import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config/config.js';
import { KeySet } from './crypto/keys.js';
import { randomToken } from './crypto/random.js';
import { buildApp } from './http/app.js';
import { cookieSettings } from './http/cookies.js';
import { systemClock, type Clock, type ProtocolContext, type ProtocolSettings } from './protocol/context.js';
import { discoveryDocument } from './protocol/discovery.js';
import { OIDC_SCOPES } from './protocol/scope.js';
import { authorizationCodeGrant } from './protocol/token/grants/authorization-code.js';
import { createTokenEndpoint } from './protocol/token/token-endpoint.js';
import { KyselyStorage } from './storage/kysely/kysely-storage.js';
import type { Storage } from './storage/storage.js';
import { importTenant, parseTenant, readTenantFile, type ImportSummary } from './tenant/import-tenant.js';

export interface StartOptions {
  /** 0 (the default here) picks a free port. */
  port?: number;
  host?: string;
  /** Defaults to http://127.0.0.1:<port>/ once the port is known. */
  issuer?: string;
  /** Default `sqlite::memory:`. */
  database?: string;
  /** A tenant in the tenant file's shape, imported at start. */
  tenant?: unknown;
  tenantFile?: string;
  clock?: Clock;
  logger?: boolean | { level: string };
  settings?: Partial<Omit<ProtocolSettings, 'issuer'>>;
}

export interface RunningLatchkey {
  readonly app: FastifyInstance;
  readonly issuer: string;
  /** The URL the server listens on (the issuer may differ behind a proxy). */
  readonly url: string;
  readonly port: number;
  readonly storage: Storage;
  readonly ctx: ProtocolContext;
  readonly imported: ImportSummary | undefined;
  close(): Promise<void>;
}

export const DEFAULT_SETTINGS: Omit<ProtocolSettings, 'issuer'> = {
  authorizationCodeTtl: 60,
  interactionTtl: 15 * 60,
  idTokenTtl: 36_000,
  userinfoAccessTokenTtl: 86_400,
  // Auth0's defaults: 3 days of inactivity, 7 days at most.
  sessionIdleTtl: 3 * 86_400,
  sessionAbsoluteTtl: 7 * 86_400,
};

/** Opens storage, imports the tenant, loads keys, and listens. Used by `latchkey serve` and by tests. */
export async function startLatchkey(options: StartOptions = {}): Promise<RunningLatchkey> {
  const storage = await KyselyStorage.open(options.database ?? 'sqlite::memory:');
  try {
    let imported: ImportSummary | undefined;
    if (options.tenantFile) imported = await importTenant(storage, await readTenantFile(options.tenantFile));
    if (options.tenant !== undefined) imported = await importTenant(storage, parseTenant(options.tenant));

    const keys = new KeySet(storage.signingKeys);
    await keys.load('RS256');
    const csrfKey = await storage.settings.putIfAbsent('csrf_hmac_key', randomToken(32));

    // The issuer names the port, so when the port is picked at listen time the app is built after.
    const host = options.host ?? '127.0.0.1';
    const probe = await import('node:net').then(({ createServer }) => createServer());
    const port = options.port ?? 0;
    const chosenPort = port !== 0 ? port : await new Promise<number>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(0, host, () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const issuer = options.issuer ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${chosenPort}/`;

    const ctx: ProtocolContext = {
      storage,
      keys,
      clock: options.clock ?? systemClock,
      settings: { ...DEFAULT_SETTINGS, ...options.settings, issuer },
    };
    const discoveryJson = JSON.stringify(
      discoveryDocument({ issuer, signingAlgs: keys.algorithms(), scopes: OIDC_SCOPES }),
    );
    const app = await buildApp({
      deps: { ctx, cookies: cookieSettings(issuer), tokenEndpoint: createTokenEndpoint([authorizationCodeGrant]), discoveryJson },
      csrfKey,
      logger: options.logger ?? false,
    });
    await app.listen({ port: chosenPort, host });
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${chosenPort}/`;
    return {
      app,
      issuer,
      url,
      port: chosenPort,
      storage,
      ctx,
      imported,
      async close() {
        await app.close();
        await storage.close();
      },
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}

/** Starts from a loaded configuration (`latchkey serve`). */
export function startFromConfig(config: Config): Promise<RunningLatchkey> {
  return startLatchkey({
    port: config.port,
    host: config.host,
    issuer: config.issuer,
    database: config.database,
    ...(config.tenantFile !== undefined && { tenantFile: config.tenantFile }),
    logger: { level: config.logLevel },
  });
}

export { loadConfig };
