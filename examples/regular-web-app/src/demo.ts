/**
 * `npm run demo` (at the repository root, or `npm run demo -w examples/regular-web-app`):
 * Latchkey (http://localhost:4000/, in-memory database seeded with the demo tenant of
 * tenant.json), the example API (http://localhost:3010) and this app (http://localhost:3000) in one
 * process. It prints the demo user's credentials once, at start.
 */
import { readFile } from 'node:fs/promises';
import { startLatchkey } from '@latchkey/server';
import { startApi } from '@latchkey/example-api';
import { startWebApp } from './app.js';
import { loadWebAppConfig } from './config.js';

const config = loadWebAppConfig();
const tenantFile = new URL(
  import.meta.url.includes('/dist/') ? '../../tenant.json' : '../tenant.json',
  import.meta.url,
);
const tenant = JSON.parse(await readFile(tenantFile, 'utf8')) as { users: { email: string; password: string }[] };
const [user] = tenant.users;
if (!user) throw new Error('tenant.json lists no user to log in with');
const issuerPort = Number(new URL(config.issuerBaseURL).port || 80);

const latchkey = await startLatchkey({
  port: issuerPort,
  host: 'localhost',
  issuer: config.issuerBaseURL,
  database: 'sqlite::memory:',
  tenant,
});
const api = await startApi({
  issuer: latchkey.issuer,
  audience: config.apiAudience,
  port: Number(new URL(config.apiURL).port || 80),
  host: 'localhost',
});
const app = await startWebApp({ ...config, issuerBaseURL: latchkey.issuer, host: 'localhost' });

console.log(`Latchkey     ${latchkey.issuer}  (in-memory database, seeded with the demo tenant)`);
console.log(`example API  ${config.apiURL}  (GET /api/public, /api/private, /api/messages; listening on ${api.url})`);
console.log(`web app      ${config.baseURL}  <- open this`);
console.log(`
Log in as the demo user:
  email     ${user.email}
  password  ${user.password}

Log in → Latchkey's login page → the profile with your ID token's claims → Call API → Log out.
Ctrl-C stops all three.`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    Promise.all([app.close(), api.close(), latchkey.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
