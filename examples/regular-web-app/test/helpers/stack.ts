import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLatchkey, type RunningLatchkey } from '@latchkey/server';
import { startApi, type RunningApi } from '@latchkey/example-api';
import { startWebApp, type RunningWebApp } from '../../src/app.js';
import { DEMO_CLIENT } from '../../src/config.js';

export const API = 'https://api.example.test/';
export const ALICE = { email: 'alice@example.test', password: 'correct horse battery staple' };
/** Alice's name has markup in it, to show that pages escape it. */
export const ALICE_NAME = 'Alice <script>alert(1)</script>';

export interface Stack {
  latchkey: RunningLatchkey;
  api: RunningApi;
  app: RunningWebApp;
  /** `http://127.0.0.1:<port>` of the web app. */
  origin: string;
  metadata: Record<string, unknown>;
  close(): Promise<void>;
}

/** A free port, so the tenant can name the app's callback before the app starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Latchkey, the example API and this app, in-process on ephemeral ports of 127.0.0.1. */
export async function startStack(): Promise<Stack> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const latchkey = await startLatchkey({
    port: 0,
    database: 'sqlite::memory:',
    tenant: {
      clients: [
        {
          client_id: DEMO_CLIENT.clientID,
          client_secret: DEMO_CLIENT.clientSecret,
          name: 'Regular Web App',
          app_type: 'regular_web',
          callbacks: [`${origin}/callback`],
          allowed_logout_urls: [`${origin}/`],
          grant_types: ['authorization_code', 'refresh_token'],
          token_endpoint_auth_method: 'client_secret_basic',
          is_first_party: true,
        },
      ],
      resourceServers: [
        {
          identifier: API,
          name: 'Example API',
          scopes: [{ value: 'read:messages', description: 'Read messages' }],
          allow_offline_access: true,
          token_lifetime: 3600,
        },
      ],
      users: [{ email: ALICE.email, password: ALICE.password, email_verified: true, name: ALICE_NAME }],
    },
  });
  const metadata = (await (
    await fetch(new URL('.well-known/openid-configuration', latchkey.issuer))
  ).json()) as Record<string, unknown>;
  const api = await startApi({ issuer: latchkey.issuer, audience: API });
  const app = await startWebApp({
    issuerBaseURL: latchkey.issuer,
    baseURL: origin,
    port,
    clientID: DEMO_CLIENT.clientID,
    clientSecret: DEMO_CLIENT.clientSecret,
    secret: 'the session secret of the example app test!',
    apiURL: api.url,
    apiAudience: API,
  });
  return {
    latchkey,
    api,
    app,
    origin,
    metadata,
    close: async () => {
      await app.close();
      await api.close();
      await latchkey.close();
    },
  };
}
