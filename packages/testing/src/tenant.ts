/** The test user of every web-app tenant. */
export const ALICE = { email: 'alice@example.test', password: 'correct horse battery staple' } as const;
/** The identifier of the example API (the `audience` web apps ask access tokens for). */
export const API = 'https://api.example.test/';
/** The web app's client, unless a test names its own. */
export const WEB_APP = {
  clientId: 'regular-web-app',
  clientSecret: 'a-client-secret-that-is-at-least-32-characters',
} as const;

export interface WebAppTenantOptions {
  /** `http://127.0.0.1:<port>` of the web app, without a trailing slash. */
  appOrigin: string;
  clientId?: string;
  clientSecret?: string;
  /**
   * `false` registers the app as a third-party application (`is_first_party: false`), for which
   * Latchkey shows its consent page after sign-in. Default `true`: no consent page.
   */
  firstParty?: boolean;
  /** Alice's `name` claim; default `Alice`. */
  userName?: string;
}

/**
 * A Latchkey tenant (the tenant file's shape) with one regular web app at `appOrigin`, the example
 * API with its `read:messages` scope, and the user Alice.
 */
export function webAppTenant(options: WebAppTenantOptions) {
  const { appOrigin } = options;
  return {
    clients: [
      {
        client_id: options.clientId ?? WEB_APP.clientId,
        client_secret: options.clientSecret ?? WEB_APP.clientSecret,
        name: 'Regular Web App',
        app_type: 'regular_web',
        callbacks: [`${appOrigin}/callback`],
        // post_logout_redirect_uri must match exactly (RP-Initiated Logout 1.0 §3): @latchkey/web
        // sends baseURL's root with its slash, express-openid-connect sends baseURL without one.
        allowed_logout_urls: [`${appOrigin}/`, appOrigin],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_basic',
        is_first_party: options.firstParty ?? true,
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
    users: [{ email: ALICE.email, password: ALICE.password, email_verified: true, name: options.userName ?? 'Alice' }],
  };
}
