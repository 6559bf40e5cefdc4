import { startLatchkey, type RunningLatchkey, type StartOptions } from '../../src/server.js';
import type { Clock } from '../../src/protocol/context.js';
import { createTestDatabase } from './test-database.js';

export const WEB_APP = {
  client_id: 'app1',
  client_secret: 's3cret-at-least-32-chars-long.....',
  callback: 'http://127.0.0.1:3000/callback',
} as const;

export const THIRD_PARTY_APP = {
  client_id: 'partner',
  client_secret: 'partner-secret-at-least-32-chars-long',
  callback: 'https://partner.example.test/cb',
} as const;

export const PUBLIC_APP = { client_id: 'spa1', callback: 'http://127.0.0.1:5173/callback' } as const;

export const ALICE = { email: 'alice@example.test', password: 'correct horse battery staple' } as const;
export const BOB = { email: 'bob@example.test', password: 'another long passphrase' } as const;
export const API = 'https://api.example.test/';

export function testTenant() {
  return {
    clients: [
      {
        client_id: WEB_APP.client_id,
        client_secret: WEB_APP.client_secret,
        name: 'Web App',
        app_type: 'regular_web',
        callbacks: [WEB_APP.callback],
        allowed_logout_urls: ['http://127.0.0.1:3000/'],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_basic',
        is_first_party: true,
      },
      {
        client_id: THIRD_PARTY_APP.client_id,
        client_secret: THIRD_PARTY_APP.client_secret,
        name: 'Partner <App>',
        callbacks: [THIRD_PARTY_APP.callback, 'https://partner.example.test/cb?tenant=1'],
        token_endpoint_auth_method: 'client_secret_post',
        is_first_party: false,
      },
      {
        client_id: PUBLIC_APP.client_id,
        name: 'Single Page App',
        app_type: 'spa',
        callbacks: [PUBLIC_APP.callback],
        token_endpoint_auth_method: 'none',
      },
    ],
    resourceServers: [
      {
        identifier: API,
        name: 'Example API',
        scopes: [
          { value: 'read:messages', description: 'Read messages' },
          { value: 'write:messages', description: 'Write messages' },
        ],
        allow_offline_access: true,
        token_lifetime: 3600,
      },
    ],
    users: [
      { email: ALICE.email, password: ALICE.password, email_verified: true, name: 'Alice' },
      { email: BOB.email, password: BOB.password, name: 'Bob', user_id: 'auth0|bob0000000000000000000001' },
    ],
  };
}

/** A clock tests move by hand instead of sleeping. */
export class TestClock implements Clock {
  constructor(private seconds = Math.floor(Date.now() / 1000)) {}
  now(): number {
    return this.seconds;
  }
  advance(seconds: number): void {
    this.seconds += seconds;
  }
}

/**
 * Starts the server with the test tenant on the suite's backend: in-memory SQLite, or a fresh
 * PostgreSQL database of its own when `LATCHKEY_TEST_DATABASE=postgres` (dropped on close).
 */
export async function startTestServer(options: StartOptions = {}): Promise<RunningLatchkey> {
  if (options.database !== undefined) return startLatchkey({ tenant: testTenant(), ...options });
  const database = await createTestDatabase();
  try {
    const server = await startLatchkey({ tenant: testTenant(), ...options, database: database.url });
    return {
      ...server,
      async close() {
        await server.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}
