// Seeds a Latchkey SQLite database in bulk:
//   node --import tsx bench/src/seed/main.ts --database sqlite:./data/seed.db \
//     [--users 1000000] [--clients 10000] [--refresh-tokens 1000000] [--secret <text>]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SEEDED_PASSWORD, seedLatchkeyDatabase } from './bulk-seed.js';

const { values } = parseArgs({
  options: {
    database: { type: 'string' },
    users: { type: 'string', default: '1000000' },
    clients: { type: 'string', default: '10000' },
    'refresh-tokens': { type: 'string', default: '1000000' },
    secret: { type: 'string' },
  },
});
const database = values.database ?? '';
if (!database.startsWith('sqlite:') || database === 'sqlite::memory:') {
  console.error('--database sqlite:<file> is required (PostgreSQL seeding is not available yet)');
  process.exit(2);
}
const count = (name: string, text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number`);
    process.exit(2);
  }
  return value;
};
const secret = values.secret ?? randomBytes(24).toString('base64url');
const summary = await seedLatchkeyDatabase({
  file: database.slice('sqlite:'.length),
  users: count('users', values.users),
  clients: count('clients', values.clients),
  refreshTokens: count('refresh-tokens', values['refresh-tokens']),
  secret,
  log: (line) => console.error(line),
});
console.log(
  `seeded ${summary.users} users, ${summary.clients} clients, ${summary.refreshTokens} refresh tokens in ${summary.seconds.toFixed(1)} s\n` +
    `password of every user: ${SEEDED_PASSWORD}\n` +
    `secret (derives client secrets and refresh tokens, see bench/src/seed/bulk-seed.ts): ${secret}`,
);
