import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../deps.js';

/** OpenID Connect Discovery §4 and RFC 8414 §3, and the JWK Set (RFC 7517 §5): prepared strings. */
export async function discoveryRoutes(app: FastifyInstance, { deps }: { deps: HttpDeps }) {
  const sendDiscovery = (_req: unknown, reply: import('fastify').FastifyReply) =>
    reply.header('Cache-Control', 'public, max-age=300').type('application/json').send(deps.discoveryJson);
  app.get('/.well-known/openid-configuration', sendDiscovery);
  app.get('/.well-known/oauth-authorization-server', sendDiscovery);
  app.get('/.well-known/jwks.json', (_req, reply) =>
    reply.header('Cache-Control', 'public, max-age=300').type('application/jwk-set+json').send(deps.ctx.keys.jwks()),
  );
}
