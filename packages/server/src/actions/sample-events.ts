import type { ActionTrigger } from '../protocol/actions/action-executor.js';

/**
 * A complete sample `event` per trigger, in the shape the server builds: `latchkey actions test`
 * starts from it and lays the given event file over it, so the file need only hold what matters.
 */
export function sampleEvent(trigger: ActionTrigger): Record<string, unknown> {
  const user = {
    user_id: 'auth0|0123456789abcdef01234567',
    email: 'alice@example.test',
    email_verified: true,
    name: 'Alice',
    nickname: 'alice',
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    logins_count: 1,
    user_metadata: {},
    app_metadata: {},
    identities: [{ connection: 'Username-Password-Authentication', provider: 'auth0', user_id: '0123456789abcdef01234567', isSocial: false }],
  };
  const client = { client_id: 'app1', name: 'Web App', metadata: {} };
  const connection = { id: 'con_database', name: 'Username-Password-Authentication', strategy: 'auth0', metadata: {} };
  const request = { ip: '127.0.0.1', hostname: 'localhost', method: 'GET', user_agent: 'Mozilla/5.0', query: {} };
  const tenant = { id: 'localhost:4000' };
  switch (trigger) {
    case 'post-login':
      return {
        tenant,
        user,
        authorization: { roles: [] },
        authentication: { methods: [{ name: 'pwd', timestamp: '2026-01-01T00:00:00.000Z' }] },
        client,
        connection,
        request: { ...request, query: { client_id: 'app1', response_type: 'code', scope: 'openid profile' } },
        session: { id: 'sample-session' },
        stats: { logins_count: 1 },
        transaction: {
          protocol: 'oidc-basic-profile',
          requested_scopes: ['openid', 'profile'],
          redirect_uri: 'http://localhost:3000/callback',
          response_type: ['code'],
          response_mode: 'query',
          prompt: [],
          locale: 'en',
          ui_locales: [],
        },
      };
    case 'credentials-exchange':
      return {
        tenant,
        client: { client_id: 'm2m', name: 'Backend service', metadata: {} },
        resource_server: { identifier: 'https://api.example.test/' },
        transaction: { requested_scopes: [] },
        accessToken: { scope: [], customClaims: {} },
        request: {},
      };
    case 'pre-user-registration': {
      const { user_id: _id, identities: _identities, logins_count: _count, ...profile } = user;
      return { tenant, user: profile, connection, request };
    }
    case 'post-user-registration':
      return { tenant, user, connection, request };
  }
}

/** Lays `overrides` over `base`: objects merge key by key, anything else replaces. */
export function mergeEvent(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? mergeEvent(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
