import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  preHandlerAsyncHookHandler,
} from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { AuthContext } from './core/context.js';
import type { WebAuthOptions } from './core/config.js';
import { ConfigurationError, UnauthenticatedError } from './core/errors.js';
import type { LoginOptions } from './core/login.js';
import type { LogoutOptions } from './core/logout.js';
import { shouldRedirectToLogin } from './core/requires-auth.js';
import { WebAuth } from './core/web-auth.js';

/** `reply.oidc`: the operations that answer with a redirect. */
export interface ReplyAuth {
  /** Redirects to the provider's login. */
  login(options?: LoginOptions): Promise<FastifyReply>;
  /** Ends the session and redirects to the provider's logout (or to `returnTo`). */
  logout(options?: LogoutOptions): Promise<FastifyReply>;
}

declare module 'fastify' {
  interface FastifyRequest {
    oidc: AuthContext;
  }
  interface FastifyReply {
    oidc: ReplyAuth;
  }
}

export type LatchkeyWebPluginOptions = WebAuthOptions | { webAuth: WebAuth };

const FORM = 'application/x-www-form-urlencoded';

async function plugin(app: FastifyInstance, options: LatchkeyWebPluginOptions): Promise<void> {
  const webAuth = 'webAuth' in options ? options.webAuth : new WebAuth(options);
  const { routes } = webAuth.config;

  app.decorateRequest('oidc', null as unknown as AuthContext);
  app.decorateReply('oidc', null as unknown as ReplyAuth);

  app.addHook('onRequest', async (request, reply) => {
    let written: readonly string[] = [];
    const context = await webAuth.context({
      method: request.method,
      url: request.url,
      cookieHeader: request.headers.cookie,
      setCookies(headers) {
        const current = reply.getHeader('set-cookie');
        const others = (Array.isArray(current) ? current : current ? [String(current)] : []).filter(
          (h) => !written.includes(h),
        );
        written = headers;
        reply.removeHeader('set-cookie');
        if (others.length + headers.length > 0) reply.header('set-cookie', [...others, ...headers]);
      },
    });
    request.oidc = context;
    reply.oidc = {
      login: async (loginOptions) => redirect(reply, await context.login(loginOptions)),
      logout: async (logoutOptions) => redirect(reply, await context.logout(logoutOptions)),
    };
  });

  // The routes live in their own context, so the form parser of the callback stays local.
  await app.register(async (scope) => {
    if (!scope.hasContentTypeParser(FORM)) {
      scope.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 65_536 }, (_req, body, done) => {
        done(null, new URLSearchParams(body as string));
      });
    }
    if (routes.login) {
      const loginRoute = routes.login;
      scope.get(loginRoute, async (request, reply) =>
        reply.oidc.login({ returnTo: queryString(request, 'returnTo') }),
      );
    }
    scope.get(routes.callback, async (request, reply) => redirect(reply, await request.oidc.callback()));
    // response_mode=form_post (OAuth 2.0 Form Post Response Mode).
    scope.post(routes.callback, async (request, reply) =>
      redirect(reply, await request.oidc.callback(request.body)),
    );
    if (routes.logout) {
      const handler = async (request: FastifyRequest, reply: FastifyReply) =>
        reply.oidc.logout({ returnTo: queryString(request, 'returnTo') });
      scope.get(routes.logout, handler);
      scope.post(routes.logout, handler);
    }
  });
}

/**
 * Fastify plugin: reads the session of every request into `request.oidc`, adds `reply.oidc`, and
 * mounts the login, callback and logout routes under the registration prefix.
 */
export const latchkeyWeb = fastifyPlugin(plugin, { fastify: '5.x', name: '@latchkey/web' });

/**
 * A `preHandler` letting only logged-in users through. Others are redirected to the login
 * (browser page loads) or get an `UnauthenticatedError` (401), for API calls and non-GET requests.
 */
export function requiresAuth(): preHandlerAsyncHookHandler {
  return async function requiresAuthHook(request, reply) {
    if (!(request as Partial<FastifyRequest>).oidc) {
      throw new ConfigurationError('requiresAuth() needs the latchkeyWeb plugin to be registered first');
    }
    if (request.oidc.isAuthenticated()) return;
    if (shouldRedirectToLogin(request.method, request.headers)) {
      await reply.oidc.login({ returnTo: request.url });
      return;
    }
    throw new UnauthenticatedError('Authentication required');
  };
}

function redirect(reply: FastifyReply, location: URL): FastifyReply {
  return reply.header('cache-control', 'no-store').redirect(location.href, 302);
}

function queryString(request: FastifyRequest, name: string): string | undefined {
  const value: unknown = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

export { WebAuth, createWebAuth } from './core/web-auth.js';
export type { AuthContext } from './core/context.js';
export type { WebAuthOptions } from './core/config.js';
