/** `npm start -w examples/api`: the example API on PORT (default 3010). */
import { startApi } from './app.js';
import { loadApiConfig } from './config.js';

const config = loadApiConfig();
const api = await startApi({
  issuer: config.issuer,
  audience: config.audience,
  port: config.port,
  host: process.env['HOST'] ?? 'localhost',
});
console.log(`example API listening on ${api.url} (issuer ${config.issuer}, audience ${config.audience})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
