export const CLIENT_ID = 'regular-web-app';
export const CLIENT_SECRET = 'a-client-secret-that-is-at-least-32-characters';
export const API = 'https://api.example.test/';
export const ALICE = { email: 'alice@example.test', password: 'correct horse battery staple' };

/** A Latchkey tenant (tenant file shape) with one first-party web app at `appOrigin`. */
export function tenant(appOrigin: string) {
  return {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        name: 'Regular Web App',
        app_type: 'regular_web',
        callbacks: [`${appOrigin}/callback`],
        // post_logout_redirect_uri must match exactly (RP-Initiated Logout 1.0 §3): @latchkey/web
        // sends baseURL's root with its slash, express-openid-connect sends baseURL without one.
        allowed_logout_urls: [`${appOrigin}/`, appOrigin],
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
    users: [{ email: ALICE.email, password: ALICE.password, email_verified: true, name: 'Alice' }],
  };
}
