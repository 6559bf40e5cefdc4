/**
 * `npm run demo -w examples/regular-web-app`: Latchkey (http://localhost:4000/, in-memory
 * database, the demo tenant of tenant.json), the example API (http://localhost:3010) and this app
 * (http://localhost:3000) in one process. Log in as alice@example.test /
 * "correct horse battery staple".
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
const tenant: unknown = JSON.parse(await readFile(tenantFile, 'utf8'));
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
const app = await startWebApp({
  issuerBaseURL: latchkey.issuer,
  baseURL: config.baseURL,
  clientID: config.clientID,
  clientSecret: config.clientSecret,
  secret: config.secret,
  apiURL: config.apiURL,
  apiAudience: config.apiAudience,
  port: config.port,
  host: 'localhost',
});

console.log(`Latchkey     ${latchkey.issuer}`);
console.log(`example API  ${api.url}`);
console.log(`web app      ${config.baseURL}  <- open this; log in as alice@example.test / correct horse battery staple`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    Promise.all([app.close(), api.close(), latchkey.close()]).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
