import cluster from 'node:cluster';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { isInsecureIssuer, loadConfig, type Config, type ConfigInput } from '../config/config.js';
import type { OperationsInput } from '../config/operations-config.js';
import { collectProcessMetrics } from '../metrics/metrics.js';
import { CLUSTER_WORKER_ENV, serveClusterMetrics } from '../metrics/metrics-source.js';
import { limitHeapGrowth } from '../runtime/heap-growth.js';
import { lowerHelperThreads } from '../runtime/thread-priority.js';
import { growYoungGenerationToCap } from '../runtime/young-generation.js';
import { startFromConfig } from '../server.js';
import { prepareDatabase } from './prepare.js';
import { handleSignals } from './shutdown.js';

/** `latchkey serve`: one process, or with `--workers N` a primary process and N workers sharing the port and the store. */
export async function serveCommand(args: string[]): Promise<number> {
  limitHeapGrowth();
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      issuer: { type: 'string' },
      database: { type: 'string' },
      'tenant-file': { type: 'string' },
      'log-level': { type: 'string' },
      workers: { type: 'string' },
      'no-migrate': { type: 'boolean' },
    },
  });
  const flags: ConfigInput & OperationsInput = {};
  if (values.port !== undefined) flags.port = values.port;
  if (values.host !== undefined) flags.host = values.host;
  if (values.issuer !== undefined) flags.issuer = values.issuer;
  if (values.database !== undefined) flags.database = values.database;
  if (values['tenant-file'] !== undefined) flags.tenantFile = values['tenant-file'];
  if (values['log-level'] !== undefined) flags.logLevel = values['log-level'];
  if (values.workers !== undefined) flags.workers = values.workers;
  if (values['no-migrate']) flags.migrate = 'false';
  const config = loadConfig(process.env, flags);

  collectProcessMetrics();
  if (config.workers > 1 && cluster.isPrimary) return runPrimary(config);
  if (!isWorker()) return runServer(config);
  try {
    return await runServer(config);
  } catch (error) {
    // The channel to the primary would keep a failed worker alive: exit so the primary sees it.
    console.error(`latchkey worker ${process.pid}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

const isWorker = () => cluster.isWorker && process.env[CLUSTER_WORKER_ENV] === '1';

async function runServer(config: Config): Promise<number> {
  const server = await startFromConfig(config);
  growYoungGenerationToCap();
  const log = server.app.log;
  const lowered = lowerHelperThreads(config.helperNiceness);
  if (lowered) log.info(lowered, `helper threads run at nice ${lowered.nice}, below the event loop`);
  handleSignals(server, { timeoutSeconds: config.shutdownTimeout, log });
  if (isInsecureIssuer(config.issuer)) {
    log.warn(`issuer ${config.issuer} is plain http on a non-loopback host: use https in production`);
  }
  if (config.trustProxy === true) {
    log.warn('LATCHKEY_TRUST_PROXY=true believes X-Forwarded-* from anyone: only when nothing reaches Latchkey but through the proxy');
  }
  if (server.imported) {
    log.info(server.imported, `tenant file ${config.tenantFile} imported`);
  }
  if (server.secret.source === 'generated' || server.secret.source === 'file') {
    const what = server.secret.source === 'generated' ? 'generated a development secret and stored it' : 'using the development secret';
    log.warn(`LATCHKEY_SECRET is not set: ${what} in ${server.secret.path} (set LATCHKEY_SECRET in production)`);
  }
  // Under --workers the primary prints the banner once for all.
  if (isWorker()) return new Promise<number>(() => {});
  console.log(`Latchkey listening on ${server.url.replace('0.0.0.0', 'localhost')} (issuer ${server.issuer})`);
  console.log(`  discovery: ${server.issuer}.well-known/openid-configuration`);
  console.log('  quickstart: npm run demo (a web app, an API and a user on :3000, :3010 and :4000; stop this server first)');
  if ((await server.storage.clients.count()) === 0) {
    console.log(`
  The database has no application yet. To try the sign-in flow:
    npm run demo                      starts Latchkey with a demo app, API and user
  or register your own:
    npx latchkey clients create --name "My App" --callback http://localhost:3000/callback
    npx latchkey users create --email you@example.com --password "a long passphrase"
  or set LATCHKEY_TENANT_FILE to a tenant file (see README).
`);
  }
  return new Promise<number>(() => {});
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Restarts allowed within RESTART_WINDOW seconds before the primary gives up (a crash loop). */
const MAX_RESTARTS = 5;
const RESTART_WINDOW = 60;

/**
 * The primary of `--workers N` (node:cluster): readies the database once (migrations, first
 * signing keys), forks N workers that share the listening port (the primary hands connections
 * round-robin), replaces a worker that dies, forwards SIGHUP (TLS reload), and on SIGTERM/SIGINT
 * stops every worker gracefully and exits 0 once all have exited cleanly.
 */
async function runPrimary(config: Config): Promise<number> {
  const log = pino({ level: config.logLevel, base: { pid: process.pid, role: 'primary' } });
  if (config.database === 'sqlite::memory:') {
    throw new Error('--workers needs a database every worker opens: sqlite:<file> or postgres://… (not sqlite::memory:)');
  }
  const prepared = await prepareDatabase(config, { migrate: config.migrate });
  if (prepared.applied.length > 0) log.info({ migrations: prepared.applied }, 'database migrated');

  // The workers must agree on the port (and the issuer derived from it) before any listens.
  const port = config.port !== 0 ? config.port : await freePort(config.host);
  // The default issuer names the port: when that was 0, it names the one just chosen.
  const issuer = config.issuer === 'http://localhost:0/' ? `http://localhost:${port}/` : config.issuer;
  const env: Record<string, string> = {
    [CLUSTER_WORKER_ENV]: '1',
    PORT: String(port),
    HOST: config.host,
    LATCHKEY_ISSUER: issuer,
    LATCHKEY_DATABASE: config.database,
    LATCHKEY_LOG_LEVEL: config.logLevel,
    LATCHKEY_MIGRATE: 'false',
    LATCHKEY_WORKERS: '1',
    ...(config.tenantFile !== undefined && { LATCHKEY_TENANT_FILE: config.tenantFile }),
  };
  // Workers run this same program with `serve` alone: every setting comes through the environment.
  cluster.setupPrimary({ args: ['serve'] });
  serveClusterMetrics();

  let stopping = false;
  let failed = false;
  const restarts: number[] = [];
  const fork = () => cluster.fork(env);
  let listening = 0;
  cluster.on('listening', () => {
    listening++;
    if (listening === config.workers) {
      console.log(`Latchkey listening on ${config.tls ? 'https' : 'http'}://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/ (issuer ${issuer}, ${config.workers} workers)`);
    }
  });

  return new Promise<number>((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) {
        // Exit codes count only while stopping: a worker that died before was replaced.
        if (code !== 0) failed = true;
        if (Object.keys(cluster.workers ?? {}).length === 0) {
          log.info({ clean: !failed }, 'every worker has stopped');
          resolve(failed ? 1 : 0);
        }
        return;
      }
      log.error({ worker: worker.process.pid, code, signal }, 'a worker died: starting another');
      const now = Date.now() / 1000;
      restarts.push(now);
      while (restarts.length > 0 && restarts[0]! < now - RESTART_WINDOW) restarts.shift();
      if (restarts.length > MAX_RESTARTS) {
        log.fatal(`${restarts.length} workers died within ${RESTART_WINDOW} s: stopping`);
        void stopAll('crash loop');
        return;
      }
      fork();
    });

    const stopAll = async (reason: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ reason }, 'stopping every worker');
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
      // Workers bound their own drain; this only catches one that hangs past it.
      const hard = setTimeout(() => {
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
        failed = true;
      }, (config.shutdownTimeout + 10) * 1000);
      hard.unref();
      if (Object.keys(cluster.workers ?? {}).length === 0) resolve(failed ? 1 : 0);
    };
    process.on('SIGTERM', () => void stopAll('SIGTERM'));
    process.on('SIGINT', () => void stopAll('SIGINT'));
    process.on('SIGHUP', () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP');
    });

    for (let i = 0; i < config.workers; i++) fork();
  });
}
