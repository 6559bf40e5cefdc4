import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../../protocol/errors.js';
import { revokeToken } from '../../protocol/revocation/revoke-token.js';
import type { HttpDeps } from '../deps.js';
import { sendJsonError } from '../render-errors.js';

/** POST /oauth/revoke (RFC 7009 §2): 200 with an empty body whether or not the token was known. */
export async function revocationRoutes(app: FastifyInstance, { deps }: { deps: HttpDeps }) {
  const config = { errorStyle: 'json' };
  app.post('/oauth/revoke', { config }, async (request: FastifyRequest, reply: FastifyReply) => {
    await revokeToken(deps.ctx, request.body, request.headers.authorization);
    return reply.code(200).header('Cache-Control', 'no-store').send();
  });
  app.get('/oauth/revoke', { config }, (_request, reply) =>
    sendJsonError(reply.header('Allow', 'POST'), new OAuthError('invalid_request', 'the revocation endpoint accepts POST only', { status: 405 })),
  );
}
