/**
 * A small API protected by Latchkey access tokens: one open route, one that needs any valid
 * token for this API, and one that also needs the `read:messages` scope.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import { auth, requiredScopes } from '@latchkey/api/express';
import type { AuthOptions } from '@latchkey/api/express';

export interface ApiAppOptions {
  /** The Latchkey issuer (exact `iss`, with its trailing slash); its keys are found by discovery. */
  issuer: string;
  /** This API's identifier; tokens must name it in `aud`. */
  audience: string;
  /** Anything else `@latchkey/api` accepts (e.g. `clockTolerance`, `jwksUri`). */
  verifier?: Partial<AuthOptions>;
}

const MESSAGES = [
  { id: 1, from: 'latchkey', text: 'Hello from a protected API.' },
  { id: 2, from: 'latchkey', text: 'You could read this because your token has read:messages.' },
];

export function createApiApp(options: ApiAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');

  const checkJwt = auth({ issuer: options.issuer, audience: options.audience, ...options.verifier });

  app.get('/api/public', (_req, res) => {
    res.json({ message: 'Public endpoint: no access token needed.' });
  });

  app.get('/api/private', checkJwt, (req, res) => {
    res.json({
      message: 'Private endpoint: your access token is valid.',
      sub: req.auth?.payload.sub,
      client_id: req.auth?.payload['client_id'],
    });
  });

  app.get('/api/messages', checkJwt, requiredScopes('read:messages'), (_req, res) => {
    res.json({ messages: MESSAGES });
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', error_description: 'No such endpoint' });
  });
  // Express's default handler would print a stack trace in development; never send one.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    console.error(error);
    res.status(500).json({ error: 'server_error', error_description: 'Something went wrong' });
  });

  return app;
}

export interface RunningApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the API in-process (tests and demos); `port: 0` picks a free port. */
export async function startApi(
  options: ApiAppOptions & { port?: number; host?: string },
): Promise<RunningApi> {
  const server = createApiApp(options).listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
