#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { isInsecureIssuer, loadConfig, type ConfigInput } from '../config/config.js';
import { KyselyStorage } from '../storage/kysely/kysely-storage.js';
import { startFromConfig } from '../server.js';
import { listKeysCommand, rotateKeysCommand } from './keys.js';
import { createClientCommand, createUserCommand } from './manage.js';
import { actionsTestCommand } from './actions-test.js';

const USAGE = `Usage: latchkey <command> [options]

Commands:
  serve                 Start the authorization server
  migrate               Apply database migrations and exit
  clients create        Register an application (prints its client_id and secret once)
  users create          Add a user to the database connection
  actions test          Run one action of the tenant file against a sample event
  keys rotate           Add a signing key and retire the previous one of its alg
  keys list             List the signing keys

Options of serve (each also an environment variable):
  --port <n>            PORT (default 4000)
  --issuer <url>        LATCHKEY_ISSUER (default http://localhost:<port>/)
  --database <url>      LATCHKEY_DATABASE (default sqlite:./data/latchkey.db)
  --tenant-file <path>  LATCHKEY_TENANT_FILE (JSON or YAML, imported at every boot)
  --host <addr>         HOST (default 0.0.0.0)
  --log-level <level>   LATCHKEY_LOG_LEVEL (default info)
  (environment only)    LATCHKEY_SECRET: encrypts the signing keys at rest; required
                        when NODE_ENV=production, generated into a file in development

clients create --name <name> --callback <url> [--callback <url>…] [--logout-url <url>…]
               [--type regular_web|spa|native|non_interactive] [--third-party] [--database <url>]
users create --email <email> --password <password> [--name <name>] [--database <url>] [--tenant-file <path>]
             (runs the tenant's pre- and post-user-registration actions)
actions test <name> [--event event.json] [--tenant-file <path>] [--handler <name>] [--timeout <ms>]
             (prints the claims, scopes, metadata, redirect or denial the action would make)
keys rotate [--alg RS256|ES256|EdDSA] [--database <url>]
keys list [--database <url>]
`;

async function main(argv: string[]): Promise<number> {
  const [command, sub] = argv;
  switch (command) {
    case 'serve':
      return serve(argv.slice(1));
    case 'migrate': {
      const { values } = parseArgs({ args: argv.slice(1), options: { database: { type: 'string' } } });
      const config = loadConfig(process.env, { ...(values.database !== undefined && { database: values.database }) });
      const storage = await KyselyStorage.open(config.database);
      await storage.close();
      console.log(`migrations applied to ${config.database.split(':')[0]} database`);
      return 0;
    }
    case 'clients':
      if (sub === 'create') return createClientCommand(argv.slice(2));
      break;
    case 'users':
      if (sub === 'create') return createUserCommand(argv.slice(2));
      break;
    case 'actions':
      if (sub === 'test') return actionsTestCommand(argv.slice(2));
      break;
    case 'keys':
      if (sub === 'rotate') return rotateKeysCommand(argv.slice(2));
      if (sub === 'list') return listKeysCommand(argv.slice(2));
      break;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
  }
  console.error(`unknown command: ${argv.join(' ')}\n\n${USAGE}`);
  return 2;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      issuer: { type: 'string' },
      database: { type: 'string' },
      'tenant-file': { type: 'string' },
      'log-level': { type: 'string' },
    },
  });
  const flags: ConfigInput = {};
  if (values.port !== undefined) flags.port = values.port;
  if (values.host !== undefined) flags.host = values.host;
  if (values.issuer !== undefined) flags.issuer = values.issuer;
  if (values.database !== undefined) flags.database = values.database;
  if (values['tenant-file'] !== undefined) flags.tenantFile = values['tenant-file'];
  if (values['log-level'] !== undefined) flags.logLevel = values['log-level'];
  const config = loadConfig(process.env, flags);

  const server = await startFromConfig(config);
  const log = server.app.log;
  if (isInsecureIssuer(config.issuer)) {
    log.warn(`issuer ${config.issuer} is plain http on a non-loopback host: use https in production`);
  }
  if (server.imported) {
    log.info(server.imported, `tenant file ${config.tenantFile} imported`);
  }
  if (server.secret.source === 'generated' || server.secret.source === 'file') {
    const what = server.secret.source === 'generated' ? 'generated a development secret and stored it' : 'using the development secret';
    log.warn(`LATCHKEY_SECRET is not set: ${what} in ${server.secret.path} (set LATCHKEY_SECRET in production)`);
  }
  console.log(`Latchkey listening on ${server.url.replace('0.0.0.0', 'localhost')} (issuer ${server.issuer})`);
  console.log(`  discovery: ${server.issuer}.well-known/openid-configuration`);
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

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received: finishing in-flight requests`);
    const timer = setTimeout(() => process.exit(1), 10_000);
    timer.unref();
    await server.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return new Promise<number>(() => {});
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`latchkey: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
