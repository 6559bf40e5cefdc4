/**
 * A regular (server-side) web app on @latchkey/web: a home page with a Login button, a profile
 * page with the user's ID token claims, a Call API button that calls the example API with the
 * user's access token from the server, and Logout. Pages are server-rendered with Eta, which
 * escapes every interpolation; there is no script at all, and the CSP says so.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Eta } from 'eta';
import { WebAuthError, type WebAuthOptions } from '@latchkey/web';
import { auth, requiresAuth } from '@latchkey/web/express';

export interface WebAppOptions {
  /** The Latchkey issuer, e.g. `http://localhost:4000/`. */
  issuerBaseURL: string;
  /** This app's public URL, e.g. `http://localhost:3000`. */
  baseURL: string;
  clientID: string;
  clientSecret: string;
  /** Session encryption secret, at least 32 characters. */
  secret: string;
  /** Base URL of the example API; the app calls `${apiURL}/api/messages`. */
  apiURL: string;
  /** The API identifier the access token is asked for (`audience`). */
  apiAudience: string;
  /** Anything else @latchkey/web accepts (tests inject a clock with `now`). */
  auth?: Partial<WebAuthOptions>;
}

// src/app.ts under tsx, dist/src/app.js once built: the package root is one or two levels up.
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, here.endsWith(join('dist', 'src')) ? '../..' : '..');

const eta = new Eta({ views: join(root, 'views'), autoEscape: true, cache: true });

interface PageData {
  title: string;
  [name: string]: unknown;
}

function render(req: Request, res: Response, view: string, data: PageData, status = 200): void {
  const html = eta.render(view, {
    ...data,
    authenticated: req.oidc?.isAuthenticated() ?? false,
    user: req.oidc?.user,
  });
  res.status(status).type('html').send(html);
}

export function createWebApp(options: WebAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  const issuerOrigin = new URL(options.issuerBaseURL).origin;
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'none'"],
          // The login and logout forms end in a redirect to Latchkey, which form-action covers.
          formAction: ["'self'", issuerOrigin],
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  app.use('/static', express.static(join(root, 'public'), { index: false }));

  app.use(
    auth({
      issuerBaseURL: options.issuerBaseURL,
      baseURL: options.baseURL,
      clientID: options.clientID,
      clientSecret: options.clientSecret,
      secret: options.secret,
      authorizationParams: {
        audience: options.apiAudience,
        // offline_access: a refresh token, so the access token can be renewed without a new login.
        scope: 'openid profile email offline_access read:messages',
      },
      ...options.auth,
    }),
  );

  app.get('/', (req, res) => {
    render(req, res, 'home', { title: 'Home' });
  });

  app.get('/profile', requiresAuth(), (req, res) => {
    const claims = Object.entries(req.oidc.idTokenClaims ?? {}).map(([name, value]) => ({
      name,
      value: typeof value === 'string' ? value : JSON.stringify(value),
    }));
    render(req, res, 'profile', { title: 'Profile', claims });
  });

  const messagesUrl = new URL(`${options.apiURL.replace(/\/+$/, '')}/api/messages`);
  app.post('/call-api', requiresAuth(), async (req, res) => {
    const { access_token } = await req.oidc.getAccessToken();
    let response: globalThis.Response;
    try {
      response = await fetch(messagesUrl, {
        headers: { authorization: `Bearer ${access_token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      render(req, res, 'api', { title: 'API call', url: messagesUrl.href, error: `The API could not be reached: ${reason}` }, 502);
      return;
    }
    const text = await response.text();
    render(req, res, 'api', {
      title: 'API call',
      url: messagesUrl.href,
      status: response.status,
      ok: response.ok,
      body: prettyJson(text),
    });
  });

  app.use((req: Request, res: Response) => {
    render(req, res, 'error', { title: 'Not found', status: 404, message: 'There is no such page.' }, 404);
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof WebAuthError) {
      // The SDK's messages name what went wrong (no login in progress, state mismatch, provider
      // error, unreachable issuer) without secrets, so they are shown as they are.
      render(req, res, 'error', { title: 'Login problem', status: error.status, code: error.code, message: error.message }, error.status);
      return;
    }
    console.error(error);
    render(req, res, 'error', { title: 'Error', status: 500, message: 'Something went wrong.' }, 500);
  });

  return app;
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export interface RunningWebApp {
  /** The URL it listens on, with a trailing slash. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the app in-process (tests and demos). `port: 0` picks a free port; without `baseURL`,
 * the app's URL is the address it listens on.
 */
export async function startWebApp(
  options: Omit<WebAppOptions, 'baseURL'> & { baseURL?: string; port?: number; host?: string },
): Promise<RunningWebApp> {
  const server = createServer();
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const url = `http://${host}:${port}/`;
  server.on('request', createWebApp({ ...options, baseURL: options.baseURL ?? url }));
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
