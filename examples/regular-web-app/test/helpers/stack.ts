import { startLatchkey, type RunningLatchkey } from '@latchkey/server';
import { startApi, type RunningApi } from '@latchkey/example-api';
import { API, closedPortOrigin, webAppTenant } from '@latchkey/testing';
import { startWebApp, type RunningWebApp } from '../../src/app.js';
import { DEMO_CLIENT } from '../../src/config.js';

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

export interface StackOptions {
  /**
   * `false` registers the example app as a third-party application, so Latchkey asks the user's
   * consent after sign-in. Default `true`, as in the demo tenant.
   */
  firstParty?: boolean;
}

/** Latchkey, the example API and this app, in-process on ephemeral ports of 127.0.0.1. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  // A free port, so the tenant can name the app's callback before the app starts.
  const origin = await closedPortOrigin();
  const latchkey = await startLatchkey({
    port: 0,
    database: 'sqlite::memory:',
    tenant: webAppTenant({
      appOrigin: origin,
      clientId: DEMO_CLIENT.clientID,
      clientSecret: DEMO_CLIENT.clientSecret,
      firstParty: options.firstParty ?? true,
      userName: ALICE_NAME,
    }),
  });
  const metadata = (await (
    await fetch(new URL('.well-known/openid-configuration', latchkey.issuer))
  ).json()) as Record<string, unknown>;
  const api = await startApi({ issuer: latchkey.issuer, audience: API });
  const app = await startWebApp({
    issuerBaseURL: latchkey.issuer,
    baseURL: origin,
    port: Number(new URL(origin).port),
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
