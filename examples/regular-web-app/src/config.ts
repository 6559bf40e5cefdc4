import { randomBytes } from 'node:crypto';

/** The example app's settings, read once from the environment. */
export interface WebAppConfig {
  /** `PORT`, default 3000. */
  port: number;
  /** This app's public URL. `BASE_URL`, default `http://localhost:3000`. */
  baseURL: string;
  /** The Latchkey issuer. `ISSUER_BASE_URL`, default `http://localhost:4000/`. */
  issuerBaseURL: string;
  /** `CLIENT_ID`, default the demo tenant's `regular-web-app`. */
  clientID: string;
  /** `CLIENT_SECRET`, default the demo tenant's secret. */
  clientSecret: string;
  /** Session encryption secret. `SESSION_SECRET`; random per start when unset (sessions end on restart). */
  secret: string;
  /** Whether `secret` was generated because `SESSION_SECRET` is unset. */
  generatedSecret: boolean;
  /** The example API. `API_URL`, default `http://localhost:3010`. */
  apiURL: string;
  /** The API identifier the access token is asked for. `API_AUDIENCE`, default `https://api.example.test/`. */
  apiAudience: string;
}

/** The client of `tenant.json`, the demo tenant next to this file's package. */
export const DEMO_CLIENT = {
  clientID: 'regular-web-app',
  clientSecret: 'demo-regular-web-app-secret-change-me-0123456789',
} as const;

export function loadWebAppConfig(env: NodeJS.ProcessEnv = process.env): WebAppConfig {
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new TypeError(`PORT must be a port number, got ${JSON.stringify(env['PORT'])}`);
  }
  const sessionSecret = env['SESSION_SECRET'];
  return Object.freeze({
    port,
    baseURL: env['BASE_URL'] ?? `http://localhost:${port}`,
    issuerBaseURL: env['ISSUER_BASE_URL'] ?? 'http://localhost:4000/',
    clientID: env['CLIENT_ID'] ?? DEMO_CLIENT.clientID,
    clientSecret: env['CLIENT_SECRET'] ?? DEMO_CLIENT.clientSecret,
    secret: sessionSecret ?? randomBytes(32).toString('base64url'),
    generatedSecret: sessionSecret === undefined,
    apiURL: env['API_URL'] ?? 'http://localhost:3010',
    apiAudience: env['API_AUDIENCE'] ?? 'https://api.example.test/',
  });
}
