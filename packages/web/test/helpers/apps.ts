import express, { type NextFunction, type Request, type Response } from 'express';
import Fastify from 'fastify';
import type { WebAuthOptions } from '../../src/core/config.js';
import { auth as expressAuth, requiresAuth as expressRequiresAuth } from '../../src/express.js';
import { latchkeyWeb, requiresAuth as fastifyRequiresAuth } from '../../src/fastify.js';
import type { Listening } from '@latchkey/testing';

export interface TestApp {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

/**
 * The same small app on each adapter: `/` (public), `/login-silent` (`prompt=none`),
 * `/login-form-post` (`response_mode=form_post`), `/profile` (login required), `/token`
 * (access token), `/userinfo`, `/api/data` (login required, JSON), and an error handler that
 * answers `{ code, message }` with the error's status.
 */
export type AppFactory = (listening: Listening, options: WebAuthOptions) => Promise<TestApp>;

interface ErrorLike {
  code?: string;
  message: string;
  status?: number;
  statusCode?: number;
}

export const expressApp: AppFactory = async (listening, options) => {
  const app = express();
  app.use(expressAuth(options));
  app.get('/', (req, res) => {
    res.json({ authenticated: req.oidc.isAuthenticated(), user: req.oidc.user ?? null });
  });
  app.get('/login-silent', (_req, res) => res.oidc.login({ authorizationParams: { prompt: 'none' } }));
  app.get('/login-form-post', (_req, res) =>
    res.oidc.login({ returnTo: '/profile', authorizationParams: { response_mode: 'form_post' } }),
  );
  app.get('/profile', expressRequiresAuth(), (req, res) => {
    res.json({ user: req.oidc.user, idTokenClaims: req.oidc.idTokenClaims });
  });
  app.get('/token', expressRequiresAuth(), async (req, res) => {
    res.json(await req.oidc.getAccessToken());
  });
  app.get('/userinfo', expressRequiresAuth(), async (req, res) => {
    res.json(await req.oidc.fetchUserInfo());
  });
  app.get('/api/data', expressRequiresAuth(), (_req, res) => {
    res.json({ data: 'secret' });
  });
  app.post('/api/data', expressRequiresAuth(), (_req, res) => {
    res.json({ data: 'secret' });
  });
  app.use((err: ErrorLike, _req: Request, res: Response, _next: NextFunction) => {
    res.status(err.status ?? 500).json({ code: err.code, message: err.message });
  });
  listening.server.on('request', app);
  return { origin: listening.origin, close: listening.close };
};

export const fastifyApp: AppFactory = async (listening, options) => {
  const app = Fastify({
    serverFactory: (handler) => listening.server.on('request', handler),
  });
  await app.register(latchkeyWeb, options);
  app.get('/', async (request) => ({
    authenticated: request.oidc.isAuthenticated(),
    user: request.oidc.user ?? null,
  }));
  app.get('/login-silent', async (_request, reply) =>
    reply.oidc.login({ authorizationParams: { prompt: 'none' } }),
  );
  app.get('/login-form-post', async (_request, reply) =>
    reply.oidc.login({ returnTo: '/profile', authorizationParams: { response_mode: 'form_post' } }),
  );
  app.get('/profile', { preHandler: fastifyRequiresAuth() }, async (request) => ({
    user: request.oidc.user,
    idTokenClaims: request.oidc.idTokenClaims,
  }));
  app.get('/token', { preHandler: fastifyRequiresAuth() }, async (request) =>
    request.oidc.getAccessToken(),
  );
  app.get('/userinfo', { preHandler: fastifyRequiresAuth() }, async (request) =>
    request.oidc.fetchUserInfo(),
  );
  app.get('/api/data', { preHandler: fastifyRequiresAuth() }, async () => ({ data: 'secret' }));
  app.post('/api/data', { preHandler: fastifyRequiresAuth() }, async () => ({ data: 'secret' }));
  app.setErrorHandler(async (err: ErrorLike, _request, reply) => {
    return reply.status(err.statusCode ?? 500).send({ code: err.code, message: err.message });
  });
  await app.ready();
  return {
    origin: listening.origin,
    close: async () => {
      await app.close();
      await listening.close();
    },
  };
};

export const adapters: ReadonlyArray<[name: string, factory: AppFactory]> = [
  ['express', expressApp],
  ['fastify', fastifyApp],
];
