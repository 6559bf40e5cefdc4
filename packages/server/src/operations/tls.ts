import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { FastifyServerOptions } from 'fastify';

/** PEM files of the certificate (with its chain) and private key: LATCHKEY_TLS_CERT, LATCHKEY_TLS_KEY. */
export interface TlsFiles {
  cert: string;
  key: string;
}

function readPem(files: TlsFiles): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(files.cert), key: readFileSync(files.key) };
}

/**
 * Serving https directly: a Fastify server factory for an https server, and a reload that swaps in
 * the files' current contents (on SIGHUP, after a renewal) for new connections without a restart.
 * Connections already open keep their certificate.
 */
export function httpsTransport(files: TlsFiles): { serverFactory: NonNullable<FastifyServerOptions['serverFactory']>; reload(): void } {
  // Read now: a missing or unreadable file stops the start, not the first connection.
  const initial = readPem(files);
  let server: Server | undefined;
  return {
    serverFactory: (handler) => {
      server = createServer({ ...initial, minVersion: 'TLSv1.2' }, handler);
      return server as unknown as ReturnType<NonNullable<FastifyServerOptions['serverFactory']>>;
    },
    reload() {
      if (!server) throw new Error('the https server is not created yet');
      // Both files are read before either is used: a half-renewed pair fails here and keeps the old one.
      server.setSecureContext({ ...readPem(files), minVersion: 'TLSv1.2' });
    },
  };
}
