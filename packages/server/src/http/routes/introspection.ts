import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../../protocol/errors.js';
import { introspectToken } from '../../protocol/introspection/introspect-token.js';
import type { HttpDeps } from '../deps.js';
import { sendJsonError } from '../render-errors.js';

/** POST /oauth/introspect (RFC 7662 §2); the answer describes a token, so it is never cached. */
export async function introspectionRoutes(app: FastifyInstance, { deps }: { deps: HttpDeps }) {
  const config = { errorStyle: 'json' };
  app.post('/oauth/introspect', { config }, async (request: FastifyRequest, reply: FastifyReply) => {
    const response = await introspectToken(deps.ctx, request.body, request.headers.authorization);
    return reply
      .header('Cache-Control', 'no-store')
      .header('Pragma', 'no-cache')
      .type('application/json')
      .send(JSON.stringify(response));
  });
  app.get('/oauth/introspect', { config }, (_request, reply) =>
    sendJsonError(reply.header('Allow', 'POST'), new OAuthError('invalid_request', 'the introspection endpoint accepts POST only', { status: 405 })),
  );
}
