#!/usr/bin/env node
import { listKeysCommand, rotateKeysCommand } from './keys.js';
import { LOGS_USAGE, logsCommand } from './logs.js';
import { migrateCommand } from './migrate.js';
import { serveCommand } from './serve.js';
import { createClientCommand, createUserCommand } from './manage.js';
import { actionsTestCommand } from './actions-test.js';

const USAGE = `Usage: latchkey <command> [options]

Commands:
  serve                 Start the authorization server
  migrate               Apply database migrations, create the first signing keys, and exit
  logs                  List the security event log (sign-ins, failures, token exchanges, logouts)
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
  --workers <n|auto>    LATCHKEY_WORKERS: processes sharing the port and the store (default 1)
  --no-migrate          LATCHKEY_MIGRATE=false: do not apply migrations at start
  (environment only)    LATCHKEY_REDIS, LATCHKEY_REDIS_PREFIX, LATCHKEY_CACHE_TTL, LATCHKEY_RATE_LIMIT,
                        LATCHKEY_TLS_CERT, LATCHKEY_TLS_KEY, LATCHKEY_TRUST_PROXY, LATCHKEY_METRICS_TOKEN,
                        LATCHKEY_SHUTDOWN_TIMEOUT, LATCHKEY_DATABASE_POOL_MAX, LATCHKEY_KEY_RELOAD_INTERVAL
                        (see docs/production.md)
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
migrate [--database <url>]
${LOGS_USAGE}
`;

async function main(argv: string[]): Promise<number> {
  const [command, sub] = argv;
  switch (command) {
    case 'serve':
      return serveCommand(argv.slice(1));
    case 'migrate':
      return migrateCommand(argv.slice(1));
    case 'logs':
      return logsCommand(argv.slice(1));
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`latchkey: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
