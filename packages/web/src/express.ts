import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { AuthContext } from './core/context.js';
import type { WebAuthOptions } from './core/config.js';
import { ConfigurationError, UnauthenticatedError } from './core/errors.js';
import type { LoginOptions } from './core/login.js';
import type { LogoutOptions } from './core/logout.js';
import { shouldRedirectToLogin } from './core/requires-auth.js';
import { WebAuth } from './core/web-auth.js';

/** `res.oidc`: the operations that answer with a redirect. */
export interface ResponseAuth {
  /** Redirects to the provider's login. */
  login(options?: LoginOptions): Promise<void>;
  /** Ends the session and redirects to the provider's logout (or to `returnTo`). */
  logout(options?: LogoutOptions): Promise<void>;
}

declare global {
  // Express's own request and response types are merged through this namespace.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      oidc: AuthContext;
    }
    interface Response {
      oidc: ResponseAuth;
    }
  }
}

/**
 * Express middleware: reads the session of every request into `req.oidc`, adds `res.oidc`, and
 * mounts the login, callback and logout routes. Mount it at the path of `baseURL`.
 */
export function auth(options: WebAuthOptions | WebAuth): Router {
  const webAuth = options instanceof WebAuth ? options : new WebAuth(options);
  const { routes } = webAuth.config;
  const router = express.Router();

  router.use(async (req: Request, res: Response, next: NextFunction) => {
    let written: readonly string[] = [];
    const context = await webAuth.context({
      method: req.method,
      url: req.originalUrl,
      cookieHeader: req.headers.cookie,
      setCookies(headers) {
        const others = headerList(res.getHeader('set-cookie')).filter((h) => !written.includes(h));
        written = headers;
        res.setHeader('set-cookie', [...others, ...headers]);
      },
    });
    req.oidc = context;
    res.oidc = {
      login: async (loginOptions) => redirect(res, await context.login(loginOptions)),
      logout: async (logoutOptions) => redirect(res, await context.logout(logoutOptions)),
    };
    next();
  });

  if (routes.login) {
    router.get(routes.login, (req, res) => res.oidc.login({ returnTo: queryString(req, 'returnTo') }));
  }
  router.get(routes.callback, async (req, res) => redirect(res, await req.oidc.callback()));
  // response_mode=form_post (OAuth 2.0 Form Post Response Mode).
  router.post(routes.callback, express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) =>
    redirect(res, await req.oidc.callback(req.body)),
  );
  if (routes.logout) {
    const handler = (req: Request, res: Response) =>
      res.oidc.logout({ returnTo: queryString(req, 'returnTo') });
    router.get(routes.logout, handler);
    router.post(routes.logout, handler);
  }
  return router;
}

/**
 * Lets only logged-in users through. Others are redirected to the login (browser page loads) or
 * get an `UnauthenticatedError` (401) through `next`, for API calls and non-GET requests.
 */
export function requiresAuth(): RequestHandler {
  return async (req, res, next) => {
    if (!(req as Partial<Request>).oidc) {
      next(new ConfigurationError('requiresAuth() needs the auth() middleware to be mounted first'));
      return;
    }
    if (req.oidc.isAuthenticated()) {
      next();
      return;
    }
    if (shouldRedirectToLogin(req.method, req.headers)) {
      await res.oidc.login({ returnTo: req.originalUrl });
      return;
    }
    next(new UnauthenticatedError('Authentication required'));
  };
}

function redirect(res: Response, location: URL): void {
  res.setHeader('cache-control', 'no-store');
  res.redirect(302, location.href);
}

function queryString(req: Request, name: string): string | undefined {
  const value: unknown = (req.query as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function headerList(value: number | string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}

export { WebAuth, createWebAuth } from './core/web-auth.js';
export type { AuthContext } from './core/context.js';
export type { WebAuthOptions } from './core/config.js';
