/** `npm start -w examples/regular-web-app`: the example web app on PORT (default 3000). */
import { startWebApp } from './app.js';
import { loadWebAppConfig } from './config.js';

const config = loadWebAppConfig();
if (config.generatedSecret) {
  console.warn('SESSION_SECRET is not set: using a random one, so sessions end when the app restarts');
}
const app = await startWebApp({ ...config, host: process.env['HOST'] ?? 'localhost' });
console.log(`example web app listening on ${app.url} (public URL ${config.baseURL}, issuer ${config.issuerBaseURL})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
