import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config/config.js';
import { resolveSecret, type ResolvedSecret } from './config/secret.js';
import { KeyEncryption } from './crypto/key-encryption.js';
import { isSigningAlg, KeySet } from './crypto/keys.js';
import { randomToken } from './crypto/random.js';
import { buildApp } from './http/app.js';
import type { LoggerSetting } from './http/logging.js';
import type { RateLimit, RateLimiter } from './limits/rate-limiter.js';
import { setUpOperations, type Operations, type OperationsSettings } from './operations/operations.js';
import { cookieSettings } from './http/cookies.js';
import { systemClock, type Clock, type ProtocolContext, type ProtocolSettings } from './protocol/context.js';
import { discoveryDocument } from './protocol/discovery.js';
import { purgeExpired, startHousekeeping, type PurgeCounts } from './housekeeping/purge-expired.js';
import { BackchannelDelivery, DEFAULT_BACKCHANNEL_DELIVERY } from './protocol/logout/backchannel-delivery.js';
import { LOGOUT_TOKEN_TTL } from './protocol/logout/logout-token.js';
import type { ResourceServer } from './protocol/model.js';
import { OIDC_SCOPES } from './protocol/scope.js';
import { authorizationCodeGrant } from './protocol/token/grants/authorization-code.js';
import { clientCredentialsGrant } from './protocol/token/grants/client-credentials.js';
import { refreshTokenGrant } from './protocol/token/grants/refresh-token.js';
import { createTokenEndpoint } from './protocol/token/token-endpoint.js';
import { DEFAULT_SIGN_IN_THROTTLE, SignInThrottle, type SignInThrottleSettings } from './protocol/authorization/sign-in-throttle.js';
import { ClientFailureThrottle } from './http/client-failure-throttle.js';
import { KyselyStorage } from './storage/kysely/kysely-storage.js';
import type { Storage } from './storage/storage.js';
import { metricOutcome, type ActionRunner, type ActionRunnerOptions } from './actions/action-runner.js';
import { actionRuns } from './metrics/metrics.js';
import { createActionRunner } from './actions/tenant-actions.js';
import { importTenantConcurrently } from './tenant/import-concurrently.js';
import { parseTenant, readTenantFile, type ImportSummary } from './tenant/import-tenant.js';

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
  /** Pino JSON lines: `false` (default here), `true` (info), or a level and a stream. */
  logger?: LoggerSetting;
  /** Apply the database migrations before starting (default true); `latchkey migrate` does it apart. */
  migrate?: boolean;
  /** Most PostgreSQL connections of this process (default 10). */
  databasePoolMax?: number;
  /** Redis, the lookup cache, the HTTP rate limit, TLS, the proxy, /metrics (see OperationsSettings). */
  operations?: OperationsSettings;
  settings?: Partial<Omit<ProtocolSettings, 'issuer'>>;
  /** Limits and logging of the tenant's actions (time limit default 5 s, memory 128 MiB). */
  actions?: ActionRunnerOptions;
  /** LATCHKEY_SECRET, which encrypts the signing keys at rest; absent: see `resolveSecret` (development only). */
  secret?: string;
  /** NODE_ENV=production: a missing secret is an error. Default: read from NODE_ENV. */
  production?: boolean;
  /** Seconds between two reloads of the signing keys (to pick up `latchkey keys rotate`). Default 30. */
  keyReloadInterval?: number;
  /** Sign-in throttling per account, address and trusted device; defaults in DEFAULT_SIGN_IN_THROTTLE. */
  signInThrottle?: Partial<SignInThrottleSettings>;
  /** Failed token, revocation and introspection requests tolerated per client and address; default 30 a minute. */
  clientFailureLimit?: RateLimit;
  /** Seconds between two background purges of expired records. Default 300. */
  housekeepingInterval?: number;
  /** Back-channel logout delivery: per-attempt timeout, delays between retries, and how long logout waits (ms). */
  backchannel?: { timeoutMs?: number; retryDelaysMs?: readonly number[]; waitMs?: number };
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
  /** Where the secret encrypting the signing keys came from (and the development file, if one). */
  readonly secret: Omit<ResolvedSecret, 'secret'>;
  /** Purges expired records now, as the background timer does. */
  purgeExpired(): Promise<PurgeCounts>;
  /** Counts hits per key (sign-in throttling), in Redis when configured so every instance shares it. */
  readonly limiter: RateLimiter;
  /** Reads the TLS certificate and key files again (SIGHUP); throws when not serving https. */
  reloadTls(): void;
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

/** How long a token can live, in seconds: retired keys stay published and spent records stay stored that long. */
export function longestTokenLifetime(settings: Omit<ProtocolSettings, 'issuer'>, apis: readonly ResourceServer[]): number {
  return Math.max(settings.idTokenTtl, settings.userinfoAccessTokenTtl, LOGOUT_TOKEN_TTL, ...apis.map((api) => api.token_lifetime));
}

/** Opens storage, imports the tenant, loads keys, and listens. Used by `latchkey serve` and by tests. */
export async function startLatchkey(options: StartOptions = {}): Promise<RunningLatchkey> {
  const database = options.database ?? 'sqlite::memory:';
  const opened = await KyselyStorage.open(database, { migrate: options.migrate !== false, poolMax: options.databasePoolMax, backgroundCheckpoints: true });
  let operations: Operations | undefined;
  let actions: ActionRunner | undefined;
  // What goes wrong in the background is logged once the app (and its logger) exists.
  let logger: FastifyBaseLogger | undefined;
  const log = {
    warn: (error: unknown, message: string) => logger?.warn({ err: error }, message),
    error: (error: unknown, message: string) => logger?.error({ err: error }, message),
  };
  try {
    operations = await setUpOperations(opened, options.clock ?? systemClock, options.operations ?? {}, log);
    const storage = operations.storage;
    let imported: ImportSummary | undefined;
    const tenantFile = options.tenantFile ? await readTenantFile(options.tenantFile) : undefined;
    const tenant = options.tenant !== undefined ? parseTenant(options.tenant) : undefined;
    if (tenantFile) imported = await importTenantConcurrently(storage, tenantFile);
    if (tenant) imported = await importTenantConcurrently(storage, tenant);
    // Read and transpiled now: an action that does not compile stops the start here.
    actions = await createActionRunner(
      [
        ...(tenantFile ? [{ actions: tenantFile.actions, tenantFile: options.tenantFile }] : []),
        ...(tenant ? [{ actions: tenant.actions, tenantFile: undefined }] : []),
      ],
      {
        ...options.actions,
        onRun: (action, outcome, seconds) => {
          actionRuns.inc({ trigger: action.trigger, outcome: metricOutcome(outcome) });
          options.actions?.onRun?.(action, outcome, seconds);
        },
      },
    );

    const clock = options.clock ?? systemClock;
    const settings = { ...DEFAULT_SETTINGS, ...options.settings };
    const production = options.production ?? process.env.NODE_ENV === 'production';
    const { secret, ...secretSource } = resolveSecret({ secret: options.secret, production, database });
    const tokenRetention = async () => longestTokenLifetime(settings, await storage.resourceServers.list());
    const keys = new KeySet(storage.signingKeys, {
      encryption: KeyEncryption.fromSecret(secret),
      now: () => clock.now(),
      retention: tokenRetention,
    });
    const apiAlgs = (await storage.resourceServers.list()).map((api) => api.signing_alg).filter(isSigningAlg);
    await keys.load(['RS256', ...new Set(apiAlgs)]);
    const csrfKey = await storage.settings.putIfAbsent('csrf_hmac_key', randomToken(32));
    const deviceKey = await storage.settings.putIfAbsent('signin_device_key', randomToken(32));

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
    const scheme = operations.https ? 'https' : 'http';
    const issuer = options.issuer ?? `${scheme}://${host === '0.0.0.0' ? 'localhost' : host}:${chosenPort}/`;

    const ctx: ProtocolContext = { storage, keys, clock, settings: { ...settings, issuer }, ...(actions && { actions }) };
    const backchannel = new BackchannelDelivery({
      timeoutMs: options.backchannel?.timeoutMs ?? DEFAULT_BACKCHANNEL_DELIVERY.timeoutMs,
      retryDelaysMs: options.backchannel?.retryDelaysMs ?? DEFAULT_BACKCHANNEL_DELIVERY.retryDelaysMs,
      log: ({ level, message, ...details }) => app.log[level](details, message),
    });
    const discoveryJson = JSON.stringify(
      discoveryDocument({ issuer, signingAlgs: keys.algorithms(), scopes: OIDC_SCOPES }),
    );
    const app = await buildApp({
      deps: {
        ctx,
        cookies: cookieSettings(issuer),
        tokenEndpoint: createTokenEndpoint([authorizationCodeGrant, refreshTokenGrant, clientCredentialsGrant]),
        discoveryJson,
        backchannel: { notifier: backchannel, waitMs: options.backchannel?.waitMs ?? 2_000 },
        signInThrottle: new SignInThrottle(operations.limiter, clock, deviceKey, { ...DEFAULT_SIGN_IN_THROTTLE, ...options.signInThrottle }),
        clientFailureThrottle: new ClientFailureThrottle(operations.limiter, options.clientFailureLimit),
      },
      csrfKey,
      logger: options.logger ?? false,
      operations: operations.app.operations,
      transport: operations.app.transport,
    });
    logger = app.log;
    // Failures and denials of actions are logged by the server's logger unless told otherwise.
    if (actions && !options.actions?.logger) actions.logger = app.log;
    // Keys added by another process (key rotation, another instance) are picked up within this interval.
    const keyReload = setInterval(() => {
      keys.reload().catch((error: unknown) => app.log.error({ err: error }, 'reloading the signing keys failed'));
    }, (options.keyReloadInterval ?? 30) * 1000);
    keyReload.unref();
    const housekeeper = startHousekeeping({
      intervalSeconds: options.housekeepingInterval ?? 300,
      purge: async () =>
        purgeExpired(storage.housekeeping, clock.now(), { sessionIdleTtl: settings.sessionIdleTtl, tokenRetention: await tokenRetention() }),
      log: (error) => app.log.error({ err: error }, 'purging expired records failed'),
    });
    const stopBackground = async () => {
      clearInterval(keyReload);
      backchannel.close();
      await housekeeper.stop();
    };
    try {
      await app.listen({ port: chosenPort, host });
    } catch (error) {
      await stopBackground();
      throw error;
    }
    const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${chosenPort}/`;
    const running = operations;
    return {
      app,
      issuer,
      url,
      port: chosenPort,
      storage,
      ctx,
      imported,
      secret: secretSource,
      purgeExpired: () => housekeeper.runOnce(),
      limiter: running.limiter,
      reloadTls: () => running.reloadTls(),
      async close() {
        // The listening socket closes at once; background work finishes meanwhile.
        await Promise.all([app.close(), stopBackground()]);
        await actions?.close();
        await running.close();
        await opened.close();
      },
    };
  } catch (error) {
    await actions?.close();
    await operations?.close();
    await opened.close();
    throw error;
  }
}

/** Starts from a loaded configuration (`latchkey serve`). */
export function startFromConfig(config: Config): Promise<RunningLatchkey> {
  return startLatchkey({
    port: config.port,
    host: config.host,
    // With PORT=0 the default issuer cannot name the port yet: the server derives it once listening.
    ...(config.issuer !== `http://localhost:0/` && { issuer: config.issuer }),
    database: config.database,
    ...(config.tenantFile !== undefined && { tenantFile: config.tenantFile }),
    ...(config.secret !== undefined && { secret: config.secret }),
    production: config.production,
    logger: { level: config.logLevel },
    migrate: config.migrate,
    databasePoolMax: config.databasePoolMax,
    keyReloadInterval: config.keyReloadInterval,
    actions: { timeoutMs: config.actionTimeoutMs, memoryMb: config.actionMemoryMb },
    operations: {
      redis: config.redis,
      redisPrefix: config.redisPrefix,
      cacheTtl: config.cacheTtl,
      rateLimit: config.rateLimit,
      metricsToken: config.metricsToken,
      tls: config.tls,
      trustProxy: config.trustProxy,
      eventRetentionDays: config.eventRetentionDays,
    },
  });
}

export { loadConfig };
