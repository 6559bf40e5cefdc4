import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyHelmet from '@fastify/helmet';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { AuthorizationError, OAuthError } from '../protocol/errors.js';
import { addBodyParsers } from './body-parsers.js';
import { clientErrorHandler } from './client-error.js';
import { addClientFailureThrottle } from './client-failure-throttle.js';
import type { HttpDeps } from './deps.js';
import { MALFORMED, MalformedFormError, parseQuery } from './form-parsing.js';
import { loggerOptions, requestId, requestLogger, type LoggerSetting } from './logging.js';
import { addOperations, type OperationsOptions } from './operations.js';
import { sendAuthorizationError, sendBearerError, sendErrorPage, sendJsonError } from './render-errors.js';
import { authorizeRoutes } from './routes/authorize.js';
import { continueRoutes } from './routes/continue.js';
import { discoveryRoutes } from './routes/discovery.js';
import { introspectionRoutes } from './routes/introspection.js';
import { loginPageRoutes } from './routes/login-pages.js';
import { logoutRoutes } from './routes/logout.js';
import { revocationRoutes } from './routes/revocation.js';
import { tokenRoutes } from './routes/token.js';
import { userinfoRoutes } from './routes/userinfo.js';
import { apiSecurityHeaders, helmetOptions } from './security-headers.js';

export interface AppOptions {
  deps: HttpDeps;
  /** Key for the CSRF tokens' HMAC, shared by every instance. */
  csrfKey: string;
  logger: LoggerSetting;
  /** Health, readiness, metrics, request logs and the HTTP rate limit. */
  operations?: OperationsOptions | undefined;
  /** An https server (`serverFactory`) and which proxies to trust for the client's address and scheme. */
  transport?: Pick<FastifyServerOptions, 'serverFactory' | 'trustProxy'> | undefined;
}

/** Largest request body accepted: OAuth requests are small (RFC 6749 leaves the limit to the server). */
const BODY_LIMIT = 64 * 1024;

type ErrorStyle = 'json' | 'bearer' | 'authorize' | 'page';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How the route's errors are rendered (an ErrorStyle; see renderError). */
    errorStyle?: string;
  }
}

/**
 * The Fastify application: external plugins, then the routes, and one error handler that renders
 * every failure in the shape its endpoint promises.
 */
export async function buildApp({ deps, csrfKey, logger, operations, transport }: AppOptions): Promise<FastifyInstance> {
  const { issuer } = deps.ctx.settings;
  const app = Fastify({
    logger: loggerOptions(logger),
    // Fastify's two lines per request are replaced by one (see operations.ts), with secrets redacted.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestId,
    childLoggerFactory: requestLogger,
    requestIdHeader: false,
    ...transport,
    bodyLimit: BODY_LIMIT,
    routerOptions: {
      maxParamLength: 200,
      querystringParser: parseQuery,
    },
    return503OnClosing: true,
    clientErrorHandler,
  });

  // Only form and JSON bodies are OAuth requests; anything else is 415.
  app.removeContentTypeParser('text/plain');
  addBodyParsers(app, BODY_LIMIT);

  // A callback hook, not an async one: it runs on every request, including the hot paths.
  const secure = new URL(issuer).protocol === 'https:';
  app.addHook('onRequest', (request, reply, done) => {
    apiSecurityHeaders(reply, secure);
    done((request.query as Record<symbol, unknown>)[MALFORMED] ? new MalformedFormError() : undefined);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => renderError(error, request, reply, issuer));
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).type('application/json').send(JSON.stringify({ error: 'not_found', error_description: 'no such endpoint' })),
  );

  if (operations) await addOperations(app, operations);
  await app.register(discoveryRoutes, { deps });
  await app.register(userinfoRoutes, { deps });
  // The endpoints where clients authenticate, in their own context: only their requests pass
  // through the failure throttle's hooks.
  await app.register(async (clientEndpoints) => {
    await addClientFailureThrottle(clientEndpoints, deps.clientFailureThrottle);
    await clientEndpoints.register(tokenRoutes, { deps });
    await clientEndpoints.register(revocationRoutes, { deps });
    await clientEndpoints.register(introspectionRoutes, { deps });
  });

  // The browser-facing endpoints, in their own context: only they pay for helmet's full set of
  // headers and its Content-Security-Policy, and for parsing and setting cookies (no API request
  // carries one that matters); the JSON endpoints get the cheap headers above.
  await app.register(async (pages) => {
    await pages.register(fastifyHelmet, helmetOptions(secure));
    await pages.register(fastifyCookie);
    await pages.register(fastifyCsrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: deps.cookies.csrfName,
      cookieOpts: { ...deps.cookies.options, signed: false },
      csrfOpts: { hmacKey: csrfKey, userInfo: true },
      // Tokens are bound to the login transaction the form belongs to.
      getUserInfo: (request: FastifyRequest) => {
        const body = request.body as Record<string, unknown> | undefined;
        const state = body?.state;
        return typeof state === 'string' ? state : '';
      },
    });
    // A POST to our pages from another origin is refused whatever it carries (ASVS 3.5.3).
    const ownOrigin = new URL(issuer).origin;
    pages.addHook('onRequest', (request, reply, done) => {
      const origin = request.headers.origin;
      if (request.method === 'POST' && origin !== undefined && origin !== ownOrigin && origin !== 'null') {
        sendErrorPage(reply, 403, 'This form was sent from another site and was refused.', 'invalid_request');
        return;
      }
      done();
    });
    await pages.register(authorizeRoutes, { deps });
    await pages.register(loginPageRoutes, { deps });
    await pages.register(continueRoutes, { deps });
    await pages.register(logoutRoutes, { deps });
  });
  return app;
}

function renderError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, issuer: string): FastifyReply {
  const style = ((request.routeOptions?.config as { errorStyle?: ErrorStyle } | undefined)?.errorStyle ?? 'json') as ErrorStyle;
  const oauthError = toOAuthError(error);
  if (!oauthError) request.log.error({ err: error }, 'unexpected error');

  switch (style) {
    case 'authorize':
    case 'page':
      if (oauthError instanceof AuthorizationError) return sendAuthorizationError(reply, oauthError, issuer, style === 'page' ? 303 : 302);
      if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
        return sendErrorPage(reply, 403, 'The form expired or was not sent from this page. Go back and try again.', 'invalid_request');
      }
      if (oauthError) return sendErrorPage(reply, clientStatus(oauthError), oauthError.description ?? oauthError.error, oauthError.error);
      return sendErrorPage(reply, 500, 'The server could not complete the request. Try again later.', 'server_error');
    case 'bearer':
      return sendBearerError(reply, oauthError ?? new OAuthError('server_error', 'internal error'));
    case 'json':
      return sendJsonError(reply, oauthError ?? new OAuthError('server_error', 'internal error'));
  }
}

function clientStatus(error: OAuthError): number {
  return error.status >= 400 && error.status < 500 ? error.status : 400;
}

/** Maps what can go wrong before a handler runs (bad bodies, sizes, types) to invalid_request. */
function toOAuthError(error: FastifyError): OAuthError | undefined {
  if (error instanceof OAuthError) return error;
  if (error instanceof MalformedFormError) return new OAuthError('invalid_request', error.message);
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const description =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'request body too large'
      : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported content type: send application/x-www-form-urlencoded or application/json'
      : error.code?.startsWith('FST_CSRF') ? 'invalid CSRF token'
      : 'malformed request';
    return new OAuthError('invalid_request', description, { status });
  }
  return undefined;
}
